// MergeShards (23)
//
// Request:
//   streamName            str8
//   shardToMerge          str8
//   adjacentShardToMerge  str8
//
// Response: empty.
import { empty, type Codec } from '../codec.js';
import { size } from '../cursor.js';

export interface MergeShardsRequest {
  streamName: string;
  shardToMerge: string;
  adjacentShardToMerge: string;
}

const request: Codec<MergeShardsRequest> = {
  size: (v) => size.str8(v.streamName) + size.str8(v.shardToMerge) + size.str8(v.adjacentShardToMerge),
  write(w, v) {
    w.str8(v.streamName);
    w.str8(v.shardToMerge);
    w.str8(v.adjacentShardToMerge);
  },
  read: (r) => ({ streamName: r.str8(), shardToMerge: r.str8(), adjacentShardToMerge: r.str8() }),
};

export const mergeShards = { request, response: empty };

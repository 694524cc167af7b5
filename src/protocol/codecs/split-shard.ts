// SplitShard (22)
//
// Request:
//   streamName          str8
//   shardToSplit        str8
//   newStartingHashKey  u128
//
// Response: empty.
import { empty, type Codec } from '../codec.js';
import { size } from '../cursor.js';

export interface SplitShardRequest {
  streamName: string;
  shardToSplit: string;
  newStartingHashKey: bigint;
}

const request: Codec<SplitShardRequest> = {
  size: (v) => size.str8(v.streamName) + size.str8(v.shardToSplit) + 16,
  write(w, v) {
    w.str8(v.streamName);
    w.str8(v.shardToSplit);
    w.u128(v.newStartingHashKey);
  },
  read: (r) => ({ streamName: r.str8(), shardToSplit: r.str8(), newStartingHashKey: r.u128() }),
};

export const splitShard = { request, response: empty };

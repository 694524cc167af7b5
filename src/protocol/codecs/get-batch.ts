// GetBatch (33): read records from a position, optionally long-polling for the first one.
//
// Request:
//   streamName  str8
//   shardId     str8
//   position    position
//   maxRecords  u32   0: server default
//   maxBytes    u32   0: server default; at least one record is returned if any is available
//   waitMs      u32   wait up to this long for a first record (0: answer at once)
//
// Response: records result
//   nextOffset          u64
//   millisBehindLatest  u64
//   flags               u8    bit 0 SHARD_END
//   batchCount          u16
//   batches             record batch × batchCount
//   childShardCount     u16
//   childShards         child shard × childShardCount
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { position, recordsResult, type Position, type RecordsResult } from './common.js';

export interface GetBatchRequest {
  streamName: string;
  shardId: string;
  position: Position;
  maxRecords: number;
  maxBytes: number;
  waitMs: number;
}

export type GetBatchResponse = RecordsResult;

const request: Codec<GetBatchRequest> = {
  size: (v) => size.str8(v.streamName) + size.str8(v.shardId) + position.size(v.position) + 12,
  write(w, v) {
    w.str8(v.streamName);
    w.str8(v.shardId);
    position.write(w, v.position);
    w.u32(v.maxRecords);
    w.u32(v.maxBytes);
    w.u32(v.waitMs);
  },
  read: (r) => ({
    streamName: r.str8(),
    shardId: r.str8(),
    position: position.read(r),
    maxRecords: r.u32(),
    maxBytes: r.u32(),
    waitMs: r.u32(),
  }),
};

export const getBatch = { request, response: recordsResult };

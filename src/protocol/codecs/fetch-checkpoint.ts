// FetchCheckpoint (65): read a consumer group's position in a shard back.
//
// Request:
//   group       str8
//   streamName  str8
//   shardId     str8
//
// Response:
//   found        u8       0: no checkpoint; the other fields are then zero or empty
//   offset       u64
//   flags        u8       bit 0 SHARD_END
//   metadata     bytes16
//   updatedAtMs  i64
import type { Codec } from '../codec.js';
import { CHECKPOINT_FLAG_SHARD_END } from '../constants.js';
import { size } from '../cursor.js';
import { malformed } from '../errors.js';
import { checkMetadataLength, readFlagsAndMetadata } from './commit-checkpoint.js';
import { bool } from './common.js';

const NO_METADATA = Buffer.alloc(0);

export interface FetchCheckpointRequest {
  group: string;
  streamName: string;
  shardId: string;
}

export interface Checkpoint {
  offset: number;
  shardEnd: boolean;
  metadata: Buffer;
  updatedAtMs: number;
}

export interface FetchCheckpointResponse {
  /** null when the group has no checkpoint for the shard. */
  checkpoint: Checkpoint | null;
}

const request: Codec<FetchCheckpointRequest> = {
  size: (v) => size.str8(v.group) + size.str8(v.streamName) + size.str8(v.shardId),
  write(w, v) {
    w.str8(v.group);
    w.str8(v.streamName);
    w.str8(v.shardId);
  },
  read: (r) => ({ group: r.str8(), streamName: r.str8(), shardId: r.str8() }),
};

const response: Codec<FetchCheckpointResponse> = {
  size: (v) => 1 + 8 + 1 + size.bytes16(v.checkpoint?.metadata ?? NO_METADATA) + 8,
  write(w, v) {
    const c = v.checkpoint;
    if (c) checkMetadataLength(c.metadata.length);
    bool.write(w, c !== null);
    w.u64(c ? c.offset : 0);
    w.u8(c?.shardEnd ? CHECKPOINT_FLAG_SHARD_END : 0);
    w.bytes16(c ? c.metadata : NO_METADATA);
    w.i64(c ? c.updatedAtMs : 0);
  },
  read(r) {
    const found = bool.read(r);
    const offset = r.u64();
    const { shardEnd, metadata } = readFlagsAndMetadata(r);
    const updatedAtMs = r.i64();
    if (!found) {
      if (offset !== 0 || shardEnd || metadata.length !== 0 || updatedAtMs !== 0) throw malformed('fields of a missing checkpoint are not zero');
      return { checkpoint: null };
    }
    return { checkpoint: { offset, shardEnd, metadata, updatedAtMs } };
  },
};

export const fetchCheckpoint = { request, response };

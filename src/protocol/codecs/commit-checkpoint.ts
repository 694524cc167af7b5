// CommitCheckpoint (64): store a consumer group's position in a shard.
//
// Request:
//   group       str8     consumer group (application) name
//   streamName  str8
//   shardId     str8
//   offset      u64      the last processed record; consumers resume AFTER_OFFSET
//   flags       u8       bit 0 SHARD_END: the shard is finished (children may start)
//   metadata    bytes16  opaque to the server, ≤ 4096 bytes
//
// Response: empty.
import { InvalidArgumentError } from '../../errors.js';
import { empty, type Codec } from '../codec.js';
import { CHECKPOINT_FLAG_SHARD_END, MAX_CHECKPOINT_METADATA_BYTES } from '../constants.js';
import { size, type Reader } from '../cursor.js';
import { malformed } from '../errors.js';

export interface CommitCheckpointRequest {
  group: string;
  streamName: string;
  shardId: string;
  offset: number;
  shardEnd: boolean;
  metadata: Buffer;
}

export function checkMetadataLength(n: number): void {
  if (n > MAX_CHECKPOINT_METADATA_BYTES) {
    throw new InvalidArgumentError(`checkpoint metadata is at most ${MAX_CHECKPOINT_METADATA_BYTES} bytes, got ${n}`);
  }
}

/** Reads checkpoint flags and metadata, shared with FetchCheckpoint. */
export function readFlagsAndMetadata(r: Reader): { shardEnd: boolean; metadata: Buffer } {
  const flags = r.u8();
  if ((flags & ~CHECKPOINT_FLAG_SHARD_END) !== 0) throw malformed(`unknown checkpoint flags ${flags}`);
  const metadata = r.bytes16();
  if (metadata.length > MAX_CHECKPOINT_METADATA_BYTES) throw malformed(`checkpoint metadata of ${metadata.length} bytes`);
  return { shardEnd: (flags & CHECKPOINT_FLAG_SHARD_END) !== 0, metadata };
}

const request: Codec<CommitCheckpointRequest> = {
  size: (v) => size.str8(v.group) + size.str8(v.streamName) + size.str8(v.shardId) + 9 + size.bytes16(v.metadata),
  write(w, v) {
    checkMetadataLength(v.metadata.length);
    w.str8(v.group);
    w.str8(v.streamName);
    w.str8(v.shardId);
    w.u64(v.offset);
    w.u8(v.shardEnd ? CHECKPOINT_FLAG_SHARD_END : 0);
    w.bytes16(v.metadata);
  },
  read: (r) => ({ group: r.str8(), streamName: r.str8(), shardId: r.str8(), offset: r.u64(), ...readFlagsAndMetadata(r) }),
};

export const commitCheckpoint = { request, response: empty };

// GetShardIterator (34): resolve a position to an offset and a Kinesis-style iterator.
//
// Request:
//   streamName  str8
//   shardId     str8
//   position    position   (not SHARD_ITERATOR)
//
// Response:
//   shardIterator  str16
//   offset         u64
import { InvalidArgumentError } from '../../errors.js';
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { malformed } from '../errors.js';
import { position, type Position } from './common.js';

export interface GetShardIteratorRequest {
  streamName: string;
  shardId: string;
  position: Exclude<Position, { type: 'SHARD_ITERATOR' }>;
}

export interface GetShardIteratorResponse {
  shardIterator: string;
  offset: number;
}

const request: Codec<GetShardIteratorRequest> = {
  size: (v) => size.str8(v.streamName) + size.str8(v.shardId) + position.size(v.position),
  write(w, v) {
    if ((v.position as Position).type === 'SHARD_ITERATOR') throw new InvalidArgumentError('GetShardIterator takes a position, not an iterator');
    w.str8(v.streamName);
    w.str8(v.shardId);
    position.write(w, v.position);
  },
  read(r) {
    const streamName = r.str8();
    const shardId = r.str8();
    const p = position.read(r);
    if (p.type === 'SHARD_ITERATOR') throw malformed('GetShardIterator takes a position, not an iterator');
    return { streamName, shardId, position: p };
  },
};

const response: Codec<GetShardIteratorResponse> = {
  size: (v) => size.str16(v.shardIterator) + 8,
  write(w, v) {
    w.str16(v.shardIterator);
    w.u64(v.offset);
  },
  read: (r) => ({ shardIterator: r.str16(), offset: r.u64() }),
};

export const getShardIterator = { request, response };

// ListShards (20)
//
// Request:
//   streamName             str8
//   exclusiveStartShardId  str8  empty: from the first
//   limit                  u16   0: server default
//
// Response:
//   count    u16
//   shards   shard × count
//   hasMore  u8
//
// shard:
//   shardId                 str8
//   parentShardId           str8   empty: none
//   adjacentParentShardId   str8   empty: none
//   startingHashKey         u128
//   endingHashKey           u128
//   startingSequenceNumber  str8
//   endingSequenceNumber    str8   empty: the shard is open
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { bool } from './common.js';

export interface ListShardsRequest {
  streamName: string;
  /** Empty: from the first shard. */
  exclusiveStartShardId: string;
  limit: number;
}

export interface ShardDescription {
  shardId: string;
  /** Empty when none. */
  parentShardId: string;
  /** Empty when none. */
  adjacentParentShardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
  startingSequenceNumber: string;
  /** Empty while the shard is open. */
  endingSequenceNumber: string;
}

export interface ListShardsResponse {
  shards: ShardDescription[];
  hasMore: boolean;
}

const SHARD_MIN = 1 + 1 + 1 + 32 + 1 + 1;

const request: Codec<ListShardsRequest> = {
  size: (v) => size.str8(v.streamName) + size.str8(v.exclusiveStartShardId) + 2,
  write(w, v) {
    w.str8(v.streamName);
    w.str8(v.exclusiveStartShardId);
    w.u16(v.limit);
  },
  read: (r) => ({ streamName: r.str8(), exclusiveStartShardId: r.str8(), limit: r.u16() }),
};

const shard: Codec<ShardDescription> = {
  size: (v) =>
    size.str8(v.shardId) +
    size.str8(v.parentShardId) +
    size.str8(v.adjacentParentShardId) +
    32 +
    size.str8(v.startingSequenceNumber) +
    size.str8(v.endingSequenceNumber),
  write(w, v) {
    w.str8(v.shardId);
    w.str8(v.parentShardId);
    w.str8(v.adjacentParentShardId);
    w.u128(v.startingHashKey);
    w.u128(v.endingHashKey);
    w.str8(v.startingSequenceNumber);
    w.str8(v.endingSequenceNumber);
  },
  read: (r) => ({
    shardId: r.str8(),
    parentShardId: r.str8(),
    adjacentParentShardId: r.str8(),
    startingHashKey: r.u128(),
    endingHashKey: r.u128(),
    startingSequenceNumber: r.str8(),
    endingSequenceNumber: r.str8(),
  }),
};

const response: Codec<ListShardsResponse> = {
  size(v) {
    let n = 3;
    for (const s of v.shards) n += shard.size(s);
    return n;
  },
  write(w, v) {
    w.u16(v.shards.length);
    for (const s of v.shards) shard.write(w, s);
    bool.write(w, v.hasMore);
  },
  read(r) {
    const count = r.count16(SHARD_MIN);
    const shards: ShardDescription[] = [];
    for (let i = 0; i < count; i++) shards.push(shard.read(r));
    return { shards, hasMore: bool.read(r) };
  },
};

export const listShards = { request, response };

// Structures shared by several commands (docs/PROTOCOL.md, "Shared structures").
import { MAX_BATCH_BYTES, RECORD_HEADER_SIZE } from '../../core/constants.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Codec } from '../codec.js';
import { RESULT_FLAG_SHARD_END, WireCodec } from '../constants.js';
import { detachedSize, size, type Reader, type Writer } from '../cursor.js';
import { malformed } from '../errors.js';
import { checkPackedRecords } from '../packed-records.js';

// ─── Error body ────────────────────────────────────────────────────────────────────────────────
// message       str16   human-readable, for logs
// retryAfterMs  u32     0, or a hint for when a retry may succeed
export interface ErrorBody {
  message: string;
  retryAfterMs: number;
}

export const errorBody: Codec<ErrorBody> = {
  size: (v) => size.str16(v.message) + 4,
  write(w, v) {
    w.str16(v.message);
    w.u32(v.retryAfterMs);
  },
  read: (r) => ({ message: r.str16(), retryAfterMs: r.u32() }),
};

// ─── Position ──────────────────────────────────────────────────────────────────────────────────
// type  u8, then:
// 0 TRIM_HORIZON  —              1 LATEST  —
// 2 AT_OFFSET  offset u64        3 AFTER_OFFSET  offset u64
// 4 AT_SEQUENCE_NUMBER  str8     5 AFTER_SEQUENCE_NUMBER  str8
// 6 AT_TIMESTAMP  timestampMs i64
// 7 SHARD_ITERATOR  shardIterator str16
export type Position =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_OFFSET'; offset: number }
  | { type: 'AFTER_OFFSET'; offset: number }
  | { type: 'AT_SEQUENCE_NUMBER'; sequenceNumber: string }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string }
  | { type: 'AT_TIMESTAMP'; timestampMs: number }
  | { type: 'SHARD_ITERATOR'; shardIterator: string };

/** Position type numbers. Append-only. */
export const PositionType = {
  TRIM_HORIZON: 0,
  LATEST: 1,
  AT_OFFSET: 2,
  AFTER_OFFSET: 3,
  AT_SEQUENCE_NUMBER: 4,
  AFTER_SEQUENCE_NUMBER: 5,
  AT_TIMESTAMP: 6,
  SHARD_ITERATOR: 7,
} as const satisfies Record<Position['type'], number>;

export const position: Codec<Position> = {
  size(v) {
    switch (v.type) {
      case 'TRIM_HORIZON':
      case 'LATEST':
        return 1;
      case 'AT_OFFSET':
      case 'AFTER_OFFSET':
      case 'AT_TIMESTAMP':
        return 9;
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER':
        return 1 + size.str8(v.sequenceNumber);
      case 'SHARD_ITERATOR':
        return 1 + size.str16(v.shardIterator);
      default:
        throw new InvalidArgumentError(`unknown position type ${(v as { type: unknown }).type}`);
    }
  },
  write(w, v) {
    w.u8(PositionType[v.type]);
    switch (v.type) {
      case 'AT_OFFSET':
      case 'AFTER_OFFSET':
        w.u64(v.offset);
        break;
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER':
        w.str8(v.sequenceNumber);
        break;
      case 'AT_TIMESTAMP':
        w.i64(v.timestampMs);
        break;
      case 'SHARD_ITERATOR':
        w.str16(v.shardIterator);
        break;
    }
  },
  read(r) {
    const type = r.u8();
    switch (type) {
      case PositionType.TRIM_HORIZON:
        return { type: 'TRIM_HORIZON' };
      case PositionType.LATEST:
        return { type: 'LATEST' };
      case PositionType.AT_OFFSET:
        return { type: 'AT_OFFSET', offset: r.u64() };
      case PositionType.AFTER_OFFSET:
        return { type: 'AFTER_OFFSET', offset: r.u64() };
      case PositionType.AT_SEQUENCE_NUMBER:
        return { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: r.str8() };
      case PositionType.AFTER_SEQUENCE_NUMBER:
        return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: r.str8() };
      case PositionType.AT_TIMESTAMP:
        return { type: 'AT_TIMESTAMP', timestampMs: r.i64() };
      case PositionType.SHARD_ITERATOR:
        return { type: 'SHARD_ITERATOR', shardIterator: r.str16() };
      default:
        throw malformed(`unknown position type ${type}`);
    }
  },
};

// ─── Packed payload ────────────────────────────────────────────────────────────────────────────
// The tail shared by PutBatch requests and record batches:
// recordCount  u32   ≥ 1
// codec        u8    0 none, 1 LZ4
// (reserved)   [3]   zero
// rawSize      u32   packed bytes before compression (= payloadSize when codec is 0)
// payloadSize  u32
// payload      [payloadSize]
export interface PackedPayload {
  recordCount: number;
  codec: WireCodec;
  /** Packed bytes before compression; equals payload.length when codec is NONE. */
  rawSize: number;
  payload: Buffer;
}

export const PACKED_PAYLOAD_FIXED = 16;

export function packedPayloadSize(v: PackedPayload): number {
  return PACKED_PAYLOAD_FIXED + v.payload.length;
}

export function writePackedPayload(w: Writer, v: PackedPayload): void {
  w.u32(v.recordCount);
  w.u8(v.codec);
  w.zeros(3);
  w.u32(v.rawSize);
  w.payload32(v.payload);
}

export function packedPayloadDetached(v: PackedPayload): number {
  return detachedSize(v.payload);
}

/**
 * Reads and checks a packed payload: an uncompressed payload is walked record by record; for an LZ4
 * payload only the sizes can be checked until the receiver decompresses it (then checkPackedRecords).
 */
export function readPackedPayload(r: Reader): PackedPayload {
  const recordCount = r.u32();
  const codec = r.u8();
  r.zeros(3);
  const rawSize = r.u32();
  const payload = r.bytes32();
  if (recordCount < 1) throw malformed('a record batch holds at least one record');
  if (codec === WireCodec.NONE) {
    if (rawSize !== payload.length) throw malformed(`rawSize ${rawSize} differs from payload size ${payload.length} of an uncompressed batch`);
    checkPackedRecords(payload, recordCount);
  } else if (codec === WireCodec.LZ4) {
    if (rawSize > MAX_BATCH_BYTES) throw malformed(`rawSize ${rawSize} exceeds the largest batch (${MAX_BATCH_BYTES})`);
    if (recordCount * RECORD_HEADER_SIZE > rawSize) throw malformed(`${recordCount} records cannot fit in ${rawSize} bytes`);
    if (payload.length === 0) throw malformed('empty LZ4 payload');
  } else {
    throw malformed(`unknown batch codec ${codec}`);
  }
  return { recordCount, codec, rawSize, payload };
}

// ─── Record batch ──────────────────────────────────────────────────────────────────────────────
// firstOffset      u64
// baseTimestampMs  i64
// …packed payload (above)
export interface RecordBatch extends PackedPayload {
  firstOffset: number;
  baseTimestampMs: number;
}

const RECORD_BATCH_MIN = 16 + PACKED_PAYLOAD_FIXED;

export const recordBatch: Codec<RecordBatch> = {
  size: (v) => 16 + packedPayloadSize(v),
  detached: packedPayloadDetached,
  write(w, v) {
    w.u64(v.firstOffset);
    w.i64(v.baseTimestampMs);
    writePackedPayload(w, v);
  },
  read(r) {
    const firstOffset = r.u64();
    const baseTimestampMs = r.i64();
    return { firstOffset, baseTimestampMs, ...readPackedPayload(r) };
  },
};

// ─── Child shard ───────────────────────────────────────────────────────────────────────────────
// shardId          str8
// parentCount      u8    1 (split) or 2 (merge)
// parents          str8 × parentCount
// startingHashKey  u128
// endingHashKey    u128
export interface ChildShard {
  shardId: string;
  parentShards: string[];
  startingHashKey: bigint;
  endingHashKey: bigint;
}

const CHILD_SHARD_MIN = 1 + 1 + 1 + 32;

export const childShard: Codec<ChildShard> = {
  size(v) {
    let n = size.str8(v.shardId) + 1 + 32;
    for (const p of v.parentShards) n += size.str8(p);
    return n;
  },
  write(w, v) {
    if (v.parentShards.length < 1 || v.parentShards.length > 2) {
      throw new InvalidArgumentError(`a child shard has 1 or 2 parents, got ${v.parentShards.length}`);
    }
    w.str8(v.shardId);
    w.u8(v.parentShards.length);
    for (const p of v.parentShards) w.str8(p);
    w.u128(v.startingHashKey);
    w.u128(v.endingHashKey);
  },
  read(r) {
    const shardId = r.str8();
    const parentCount = r.u8();
    if (parentCount < 1 || parentCount > 2) throw malformed(`a child shard has 1 or 2 parents, got ${parentCount}`);
    const parentShards: string[] = [];
    for (let i = 0; i < parentCount; i++) parentShards.push(r.str8());
    return { shardId, parentShards, startingHashKey: r.u128(), endingHashKey: r.u128() };
  },
};

// ─── Records result ────────────────────────────────────────────────────────────────────────────
// nextOffset          u64
// millisBehindLatest  u64
// flags               u8    bit 0 SHARD_END
// batchCount          u16
// batches             record batch × batchCount
// childShardCount     u16
// childShards         child shard × childShardCount
export interface RecordsResult {
  nextOffset: number;
  millisBehindLatest: number;
  /** The shard is closed and everything in it has been returned; `childShards` say where to go on. */
  shardEnd: boolean;
  batches: RecordBatch[];
  childShards: ChildShard[];
}

export const recordsResult: Codec<RecordsResult> = {
  size(v) {
    let n = 8 + 8 + 1 + 2 + 2;
    for (const b of v.batches) n += recordBatch.size(b);
    for (const c of v.childShards) n += childShard.size(c);
    return n;
  },
  detached(v) {
    let n = 0;
    for (const b of v.batches) n += packedPayloadDetached(b);
    return n;
  },
  write(w, v) {
    w.u64(v.nextOffset);
    w.u64(v.millisBehindLatest);
    w.u8(v.shardEnd ? RESULT_FLAG_SHARD_END : 0);
    w.u16(v.batches.length);
    for (const b of v.batches) recordBatch.write(w, b);
    w.u16(v.childShards.length);
    for (const c of v.childShards) childShard.write(w, c);
  },
  read(r) {
    const nextOffset = r.u64();
    const millisBehindLatest = r.u64();
    const flags = r.u8();
    if ((flags & ~RESULT_FLAG_SHARD_END) !== 0) throw malformed(`unknown result flags ${flags}`);
    const batchCount = r.count16(RECORD_BATCH_MIN);
    const batches: RecordBatch[] = [];
    for (let i = 0; i < batchCount; i++) batches.push(recordBatch.read(r));
    const childCount = r.count16(CHILD_SHARD_MIN);
    const childShards: ChildShard[] = [];
    for (let i = 0; i < childCount; i++) childShards.push(childShard.read(r));
    return { nextOffset, millisBehindLatest, shardEnd: (flags & RESULT_FLAG_SHARD_END) !== 0, batches, childShards };
  },
};

// ─── Enumerations ──────────────────────────────────────────────────────────────────────────────
/** A u8 enumeration: the wire value is the name's index in `names`, so names are append-only. */
export function enumeration<const T extends readonly string[]>(what: string, names: T) {
  return {
    write(w: Writer, v: T[number]): void {
      const i = names.indexOf(v);
      if (i < 0) throw new InvalidArgumentError(`unknown ${what} ${String(v)}`);
      w.u8(i);
    },
    read(r: Reader): T[number] {
      const i = r.u8();
      if (i >= names.length) throw malformed(`unknown ${what} ${i}`);
      return names[i]!;
    },
  };
}

export const streamMode = enumeration('stream mode', ['PROVISIONED', 'ON_DEMAND']);
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

/** A u8 that must be 0 or 1. */
export const bool = {
  write(w: Writer, v: boolean): void {
    w.u8(v ? 1 : 0);
  },
  read(r: Reader): boolean {
    const v = r.u8();
    if (v > 1) throw malformed(`boolean field is ${v}`);
    return v === 1;
  },
};

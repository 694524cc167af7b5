// PutBatch (32): append packed records, routed by the server or to one shard. The payload is in the
// storage engine's packed record layout so the server appends it without re-encoding.
//
// Request:
//   streamName   str8
//   shardId      str8   empty: the server routes each record by its hash key; else this shard
//   recordCount  u32    ≥ 1
//   codec        u8     0 none, 1 LZ4 (only when negotiated)
//   (reserved)   [3]    zero
//   rawSize      u32    packed bytes before compression (= payloadSize when codec is 0)
//   payloadSize  u32
//   payload      [payloadSize]
//
// Response:
//   resultCount      u16  ≥ 1
//   results          result × resultCount
//   assignmentCount  u32  0: every record went to results[0]; else the request's recordCount
//   assignment       u16 × assignmentCount   index into results, per record in request order
//
// result:
//   shardId      str8
//   status       u16    0, or the wire error code that failed these records
//   firstOffset  u64    0 when status ≠ 0
//   recordCount  u32
//   timestampMs  i64
//   message      str16  empty on success
import { InvalidArgumentError } from '../../errors.js';
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { malformed } from '../errors.js';
import { packedPayloadDetached, packedPayloadSize, readPackedPayload, writePackedPayload, type PackedPayload } from './common.js';

export interface PutBatchRequest extends PackedPayload {
  streamName: string;
  /** Empty: the server routes each record by its hash key. */
  shardId: string;
}

export interface PutBatchResult {
  shardId: string;
  /** 0, or the wire error code that failed these records. */
  status: number;
  firstOffset: number;
  recordCount: number;
  timestampMs: number;
  message: string;
}

export interface PutBatchResponse {
  results: PutBatchResult[];
  /** Index into `results` per request record; null when every record went to results[0]. */
  assignment: Uint16Array | null;
}

const RESULT_MIN = 1 + 2 + 8 + 4 + 8 + 2;

const request: Codec<PutBatchRequest> = {
  size: (v) => size.str8(v.streamName) + size.str8(v.shardId) + packedPayloadSize(v),
  detached: packedPayloadDetached,
  write(w, v) {
    w.str8(v.streamName);
    w.str8(v.shardId);
    writePackedPayload(w, v);
  },
  read: (r) => ({ streamName: r.str8(), shardId: r.str8(), ...readPackedPayload(r) }),
};

const result: Codec<PutBatchResult> = {
  size: (v) => size.str8(v.shardId) + 2 + 8 + 4 + 8 + size.str16(v.message),
  write(w, v) {
    w.str8(v.shardId);
    w.u16(v.status);
    w.u64(v.firstOffset);
    w.u32(v.recordCount);
    w.i64(v.timestampMs);
    w.str16(v.message);
  },
  read: (r) => ({
    shardId: r.str8(),
    status: r.u16(),
    firstOffset: r.u64(),
    recordCount: r.u32(),
    timestampMs: r.i64(),
    message: r.str16(),
  }),
};

const response: Codec<PutBatchResponse> = {
  size(v) {
    let n = 2 + 4 + (v.assignment ? v.assignment.length * 2 : 0);
    for (const x of v.results) n += result.size(x);
    return n;
  },
  write(w, v) {
    if (v.results.length < 1) throw new InvalidArgumentError('a PutBatch response has at least one result');
    w.u16(v.results.length);
    for (const x of v.results) result.write(w, x);
    const a = v.assignment;
    w.u32(a ? a.length : 0);
    if (a) w.u16s(a);
  },
  read(r) {
    const count = r.count16(RESULT_MIN);
    if (count < 1) throw malformed('a PutBatch response has at least one result');
    const results: PutBatchResult[] = [];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const x = result.read(r);
      total += x.recordCount;
      results.push(x);
    }
    const n = r.count32(2);
    if (n === 0) {
      if (count !== 1) throw malformed(`no assignment for ${count} results`);
      return { results, assignment: null };
    }
    if (n !== total) throw malformed(`assignment of ${n} records for results holding ${total}`);
    const seen = new Uint32Array(count);
    const assignment = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const k = r.u16();
      if (k >= count) throw malformed(`record ${i} assigned to result ${k} of ${count}`);
      seen[k]!++;
      assignment[i] = k;
    }
    for (let k = 0; k < count; k++) {
      if (seen[k] !== results[k]!.recordCount) throw malformed(`result ${k} holds ${results[k]!.recordCount} records, ${seen[k]} assigned`);
    }
    return { results, assignment };
  },
};

export const putBatch = { request, response };

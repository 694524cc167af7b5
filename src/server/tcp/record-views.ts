// Records between the wire's packed batches and the engine's fast API, with as little copying as
// the fast API allows.
//
// Out: the fast read returns records whose `data` views the mapped segment, and a stored batch's
// records sit back to back in the packed layout there. So a run of records that are contiguous in
// memory, in offset order and from one stored batch is sent as ONE view of those bytes: no copy
// per record, and the socket write references the mapping (FrameWriter.flushParts). Each step of
// a run is checked against the headers in memory; a record that does not line up (a copy made by
// decryption, say) is packed into a fresh buffer instead, so the result is right either way.
//
// In: a PutBatch payload was checked entry by entry by the codec; here it becomes the fast put's
// record list with views of the frame for the data (no copy of record bytes).
import { EXPLICIT_HASH_SIZE, RECORD_HEADER_SIZE, R_FLAG_EXPLICIT_HASH } from '../../core/constants.js';
import { bytesToHashKey } from '../../core/hash-key.js';
import { packedRecordSize, writePackedRecord } from '../../core/record-pack.js';
import { RecordTooLargeError } from '../../errors.js';
import { WireCodec, type RecordBatch } from '../../protocol/index.js';

/** What the fast read and tail return per record (structural: storage's StoredRecord). */
export interface ReadRecord {
  offset: number;
  timestamp: number;
  partitionKey: string;
  explicitHashKey: Uint8Array | undefined;
  data: Buffer;
}

/** The fast put's input record. */
export interface PutRecord {
  data: Uint8Array;
  partitionKey: string;
  explicitHashKey?: string;
}

/** Wire bytes of one record batch beyond its payload (offset, timestamp, packed-payload fields). */
export const BATCH_OVERHEAD = 32;

export interface SliceLimits {
  maxRecords: number;
  /** Soft byte budget of packed payload bytes. */
  maxBytes: number;
  /** true: the record that crosses maxBytes is included (subscription credits); false: it is not, unless it is the first. */
  overshoot: boolean;
  /** Hard budget for payloads plus BATCH_OVERHEAD per batch: the frame must fit the peer's limit. */
  frameBudget: number;
}

export interface Slice {
  batches: RecordBatch[];
  /** Records taken from `records[from]` on. */
  count: number;
  /** Packed payload bytes taken. */
  bytes: number;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

/** Size of the entry at `at` when it is `r`'s packed entry in memory, else -1. */
function entryAt(mem: Uint8Array, at: number, r: ReadRecord): number {
  if (at < 0 || at + RECORD_HEADER_SIZE > mem.length) return -1;
  const size = u32(mem, at);
  const dataLen = u32(mem, at + 8);
  const keyLen = mem[at + 12]! | (mem[at + 13]! << 8);
  const hash = (mem[at + 14]! & R_FLAG_EXPLICIT_HASH) !== 0;
  const dataStart = at + RECORD_HEADER_SIZE + (hash ? EXPLICIT_HASH_SIZE : 0) + keyLen;
  if (dataLen !== r.data.length || dataStart !== r.data.byteOffset || size !== dataStart + dataLen - at) return -1;
  return size;
}

/**
 * Takes records from `records[from]` within the limits and returns them as wire record batches.
 * Throws RecordTooLargeError when the first record alone cannot fit the frame budget.
 */
export function sliceRecords(records: readonly ReadRecord[], from: number, limits: SliceLimits): Slice {
  const batches: RecordBatch[] = [];
  let count = 0;
  let bytes = 0;
  let overhead = 0;
  // The open run: records contiguous in `mem` from runStart to runEnd.
  let mem: Uint8Array | null = null;
  let runStart = 0;
  let runEnd = 0;
  let runCount = 0;
  let runFirst = 0;
  let runBase = 0;
  let lastOffset = -2;
  const copies: ReadRecord[] = [];

  const closeRun = () => {
    if (runCount > 0) {
      const payload = Buffer.from(mem!.buffer, mem!.byteOffset + runStart, runEnd - runStart);
      batches.push({ firstOffset: runFirst, baseTimestampMs: runBase, recordCount: runCount, codec: WireCodec.NONE, rawSize: payload.length, payload });
    } else if (copies.length > 0) {
      batches.push(packCopies(copies));
      copies.length = 0;
    }
    runCount = 0;
    mem = null;
  };

  for (let i = from; i < records.length && count < limits.maxRecords; i++) {
    const r = records[i]!;
    const next = r.offset === lastOffset + 1;
    let kind: 'extend' | 'run' | 'copy' | undefined;
    let size = -1;
    if (runCount > 0 && next && r.data.buffer === mem!.buffer) {
      size = entryAt(mem!, runEnd, r);
      if (size > 0 && r.timestamp - u32(mem!, runEnd + 4) === runBase) kind = 'extend';
    }
    let m: Uint8Array | null = null;
    let at = 0;
    if (kind === undefined) {
      const keyLen = Buffer.byteLength(r.partitionKey, 'utf8');
      m = new Uint8Array(r.data.buffer, 0, r.data.buffer.byteLength);
      at = r.data.byteOffset - RECORD_HEADER_SIZE - (r.explicitHashKey ? EXPLICIT_HASH_SIZE : 0) - keyLen;
      size = entryAt(m, at, r);
      if (size > 0) kind = 'run';
      else {
        kind = 'copy';
        size = packedRecordSize(keyLen, r.data.length, r.explicitHashKey !== undefined);
      }
    }
    const newBatch = kind === 'run' || (kind === 'copy' && !(copies.length > 0 && next));
    const cost = size + (newBatch ? BATCH_OVERHEAD : 0);
    if (count > 0) {
      if (limits.overshoot ? bytes >= limits.maxBytes : bytes + size > limits.maxBytes) break;
      if (overhead + bytes + cost > limits.frameBudget) break;
    } else if (cost > limits.frameBudget) {
      throw new RecordTooLargeError(`record at offset ${r.offset} (${size} packed bytes) does not fit the peer's frame limit`);
    }
    if (kind === 'extend') {
      runEnd += size;
      runCount++;
    } else if (kind === 'run') {
      closeRun();
      mem = m;
      runStart = at;
      runEnd = at + size;
      runCount = 1;
      runFirst = r.offset;
      runBase = r.timestamp - u32(m!, at + 4);
    } else {
      if (newBatch) closeRun();
      copies.push(r);
    }
    if (newBatch) overhead += BATCH_OVERHEAD;
    lastOffset = r.offset;
    bytes += size;
    count++;
  }
  closeRun();
  return { batches, count, bytes };
}

/** Packs records that are not laid out in memory into one batch: a copy, on the rare path. */
function packCopies(records: readonly ReadRecord[]): RecordBatch {
  const keyLens = records.map((r) => Buffer.byteLength(r.partitionKey, 'utf8'));
  let total = 0;
  records.forEach((r, i) => (total += packedRecordSize(keyLens[i]!, r.data.length, r.explicitHashKey !== undefined)));
  const payload = Buffer.allocUnsafe(total);
  const base = records[0]!.timestamp;
  let pos = 0;
  records.forEach((r, i) => {
    const start = pos;
    pos = writePackedRecord(payload, pos, r.data, r.partitionKey, keyLens[i]!, r.explicitHashKey);
    // The packer writes tsDelta 0 (a producer's value); a read carries each record's arrival time.
    payload.writeUInt32LE(Math.max(0, r.timestamp - base), start + 4);
  });
  return { firstOffset: records[0]!.offset, baseTimestampMs: base, recordCount: records.length, codec: WireCodec.NONE, rawSize: total, payload };
}

/** A checked PutBatch payload as the fast put's records: data are views of the frame. */
export function unpackRecords(payload: Buffer, recordCount: number): PutRecord[] {
  const out: PutRecord[] = new Array(recordCount);
  let p = 0;
  for (let i = 0; i < recordCount; i++) {
    const size = u32(payload, p);
    const dataLen = u32(payload, p + 8);
    const keyLen = payload[p + 12]! | (payload[p + 13]! << 8);
    const hash = (payload[p + 14]! & R_FLAG_EXPLICIT_HASH) !== 0;
    const keyStart = p + RECORD_HEADER_SIZE + (hash ? EXPLICIT_HASH_SIZE : 0);
    const dataStart = keyStart + keyLen;
    const rec: PutRecord = { data: payload.subarray(dataStart, dataStart + dataLen), partitionKey: payload.toString('utf8', keyStart, dataStart) };
    if (hash) rec.explicitHashKey = bytesToHashKey(payload, p + RECORD_HEADER_SIZE).toString();
    out[i] = rec;
    p += size;
  }
  return out;
}

// The packed record layout (docs/ARCHITECTURE.md, "Records"): how records travel as one
// contiguous payload from a producer through the TCP protocol into a batch on disk and back.
import {
  B_OFF_BASE_TS, B_OFF_FIRST_OFFSET, B_OFF_FLAGS, B_OFF_PAYLOAD_SIZE, B_OFF_RECORD_COUNT, B_OFF_SIZE,
  BATCH_HEADER_SIZE, EXPLICIT_HASH_SIZE, MAX_PARTITION_KEY_BYTES, RECORD_HEADER_SIZE, B_OFF_RAW_SIZE, B_OFF_KEY_REF, B_OFF_MAX_TS,
} from '../core/constants.js';
import { writePackedRecord } from '../core/record-pack.js';
import { InvalidArgumentError, RecordTooLargeError } from '../errors.js';
import type { AppendRecord } from './types.js';

/** Validates records and packs them into one payload; `maxRecordBytes` bounds each record's data. */
export function packRecords(records: readonly AppendRecord[], maxRecordBytes: number): Buffer {
  if (!Array.isArray(records)) throw new InvalidArgumentError('records must be an array');
  const keyLens = new Uint32Array(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r === null || typeof r !== 'object') throw new InvalidArgumentError(`records[${i}] must be an object`);
    if (!(r.data instanceof Uint8Array)) throw new InvalidArgumentError(`records[${i}].data must be a Uint8Array`);
    if (typeof r.partitionKey !== 'string') throw new InvalidArgumentError(`records[${i}].partitionKey must be a string`);
    if (r.data.byteLength > maxRecordBytes) {
      throw new RecordTooLargeError(`records[${i}].data is ${r.data.byteLength} bytes; the limit is ${maxRecordBytes}`);
    }
    const keyLen = Buffer.byteLength(r.partitionKey, 'utf8');
    if (keyLen < 1 || keyLen > MAX_PARTITION_KEY_BYTES) {
      throw new InvalidArgumentError(`records[${i}].partitionKey must be 1 to ${MAX_PARTITION_KEY_BYTES} bytes of UTF-8, got ${keyLen}`);
    }
    if (r.explicitHashKey !== undefined && (!(r.explicitHashKey instanceof Uint8Array) || r.explicitHashKey.byteLength !== EXPLICIT_HASH_SIZE)) {
      throw new InvalidArgumentError(`records[${i}].explicitHashKey must be ${EXPLICIT_HASH_SIZE} bytes`);
    }
    keyLens[i] = keyLen;
    total += RECORD_HEADER_SIZE + (r.explicitHashKey ? EXPLICIT_HASH_SIZE : 0) + keyLen + r.data.byteLength;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    pos = writePackedRecord(out, pos, r.data, r.partitionKey, keyLens[i], r.explicitHashKey);
  }
  return out;
}

/** Header fields of one stored batch. */
export interface BatchHeader {
  size: number;
  flags: number;
  firstOffset: number;
  recordCount: number;
  payloadSize: number;
  baseTimestamp: number;
  maxTimestamp: number;
  rawSize: number;
  keyRef: number;
}

// 64-bit fields as two 32-bit halves: a BigInt per field per batch was a measurable share of a
// subscriber's allocations. Offsets and epoch-ms timestamps stay far below 2^53.
function u64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x100000000;
}

function i64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readInt32LE(at + 4) * 0x100000000;
}

export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  return {
    size: buf.readUInt32LE(pos + B_OFF_SIZE),
    flags: buf.readUInt16LE(pos + B_OFF_FLAGS),
    firstOffset: u64(buf, pos + B_OFF_FIRST_OFFSET),
    recordCount: buf.readUInt32LE(pos + B_OFF_RECORD_COUNT),
    payloadSize: buf.readUInt32LE(pos + B_OFF_PAYLOAD_SIZE),
    baseTimestamp: i64(buf, pos + B_OFF_BASE_TS),
    maxTimestamp: i64(buf, pos + B_OFF_MAX_TS),
    rawSize: buf.readUInt32LE(pos + B_OFF_RAW_SIZE),
    keyRef: buf.readUInt32LE(pos + B_OFF_KEY_REF),
  };
}

/** Moved to core so that the TCP client can walk packed records without the storage layer. */
export { RecordCursor } from '../core/record-pack.js';

/** Calls `visit` for every batch in a view of whole batches (as native reads return them). */
export function forEachBatch(view: Buffer, visit: (header: BatchHeader, payloadStart: number) => boolean | void): void {
  let pos = 0;
  while (pos + BATCH_HEADER_SIZE <= view.length) {
    const h = readBatchHeader(view, pos);
    if (visit(h, pos + BATCH_HEADER_SIZE) === false) return;
    pos += h.size;
  }
}

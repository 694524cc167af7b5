// The packed record layout (docs/ARCHITECTURE.md, "Records"): how records travel as one
// contiguous payload from a producer through the TCP protocol into a batch on disk and back.
import {
  B_OFF_BASE_TS, B_OFF_FIRST_OFFSET, B_OFF_FLAGS, B_OFF_PAYLOAD_SIZE, B_OFF_RECORD_COUNT, B_OFF_SIZE,
  BATCH_HEADER_SIZE, EXPLICIT_HASH_SIZE, MAX_PARTITION_KEY_BYTES, R_FLAG_EXPLICIT_HASH, R_OFF_DATA_LEN, R_OFF_FLAGS,
  R_OFF_KEY_LEN, R_OFF_SIZE, R_OFF_TS_DELTA, RECORD_HEADER_SIZE, B_OFF_RAW_SIZE, B_OFF_KEY_REF, B_OFF_MAX_TS,
} from '../core/constants.js';
import { InvalidArgumentError, RecordTooLargeError } from '../errors.js';
import type { AppendRecord, StoredRecord } from './types.js';

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
    const hash = r.explicitHashKey;
    const size = RECORD_HEADER_SIZE + (hash ? EXPLICIT_HASH_SIZE : 0) + keyLens[i] + r.data.byteLength;
    out.writeUInt32LE(size, pos + R_OFF_SIZE);
    out.writeUInt32LE(0, pos + R_OFF_TS_DELTA);
    out.writeUInt32LE(r.data.byteLength, pos + R_OFF_DATA_LEN);
    out.writeUInt16LE(keyLens[i], pos + R_OFF_KEY_LEN);
    out[pos + R_OFF_FLAGS] = hash ? R_FLAG_EXPLICIT_HASH : 0;
    out[pos + 15] = 0;
    let p = pos + RECORD_HEADER_SIZE;
    if (hash) {
      out.set(hash, p);
      p += EXPLICIT_HASH_SIZE;
    }
    p += out.write(r.partitionKey, p, keyLens[i], 'utf8');
    out.set(r.data, p);
    pos += size;
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

export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  return {
    size: buf.readUInt32LE(pos + B_OFF_SIZE),
    flags: buf.readUInt16LE(pos + B_OFF_FLAGS),
    firstOffset: Number(buf.readBigUInt64LE(pos + B_OFF_FIRST_OFFSET)),
    recordCount: buf.readUInt32LE(pos + B_OFF_RECORD_COUNT),
    payloadSize: buf.readUInt32LE(pos + B_OFF_PAYLOAD_SIZE),
    baseTimestamp: Number(buf.readBigInt64LE(pos + B_OFF_BASE_TS)),
    maxTimestamp: Number(buf.readBigInt64LE(pos + B_OFF_MAX_TS)),
    rawSize: buf.readUInt32LE(pos + B_OFF_RAW_SIZE),
    keyRef: buf.readUInt32LE(pos + B_OFF_KEY_REF),
  };
}

/**
 * Walks the records of one plain payload without allocating per record: call `next()` until it
 * returns false, reading the fields in between. `data()` and `key()` build views/strings lazily.
 */
export class RecordCursor {
  offset = 0;
  timestamp = 0;
  private pos = 0;
  private end = 0;
  private start = 0;
  private keyStart = 0;
  private keyLen = 0;
  private dataLen = 0;
  private hasHash = false;
  private base = 0;

  constructor(
    private readonly buf: Buffer,
    start: number,
    length: number,
    firstOffset: number,
    baseTimestamp: number,
  ) {
    this.pos = start;
    this.end = start + length;
    this.offset = firstOffset - 1;
    this.base = baseTimestamp;
  }

  next(): boolean {
    if (this.pos >= this.end) return false;
    // Plain indexed loads: cheaper than Buffer#readUInt32LE's checks on this, the hottest loop
    // of a consumer; the native side validated every record's lengths before writing them.
    const b = this.buf;
    const p = this.pos;
    const size = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
    this.timestamp = this.base + (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16)) + b[p + 7] * 0x1000000;
    this.dataLen = (b[p + 8] | (b[p + 9] << 8) | (b[p + 10] << 16)) + b[p + 11] * 0x1000000;
    this.keyLen = b[p + 12] | (b[p + 13] << 8);
    this.hasHash = (b[p + R_OFF_FLAGS] & R_FLAG_EXPLICIT_HASH) !== 0;
    this.start = p;
    this.keyStart = p + RECORD_HEADER_SIZE + (this.hasHash ? EXPLICIT_HASH_SIZE : 0);
    this.pos = p + size;
    this.offset++;
    return true;
  }

  get dataLength(): number {
    return this.dataLen;
  }

  data(): Buffer {
    const s = this.keyStart + this.keyLen;
    return this.buf.subarray(s, s + this.dataLen);
  }

  partitionKey(): string {
    return this.buf.toString('utf8', this.keyStart, this.keyStart + this.keyLen);
  }

  explicitHashKey(): Uint8Array | undefined {
    if (!this.hasHash) return undefined;
    const s = this.start + RECORD_HEADER_SIZE;
    return this.buf.subarray(s, s + EXPLICIT_HASH_SIZE);
  }

  toRecord(): StoredRecord {
    return {
      offset: this.offset,
      timestamp: this.timestamp,
      partitionKey: this.partitionKey(),
      explicitHashKey: this.explicitHashKey(),
      data: this.data(),
    };
  }
}

/** Calls `visit` for every batch in a view of whole batches (as native reads return them). */
export function forEachBatch(view: Buffer, visit: (header: BatchHeader, payloadStart: number) => boolean | void): void {
  let pos = 0;
  while (pos + BATCH_HEADER_SIZE <= view.length) {
    const h = readBatchHeader(view, pos);
    if (visit(h, pos + BATCH_HEADER_SIZE) === false) return;
    pos += h.size;
  }
}

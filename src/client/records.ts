// Records on the client: packing what a producer sends (the storage engine's packed layout, so
// the server appends it without re-encoding) and walking what a read or subscription returns.
import { MAX_PARTITION_KEY_BYTES } from '../core/constants.js';
import { hashKeyToBytes, MAX_HASH_KEY, parseHashKey } from '../core/hash-key.js';
import { packedRecordSize, RecordCursor, writePackedRecord } from '../core/record-pack.js';
import { InvalidArgumentError } from '../errors.js';
import { WireCodec, type RecordBatch } from '../protocol/index.js';

export interface ProducerRecord {
  data: Uint8Array | string;
  /** 1–256 UTF-8 bytes; routes the record (MD5) unless explicitHashKey is given. */
  partitionKey: string;
  /** 128-bit hash key overriding the partition key's MD5: a bigint, or decimal text as in Kinesis. */
  explicitHashKey?: bigint | string;
}

export interface ConsumedRecord {
  offset: number;
  /** Arrival time, ms since the epoch. */
  timestamp: number;
  partitionKey: string;
  explicitHashKey: Uint8Array | undefined;
  /** A view of the received frame. */
  data: Buffer;
}

export interface PackedRecords {
  payload: Buffer;
  count: number;
}

/** Bytes one record takes packed; also what it costs against a producer's memory bound. */
export function packedSizeOf(r: ProducerRecord): number {
  const dataLen = typeof r.data === 'string' ? Buffer.byteLength(r.data, 'utf8') : r.data.byteLength;
  return packedRecordSize(Buffer.byteLength(r.partitionKey, 'utf8'), dataLen, r.explicitHashKey !== undefined);
}

function hashKeyBytes(i: number, k: bigint | string): Uint8Array {
  const v = typeof k === 'bigint' ? (k >= 0n && k <= MAX_HASH_KEY ? k : undefined) : typeof k === 'string' ? parseHashKey(k) : undefined;
  if (v === undefined) throw new InvalidArgumentError(`records[${i}].explicitHashKey must be an integer in [0, 2^128 - 1]`);
  return hashKeyToBytes(v);
}

/** Validates records and packs them into one payload (one allocation, one copy of each record's bytes). */
export function packRecords(records: readonly ProducerRecord[]): PackedRecords {
  if (!Array.isArray(records) || records.length === 0) throw new InvalidArgumentError('records must be a non-empty array');
  const n = records.length;
  const keyLens = new Uint16Array(n);
  const datas: Uint8Array[] = new Array(n);
  const hashes: (Uint8Array | undefined)[] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r === null || typeof r !== 'object') throw new InvalidArgumentError(`records[${i}] must be an object`);
    if (typeof r.partitionKey !== 'string') throw new InvalidArgumentError(`records[${i}].partitionKey must be a string`);
    const keyLen = Buffer.byteLength(r.partitionKey, 'utf8');
    if (keyLen < 1 || keyLen > MAX_PARTITION_KEY_BYTES) throw new InvalidArgumentError(`records[${i}].partitionKey must be 1 to ${MAX_PARTITION_KEY_BYTES} bytes of UTF-8, got ${keyLen}`);
    const data = typeof r.data === 'string' ? Buffer.from(r.data, 'utf8') : r.data;
    if (!(data instanceof Uint8Array)) throw new InvalidArgumentError(`records[${i}].data must be a Uint8Array or a string`);
    const hash = r.explicitHashKey === undefined ? undefined : hashKeyBytes(i, r.explicitHashKey);
    keyLens[i] = keyLen;
    datas[i] = data;
    hashes[i] = hash;
    total += packedRecordSize(keyLen, data.byteLength, hash !== undefined);
  }
  const payload = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < n; i++) pos = writePackedRecord(payload, pos, datas[i]!, records[i]!.partitionKey, keyLens[i]!, hashes[i]);
  return { payload, count: n };
}

/**
 * A cursor over one received batch, allocating nothing per record: `while (c.next()) use(c.data())`.
 * LZ4 batches are never sent to this client (it does not ask for the LZ4 feature).
 */
export function cursorOf(batch: RecordBatch): RecordCursor {
  if (batch.codec !== WireCodec.NONE) throw new InvalidArgumentError(`batch codec ${batch.codec} is not supported by this client`);
  return new RecordCursor(batch.payload, 0, batch.payload.length, batch.firstOffset, batch.baseTimestampMs);
}

/** Every record of the batches, as objects (convenient; cursorOf is cheaper per record). */
export function* recordsOf(batches: readonly RecordBatch[]): Generator<ConsumedRecord> {
  for (const b of batches) {
    const c = cursorOf(b);
    while (c.next()) yield c.toRecord();
  }
}

/** Records in the batches. */
export function recordCount(batches: readonly RecordBatch[]): number {
  let n = 0;
  for (const b of batches) n += b.recordCount;
  return n;
}

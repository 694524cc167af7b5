// GetRecords' JSON written straight from the log's packed batches (a PackedRecords): up to 10,000
// records per response. The generic path built a record object, a Date and a view per record, then
// copied each record to turn its Data into base64 and its timestamp into seconds, then ran
// JSON.stringify over the copies and encoded the result as UTF-8: about 30 ms for 10,000 records of
// 100 bytes on the 2-vCPU EPYC host, and most of the server's garbage. Here each field is written
// into one growing buffer. The bytes are the generic path's, member order included (the tests
// compare them).
import { Buffer } from 'node:buffer';
import type { PutResults } from '../../api/kinesis/put.js';
import type { PackedRecords } from '../../api/kinesis/records.js';
import { RecordCursor } from '../../core/record-pack.js';

const KEY_MEMBER = Buffer.from('","PartitionKey":', 'latin1');
const END = Buffer.from('}', 'latin1');
const ENCRYPTED_END = Buffer.from(',"EncryptionType":"KMS"}', 'latin1');
const RECORDS_OPEN = Buffer.from('{"Records":[', 'latin1');
const SEQUENCE_OPEN = '{"SequenceNumber":"';
/** The sequence number's digits written per record: below 1e9, a small integer (as in sequence-number.ts). */
const LOW_DIGITS = 9;
const LOW_LIMIT = 1e9;
const B64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
/** Data up to this size is encoded here; larger data through Node's (SIMD) encoder and a string. */
const SMALL_DATA = 1024;
/**
 * Bytes a record needs at most besides its data and key: 106 of member names and punctuation (with
 * EncryptionType), a sequence number (AWS allows 129 digits; ours have about 56) and a timestamp in
 * seconds (at most 18 characters).
 */
const RECORD_OVERHEAD = 256;

/**
 * `{"Records":[…]` followed by the other members' JSON (`rest`: JSON.stringify of the output
 * without Records, `{}` when there are none).
 */
export function packedRecordsJson(packed: PackedRecords, rest: string): Buffer {
  const restBytes = Buffer.byteLength(rest, 'utf8');
  let size = 16 + restBytes;
  // A first guess (a typical record's overhead is under 200 bytes); each record checks for its worst case.
  for (const b of packed.batches) size += Math.ceil((b.payload.length * 4) / 3) + b.recordCount * 200;
  let out = Buffer.allocUnsafe(size);
  let pos = out.write('{"Records":[', 0, 'latin1');
  const seq = packed.sequencer;
  const close = packed.encrypted ? ENCRYPTED_END : END;
  let first = true;
  for (const b of packed.batches) {
    const src = b.payload;
    const c = new RecordCursor(src, 0, src.length, b.firstOffset, b.baseTimestamp);
    while (c.next()) {
      const keyAt = c.keyOffset;
      const keyLen = c.keyLength;
      const dataLen = c.dataLength;
      // Keys may need \u00XX (6 bytes) per byte, and invalid UTF-8 becomes U+FFFD (3 bytes).
      const need = RECORD_OVERHEAD + 6 * keyLen + Math.ceil(dataLen / 3) * 4;
      if (pos + need + restBytes > out.length) {
        const bigger = Buffer.allocUnsafe(Math.max(2 * out.length, pos + need + restBytes));
        out.copy(bigger, 0, 0, pos);
        out = bigger;
      }
      // One Buffer#write per record (its argument handling cost more than the copy); the rest by hand.
      // String(n) is JSON's form of a finite number; timestamps are epoch seconds, as the SDK reads them.
      const head = `${first ? '' : ','}{"SequenceNumber":"${seq.forOffset(c.offset)}","ApproximateArrivalTimestamp":${c.timestamp / 1000},"Data":"`;
      pos += out.write(head, pos, 'latin1');
      first = false;
      const dataAt = c.dataStart;
      if (dataLen <= SMALL_DATA) pos = base64Into(out, pos, src, dataAt, dataAt + dataLen);
      else pos += out.write(src.toString('base64', dataAt, dataAt + dataLen), pos, 'latin1');
      pos = copyBytes(out, pos, KEY_MEMBER);
      pos = keyInto(out, pos, src, keyAt, keyLen);
      pos = copyBytes(out, pos, close);
    }
  }
  pos += out.write(afterRecords(rest), pos, 'utf8');
  return out.subarray(0, pos);
}

/**
 * PutRecords' results: `{"Records":[…]` and the other members (`rest`, as for packedRecordsJson).
 * A stored part's records share their entry but for the sequence number's last nine digits (the
 * rest of the number is fixed per shard and window: sequence-number.ts), so each part's entry is
 * built once as a template and each record's is that template plus nine digits, written as bytes.
 * Building 500 entries as strings made ~150 KB of garbage per response, a third of the server's
 * young-generation churn under PutRecords load. A failed or throttled record, or one whose low
 * digits would carry into the fixed part, goes through JSON.stringify.
 */
export function putResultsJson(results: PutResults, rest: string): Buffer {
  const { partOf, rank, parts } = results;
  const n = partOf.length;
  const templates = new Array<Buffer | undefined>(parts.length);
  const digitsAt = new Uint32Array(parts.length);
  const lows = new Float64Array(parts.length);
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (part.firstOffset < 0) continue;
    const seq = part.sequencer.forOffset(part.firstOffset);
    const cut = seq.length - LOW_DIGITS;
    templates[p] = Buffer.from(`${SEQUENCE_OPEN}${seq}","ShardId":"${part.shardId}"}`, 'latin1');
    digitsAt[p] = SEQUENCE_OPEN.length + cut;
    lows[p] = Number(seq.slice(cut));
  }
  const tail = Buffer.from(afterRecords(rest), 'utf8');
  let others: (Buffer | undefined)[] | undefined;
  let size = RECORDS_OPEN.length + n + tail.length;
  for (let i = 0; i < n; i++) {
    const p = partOf[i]!;
    const t = templates[p];
    if (t !== undefined && lows[p]! + rank[i]! < LOW_LIMIT) size += t.length;
    else size += ((others ??= new Array<Buffer | undefined>(n))[i] = Buffer.from(JSON.stringify(results.entryAt(i)), 'utf8')).length;
  }
  const out = Buffer.allocUnsafe(size);
  let pos = copyBytes(out, 0, RECORDS_OPEN);
  for (let i = 0; i < n; i++) {
    if (i > 0) out[pos++] = 0x2c; // ,
    const other = others?.[i];
    if (other !== undefined) {
      out.set(other, pos);
      pos += other.length;
      continue;
    }
    const p = partOf[i]!;
    const t = templates[p]!;
    out.set(t, pos);
    let low = lows[p]! + rank[i]!;
    const at = pos + digitsAt[p]!;
    for (let k = LOW_DIGITS - 1; k >= 0; k--) {
      const q = (low / 10) | 0;
      out[at + k] = 0x30 + low - q * 10;
      low = q;
    }
    pos += t.length;
  }
  out.set(tail, pos);
  return out.subarray(0, pos + tail.length);
}

/** What follows the last record: the list's end, then the other members (`rest`) in the same object. */
function afterRecords(rest: string): string {
  return rest === '{}' ? ']}' : `],${rest.slice(1)}`;
}

/** A short constant, byte by byte: cheaper than a call into TypedArray#set at this size. */
function copyBytes(out: Buffer, pos: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) out[pos + i] = bytes[i]!;
  return pos + bytes.length;
}

/** Standard base64 with padding (what Buffer#toString('base64') writes), into `out` at `pos`. */
export function base64Into(out: Buffer, pos: number, src: Uint8Array, start: number, end: number): number {
  let i = start;
  const whole = end - ((end - start) % 3);
  for (; i < whole; i += 3) {
    const n = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    out[pos] = B64[n >>> 18]!;
    out[pos + 1] = B64[(n >>> 12) & 63]!;
    out[pos + 2] = B64[(n >>> 6) & 63]!;
    out[pos + 3] = B64[n & 63]!;
    pos += 4;
  }
  const left = end - i;
  if (left === 1) {
    const n = src[i]!;
    out[pos] = B64[n >>> 2]!;
    out[pos + 1] = B64[(n & 3) << 4]!;
    out[pos + 2] = 0x3d;
    out[pos + 3] = 0x3d;
    pos += 4;
  } else if (left === 2) {
    const n = (src[i]! << 8) | src[i + 1]!;
    out[pos] = B64[n >>> 10]!;
    out[pos + 1] = B64[(n >>> 4) & 63]!;
    out[pos + 2] = B64[(n & 15) << 2]!;
    out[pos + 3] = 0x3d;
    pos += 4;
  }
  return pos;
}

/**
 * A partition key as a JSON string. Printable ASCII without a quote or backslash (the common key)
 * is copied byte for byte; anything else is decoded and quoted by JSON.stringify, as the generic
 * path does.
 */
function keyInto(out: Buffer, pos: number, src: Buffer, at: number, len: number): number {
  for (let i = at; i < at + len; i++) {
    const c = src[i]!;
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return pos + out.write(JSON.stringify(src.toString('utf8', at, at + len)), pos, 'utf8');
  }
  out[pos] = 0x22;
  for (let i = 0; i < len; i++) out[pos + 1 + i] = src[at + i]!;
  out[pos + 1 + len] = 0x22;
  return pos + len + 2;
}

// The packed record layout (docs/ARCHITECTURE.md, "Record"), as pure byte code shared by the
// storage engine, the TCP server and the TCP client: one entry per record, no gap between entries.
// No validation and no errors here: callers check lengths first (storage throws its typed errors,
// the client its own), so this file imports nothing but the generated layout constants.
import {
  EXPLICIT_HASH_SIZE, R_FLAG_EXPLICIT_HASH, R_OFF_DATA_LEN, R_OFF_FLAGS, R_OFF_KEY_LEN, R_OFF_SIZE, R_OFF_TS_DELTA,
  RECORD_HEADER_SIZE,
} from './constants.js';

/** Bytes of one packed entry. */
export function packedRecordSize(keyBytes: number, dataBytes: number, hasExplicitHashKey: boolean): number {
  return RECORD_HEADER_SIZE + (hasExplicitHashKey ? EXPLICIT_HASH_SIZE : 0) + keyBytes + dataBytes;
}

/**
 * A little-endian u32 of packed records or batch headers by plain indexed loads: cheaper than
 * Buffer#readUInt32LE's checks in per-record loops, whose callers have checked the lengths.
 */
export function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

function u32(out: Buffer, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = v >>> 24;
}

/**
 * Writes one entry at `pos` (tsDelta 0: the server stamps arrival time) and returns the position
 * after it. `keyBytes` is the partition key's UTF-8 length, already measured and checked by the caller.
 */
export function writePackedRecord(out: Buffer, pos: number, data: Uint8Array, partitionKey: string, keyBytes: number, explicitHashKey?: Uint8Array): number {
  const size = packedRecordSize(keyBytes, data.byteLength, explicitHashKey !== undefined);
  // Indexed stores rather than Buffer#writeUInt32LE: this runs once per record of every batch a
  // producer packs, and the range checks of the Buffer methods are most of its cost.
  u32(out, pos + R_OFF_SIZE, size);
  u32(out, pos + R_OFF_TS_DELTA, 0);
  u32(out, pos + R_OFF_DATA_LEN, data.byteLength);
  out[pos + R_OFF_KEY_LEN] = keyBytes & 0xff;
  out[pos + R_OFF_KEY_LEN + 1] = keyBytes >>> 8;
  out[pos + R_OFF_FLAGS] = explicitHashKey ? R_FLAG_EXPLICIT_HASH : 0;
  out[pos + 15] = 0;
  let p = pos + RECORD_HEADER_SIZE;
  if (explicitHashKey) {
    out.set(explicitHashKey, p);
    p += EXPLICIT_HASH_SIZE;
  }
  if (keyBytes === partitionKey.length) {
    // As many UTF-8 bytes as UTF-16 units: the key is ASCII, copied without an encoder call.
    for (let i = 0; i < keyBytes; i++) out[p + i] = partitionKey.charCodeAt(i);
    p += keyBytes;
  } else {
    p += out.write(partitionKey, p, keyBytes, 'utf8');
  }
  out.set(data, p);
  return pos + size;
}

// The cursor's layout offsets as module-local consts: imported bindings are live, and V8 does not
// fold them into the hot loop as it does these.
const SIZE_AT = R_OFF_SIZE;
const TS_AT = R_OFF_TS_DELTA;
const DATA_LEN_AT = R_OFF_DATA_LEN;
const KEY_LEN_AT = R_OFF_KEY_LEN;
const FLAGS_AT = R_OFF_FLAGS;
const FLAG_HASH = R_FLAG_EXPLICIT_HASH;
const HEADER = RECORD_HEADER_SIZE;
const HASH_SIZE = EXPLICIT_HASH_SIZE;

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
  /**
   * The header fields are read through a DataView: TurboFan turns getUint32(at, true) into one
   * unaligned load, where four indexed byte loads of a Buffer cost about twice the whole step
   * (17 → 9 ns per 100-byte record here, bench/RESULTS.md).
   */
  private readonly view: DataView;

  constructor(
    private readonly buf: Buffer,
    start: number,
    length: number,
    firstOffset: number,
    baseTimestamp: number,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = start + length;
    this.offset = firstOffset - 1;
    this.base = baseTimestamp;
  }

  next(): boolean {
    if (this.pos >= this.end) return false;
    // No length checks: the native side (or the protocol decoder) validated every record's lengths.
    const v = this.view;
    const p = this.pos;
    const size = v.getUint32(p + SIZE_AT, true);
    this.timestamp = this.base + v.getUint32(p + TS_AT, true);
    this.dataLen = v.getUint32(p + DATA_LEN_AT, true);
    this.keyLen = v.getUint16(p + KEY_LEN_AT, true);
    this.hasHash = (v.getUint8(p + FLAGS_AT) & FLAG_HASH) !== 0;
    this.start = p;
    this.keyStart = p + HEADER + (this.hasHash ? HASH_SIZE : 0);
    this.pos = p + size;
    this.offset++;
    return true;
  }

  get dataLength(): number {
    return this.dataLen;
  }

  /** Where the current record's data starts in the cursor's buffer: for readers that take a field of it in place. */
  get dataStart(): number {
    return this.keyStart + this.keyLen;
  }

  data(): Buffer {
    const s = this.dataStart;
    return this.buf.subarray(s, s + this.dataLen);
  }

  /**
   * The data as a plain Uint8Array view (AWS's shape for a record's Data): no Buffer subclass to
   * construct, a third of `data()`'s cost per record.
   */
  dataView(): Uint8Array {
    const b = this.buf;
    return new Uint8Array(b.buffer, b.byteOffset + this.dataStart, this.dataLen);
  }

  partitionKey(): string {
    return this.buf.toString('utf8', this.keyStart, this.keyStart + this.keyLen);
  }

  /** Where the current record's partition key (UTF-8) starts in the cursor's buffer, and its length. */
  get keyOffset(): number {
    return this.keyStart;
  }

  get keyLength(): number {
    return this.keyLen;
  }

  explicitHashKey(): Uint8Array | undefined {
    if (!this.hasHash) return undefined;
    const s = this.start + RECORD_HEADER_SIZE;
    return this.buf.subarray(s, s + EXPLICIT_HASH_SIZE);
  }

  toRecord(): { offset: number; timestamp: number; partitionKey: string; explicitHashKey: Uint8Array | undefined; data: Buffer } {
    return {
      offset: this.offset,
      timestamp: this.timestamp,
      partitionKey: this.partitionKey(),
      explicitHashKey: this.explicitHashKey(),
      data: this.data(),
    };
  }
}

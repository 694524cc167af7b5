// Bounds-checked cursors over a Buffer, used by every codec. The Reader never trusts a length or a
// count from the wire: it checks it against the bytes actually left before slicing or allocating,
// and reads variable-length fields as zero-copy views of the frame.
import { isUtf8 } from 'node:buffer';
import { InvalidArgumentError } from '../errors.js';
import { malformed } from './errors.js';

const TWO_32 = 2 ** 32;
/** Typed arrays are in the host's byte order; the wire's is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_U64_HI = 0x1fffff; // hi word of Number.MAX_SAFE_INTEGER
const U64_MASK = (1n << 64n) - 1n;
const U128_LIMIT = 1n << 128n;

export class Reader {
  pos: number;
  readonly end: number;
  readonly buf: Buffer;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n > this.end - this.pos) {
      throw malformed(`truncated body: needs ${n} bytes at ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** u64 as a number; values above 2^53 - 1 are malformed. */
  u64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    if (hi > MAX_U64_HI) throw malformed(`u64 at ${this.pos} exceeds 2^53 - 1`);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  /** i64 as a number; values outside ±(2^53 - 1) are malformed. */
  i64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readInt32LE(this.pos + 4);
    const v = hi * TWO_32 + lo;
    if (!Number.isSafeInteger(v)) throw malformed(`i64 at ${this.pos} is outside the safe integer range`);
    this.pos += 8;
    return v;
  }

  /** 16 bytes, big-endian, unsigned. */
  u128(): bigint {
    this.need(16);
    const v = (this.buf.readBigUInt64BE(this.pos) << 64n) | this.buf.readBigUInt64BE(this.pos + 8);
    this.pos += 16;
    return v;
  }

  /** Exactly n bytes, as a view of the frame (no copy). */
  fixed(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  bytes8(): Buffer {
    return this.fixed(this.u8());
  }

  bytes16(): Buffer {
    return this.fixed(this.u16());
  }

  bytes32(): Buffer {
    return this.fixed(this.u32());
  }

  str8(): string {
    return this.#utf8(this.u8());
  }

  str16(): string {
    return this.#utf8(this.u16());
  }

  /** Invalid UTF-8 is malformed, so that every accepted body re-encodes to the same bytes. */
  #utf8(n: number): string {
    if (n === 0) return '';
    const bytes = this.fixed(n);
    if (!isUtf8(bytes)) throw malformed(`invalid UTF-8 in the string at ${this.pos - n}`);
    return bytes.toString('utf8');
  }

  /**
   * A u8/u16/u32 element count, checked against the bytes left: every element takes at least
   * `minElementBytes` (≥ 1), so a lying count fails here instead of sizing an array.
   */
  count8(minElementBytes: number): number {
    return this.#checkCount(this.u8(), minElementBytes);
  }

  count16(minElementBytes: number): number {
    return this.#checkCount(this.u16(), minElementBytes);
  }

  count32(minElementBytes: number): number {
    return this.#checkCount(this.u32(), minElementBytes);
  }

  #checkCount(count: number, minElementBytes: number): number {
    if (count * minElementBytes > this.end - this.pos) {
      throw malformed(`count ${count} at ${this.pos} cannot fit in the ${this.end - this.pos} bytes left`);
    }
    return count;
  }

  /** Reserved bytes: must be zero. */
  zeros(n: number): void {
    this.need(n);
    for (let i = 0; i < n; i++) {
      if (this.buf[this.pos + i] !== 0) throw malformed(`reserved byte at ${this.pos + i} is not zero`);
    }
    this.pos += n;
  }

  /** The body must end exactly here. */
  done(): void {
    if (this.pos !== this.end) throw malformed(`${this.end - this.pos} trailing bytes after the body`);
  }
}

/** Record payloads at least this large are referenced, not copied, by a Writer that collects parts. */
export const DETACH_MIN_BYTES = 16 * 1024;

/** Bytes of `payload` that a parts-collecting Writer will reference instead of copying. */
export function detachedSize(payload: Uint8Array): number {
  return payload.length >= DETACH_MIN_BYTES ? payload.length : 0;
}

/**
 * Writes into a buffer sized beforehand by the codecs' `size` functions. Integer ranges are checked
 * by Buffer's own write methods (RangeError); lengths that a prefix could not express are
 * InvalidArgumentError, since they would otherwise corrupt the frame silently.
 *
 * Given a `parts` array, the writer leaves large record payloads out of `buf` and lists the output
 * as segments of `buf` interleaved with those payloads, for a vectored socket write without a copy.
 */
export class Writer {
  buf: Buffer;
  pos: number;
  readonly #parts: Buffer[] | null;
  #mark: number;

  constructor(buf: Buffer, pos = 0, parts: Buffer[] | null = null) {
    this.buf = buf;
    this.pos = pos;
    this.#parts = parts;
    this.#mark = pos;
  }

  u8(v: number): void {
    this.pos = this.buf.writeUInt8(v, this.pos);
  }

  u16(v: number): void {
    this.pos = this.buf.writeUInt16LE(v, this.pos);
  }

  u32(v: number): void {
    this.pos = this.buf.writeUInt32LE(v, this.pos);
  }

  /** Each element as a u16, no length prefix: one copy on a little-endian host (a PutBatch's assignment). */
  u16s(a: Uint16Array): void {
    if (!LITTLE_ENDIAN) {
      for (let i = 0; i < a.length; i++) this.u16(a[i]!);
      return;
    }
    this.#copy(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  u64(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(`u64 field must be a safe non-negative integer, got ${v}`);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos = this.buf.writeUInt32LE(Math.floor(v / TWO_32), this.pos + 4);
  }

  i64(v: number): void {
    if (!Number.isSafeInteger(v)) throw new InvalidArgumentError(`i64 field must be a safe integer, got ${v}`);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos = this.buf.writeInt32LE(Math.floor(v / TWO_32), this.pos + 4);
  }

  u128(v: bigint): void {
    if (typeof v !== 'bigint' || v < 0n || v >= U128_LIMIT) throw new InvalidArgumentError(`u128 field must be a bigint in [0, 2^128), got ${v}`);
    this.buf.writeBigUInt64BE(v >> 64n, this.pos);
    this.pos = this.buf.writeBigUInt64BE(v & U64_MASK, this.pos + 8);
  }

  /** Exactly `n` bytes: `b` must have that length. */
  fixed(b: Uint8Array, n: number): void {
    if (b.length !== n) throw new InvalidArgumentError(`field must be exactly ${n} bytes, got ${b.length}`);
    this.#copy(b);
  }

  bytes8(b: Uint8Array): void {
    if (b.length > 0xff) throw new InvalidArgumentError(`field must be at most 255 bytes, got ${b.length}`);
    this.u8(b.length);
    this.#copy(b);
  }

  bytes16(b: Uint8Array): void {
    if (b.length > 0xffff) throw new InvalidArgumentError(`field must be at most 65535 bytes, got ${b.length}`);
    this.u16(b.length);
    this.#copy(b);
  }

  bytes32(b: Uint8Array): void {
    this.u32(b.length);
    this.#copy(b);
  }

  /** A u32-length-prefixed record payload: referenced rather than copied when collecting parts. */
  payload32(b: Buffer): void {
    this.u32(b.length);
    if (this.#parts && detachedSize(b) > 0) {
      this.#parts.push(this.buf.subarray(this.#mark, this.pos), b);
      this.#mark = this.pos;
    } else {
      this.#copy(b);
    }
  }

  /** Closes a parts write: lists what was written since the last referenced payload. */
  finishParts(): void {
    if (this.#parts && this.pos > this.#mark) this.#parts.push(this.buf.subarray(this.#mark, this.pos));
    this.#mark = this.pos;
  }

  str8(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0xff) throw new InvalidArgumentError(`string must be at most 255 UTF-8 bytes, got ${n}`);
    this.u8(n);
    this.#utf8(s, n);
  }

  str16(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0xffff) throw new InvalidArgumentError(`string must be at most 65535 UTF-8 bytes, got ${n}`);
    this.u16(n);
    this.#utf8(s, n);
  }

  zeros(n: number): void {
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  #utf8(s: string, n: number): void {
    if (this.pos + n > this.buf.length) throw tooSmall();
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  #copy(b: Uint8Array): void {
    if (this.pos + b.length > this.buf.length) throw tooSmall();
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function tooSmall(): RangeError {
  return new RangeError("frame buffer too small: a codec's size() disagrees with its write()");
}

/** Encoded sizes of the variable-length field types. */
export const size = {
  str8: (s: string): number => 1 + Buffer.byteLength(s, 'utf8'),
  str16: (s: string): number => 2 + Buffer.byteLength(s, 'utf8'),
  bytes8: (b: Uint8Array): number => 1 + b.length,
  bytes16: (b: Uint8Array): number => 2 + b.length,
  bytes32: (b: Uint8Array): number => 4 + b.length,
} as const;

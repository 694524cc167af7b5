// CBOR (RFC 8949) for `application/x-amz-cbor-1.1`, the wire format the Java SDK and the KCL use
// for Kinesis by default. Sans-IO: bytes in, values out.
//
// Not a general CBOR library on purpose: AWS's CBOR is a small subset, tag 1 must be read the way
// the Java SDK writes it (below), and a request body must not be able to reach the extensions
// general decoders offer (shared references, records, object construction). This file accepts
// exactly that subset and rejects the rest:
//
//   major 0/1  integers (up to 64 bits; beyond 2^53 they lose precision, as in JSON.parse)
//   major 2    byte strings, definite or indefinite (chunked)  -> Buffer (a view of the input)
//   major 3    text strings, definite or indefinite            -> string
//   major 4/5  arrays and maps, definite or indefinite (Jackson writes indefinite maps)
//   major 6    tag 1 (epoch timestamp) and tag 0 (RFC 3339 string) -> Date; tag 64 (a byte string
//              as a uint8 typed array, cbor-x's default) -> Buffer; any other tag is refused
//   major 7    false, true, null, undefined, float16/32/64
//
// Timestamps. RFC 8949 tag 1 holds epoch SECONDS, but the AWS Java SDK (SdkCborGenerator) and the
// KCL write epoch MILLISECONDS in tag 1 for Kinesis, and read milliseconds back. We therefore
// encode Date as tag 1 + integer milliseconds, and decode a tag-1 number as milliseconds when its
// magnitude is at least 1e11 (1e11 ms is March 1973; 1e11 s is the year 5138), else as seconds,
// which keeps standard encoders (cbor2, cbor-x, smithy's rpcv2 CBOR) working too.

export class CborError extends Error {
  override name = 'CborError';
}

/** Values at or above this magnitude in tag 1 are epoch milliseconds, below it epoch seconds. */
export const MILLIS_THRESHOLD = 1e11;

export function epochNumberToDate(n: number): Date {
  return new Date(Math.abs(n) >= MILLIS_THRESHOLD ? n : n * 1000);
}

const MAX_DEPTH = 64;
const BREAK = 0xff;

export interface CborDecodeOptions {
  /** Nesting limit (arrays and maps); AWS shapes are shallow. */
  maxDepth?: number;
}

/** Decodes exactly one CBOR item that must span the whole input. Throws CborError. */
export function decodeCbor(input: Uint8Array, options: CborDecodeOptions = {}): unknown {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const reader = new Reader(buf, options.maxDepth ?? MAX_DEPTH);
  const value = reader.item(0);
  if (reader.pos !== buf.length) throw new CborError(`Unexpected ${buf.length - reader.pos} bytes after the CBOR item`);
  return value;
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly maxDepth: number,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new CborError('Unexpected end of CBOR input');
  }

  /** The argument of an initial byte; -1 for indefinite length (info 31). */
  private arg(info: number): number {
    if (info < 24) return info;
    const buf = this.buf;
    switch (info) {
      case 24:
        this.need(1);
        return buf[this.pos++];
      case 25: {
        this.need(2);
        const v = buf.readUInt16BE(this.pos);
        this.pos += 2;
        return v;
      }
      case 26: {
        this.need(4);
        const v = buf.readUInt32BE(this.pos);
        this.pos += 4;
        return v;
      }
      case 27: {
        this.need(8);
        const v = buf.readUInt32BE(this.pos) * 0x1_0000_0000 + buf.readUInt32BE(this.pos + 4);
        this.pos += 8;
        return v;
      }
      case 31:
        return -1;
      default:
        throw new CborError(`Reserved CBOR additional information ${info}`);
    }
  }

  /** A definite length, checked against the bytes left so a forged length cannot allocate. */
  private length(info: number, minItemBytes: number): number {
    const n = this.arg(info);
    if (n * minItemBytes > this.buf.length - this.pos) throw new CborError('CBOR length exceeds the input');
    return n;
  }

  item(depth: number): unknown {
    this.need(1);
    const ib = this.buf[this.pos++];
    const major = ib >> 5;
    const info = ib & 0x1f;
    switch (major) {
      case 0:
        if (info === 31) throw new CborError('Indefinite length is not allowed for integers');
        return this.arg(info);
      case 1:
        if (info === 31) throw new CborError('Indefinite length is not allowed for integers');
        return -1 - this.arg(info);
      case 2:
        return this.bytes(info);
      case 3:
        return this.text(info);
      case 4:
        return this.array(info, depth + 1);
      case 5:
        return this.map(info, depth + 1);
      case 6:
        return this.tag(info, depth);
      default:
        return this.simple(info, ib);
    }
  }

  private bytes(info: number): Buffer {
    if (info !== 31) {
      const n = this.length(info, 1);
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const chunks: Buffer[] = [];
    for (;;) {
      this.need(1);
      const ib = this.buf[this.pos++];
      if (ib === BREAK) return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      if (ib >> 5 !== 2 || (ib & 0x1f) === 31) throw new CborError('Indefinite byte string chunks must be definite byte strings');
      chunks.push(this.bytes(ib & 0x1f));
    }
  }

  private text(info: number): string {
    if (info !== 31) {
      const n = this.length(info, 1);
      const s = this.buf.toString('utf8', this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    let s = '';
    for (;;) {
      this.need(1);
      const ib = this.buf[this.pos++];
      if (ib === BREAK) return s;
      if (ib >> 5 !== 3 || (ib & 0x1f) === 31) throw new CborError('Indefinite text string chunks must be definite text strings');
      s += this.text(ib & 0x1f);
    }
  }

  private array(info: number, depth: number): unknown[] {
    if (depth > this.maxDepth) throw new CborError('CBOR nesting too deep');
    if (info !== 31) {
      const n = this.length(info, 1);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = this.item(depth);
      return out;
    }
    const out: unknown[] = [];
    while (!this.atBreak()) out.push(this.item(depth));
    return out;
  }

  private map(info: number, depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) throw new CborError('CBOR nesting too deep');
    const out: Record<string, unknown> = {};
    const n = info === 31 ? -1 : this.length(info, 2);
    for (let i = 0; n < 0 ? !this.atBreak() : i < n; i++) {
      const key = this.item(depth);
      if (typeof key !== 'string') throw new CborError('CBOR map keys must be text strings');
      const value = this.item(depth);
      // A plain assignment of "__proto__" would replace the object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  /** Consumes a break byte when one is next (indefinite containers). */
  private atBreak(): boolean {
    this.need(1);
    if (this.buf[this.pos] !== BREAK) return false;
    this.pos++;
    return true;
  }

  private tag(info: number, depth: number): Date | Buffer {
    const tag = this.arg(info);
    if (tag === 1) {
      const v = this.item(depth);
      const d = typeof v === 'number' ? epochNumberToDate(v) : undefined;
      if (!d || Number.isNaN(d.getTime())) throw new CborError('CBOR tag 1 must hold an epoch time within the range of Date');
      return d;
    }
    if (tag === 0) {
      const v = this.item(depth);
      const d = typeof v === 'string' ? new Date(v) : undefined;
      if (!d || Number.isNaN(d.getTime())) throw new CborError('CBOR tag 0 must hold an RFC 3339 date string');
      return d;
    }
    if (tag === 64) {
      // RFC 8746 uint8 typed array: how some encoders (cbor-x) write a Uint8Array.
      const v = this.item(depth);
      if (!Buffer.isBuffer(v)) throw new CborError('CBOR tag 64 must hold a byte string');
      return v;
    }
    throw new CborError(`Unsupported CBOR tag ${tag}`);
  }

  private simple(info: number, ib: number): unknown {
    const buf = this.buf;
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        this.need(2);
        const v = halfToNumber(buf.readUInt16BE(this.pos));
        this.pos += 2;
        return v;
      }
      case 26: {
        this.need(4);
        const v = buf.readFloatBE(this.pos);
        this.pos += 4;
        return v;
      }
      case 27: {
        this.need(8);
        const v = buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case 31:
        throw new CborError('Unexpected CBOR break');
      default:
        throw new CborError(`Unsupported CBOR simple value 0x${ib.toString(16)}`);
    }
  }
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

// ---- encoding ----------------------------------------------------------------------------------
//
// Definite lengths throughout; integers in their shortest form; other numbers as float64;
// Uint8Array as a byte string; Date as tag 1 + integer epoch milliseconds (see the top of the file);
// object members whose value is undefined are left out, as JSON.stringify does.

/** Encodes one value. Throws CborError for values CBOR cannot carry (functions, symbols, cycles too deep). */
export function encodeCbor(value: unknown): Buffer {
  const w = new Writer();
  w.value(value, 0);
  return w.finish();
}

class Writer {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private head(major: number, n: number): void {
    this.reserve(9);
    const m = major << 5;
    const buf = this.buf;
    if (n < 24) buf[this.pos++] = m | n;
    else if (n < 0x100) {
      buf[this.pos++] = m | 24;
      buf[this.pos++] = n;
    } else if (n < 0x1_0000) {
      buf[this.pos++] = m | 25;
      buf.writeUInt16BE(n, this.pos);
      this.pos += 2;
    } else if (n < 0x1_0000_0000) {
      buf[this.pos++] = m | 26;
      buf.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      buf[this.pos++] = m | 27;
      buf.writeUInt32BE(Math.floor(n / 0x1_0000_0000), this.pos);
      buf.writeUInt32BE(n >>> 0, this.pos + 4);
      this.pos += 8;
    }
  }

  private number(n: number): void {
    if (Number.isSafeInteger(n)) {
      if (n >= 0) this.head(0, n);
      else this.head(1, -1 - n);
      return;
    }
    this.reserve(9);
    this.buf[this.pos++] = 0xfb;
    this.buf.writeDoubleBE(n, this.pos);
    this.pos += 8;
  }

  value(v: unknown, depth: number): void {
    if (depth > MAX_DEPTH) throw new CborError('Value nested too deep for CBOR');
    switch (typeof v) {
      case 'string': {
        const n = Buffer.byteLength(v, 'utf8');
        this.head(3, n);
        this.reserve(n);
        this.pos += this.buf.write(v, this.pos, n, 'utf8');
        return;
      }
      case 'number':
        return this.number(v);
      case 'boolean':
        this.reserve(1);
        this.buf[this.pos++] = v ? 0xf5 : 0xf4;
        return;
      case 'bigint':
        if (v >= 0n && v < 2n ** 64n) this.head(0, Number(v));
        else if (v < 0n && v >= -(2n ** 64n)) this.head(1, Number(-1n - v));
        else throw new CborError('BigInt out of CBOR integer range');
        return;
      case 'undefined':
        this.reserve(1);
        this.buf[this.pos++] = 0xf7;
        return;
      case 'object':
        break;
      default:
        throw new CborError(`Cannot encode a ${typeof v} as CBOR`);
    }
    if (v === null) {
      this.reserve(1);
      this.buf[this.pos++] = 0xf6;
      return;
    }
    if (v instanceof Uint8Array) {
      this.head(2, v.byteLength);
      this.reserve(v.byteLength);
      this.buf.set(v, this.pos);
      this.pos += v.byteLength;
      return;
    }
    if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) throw new CborError('Invalid Date');
      this.head(6, 1);
      this.number(ms);
      return;
    }
    if (Array.isArray(v)) {
      this.head(4, v.length);
      for (const item of v) this.value(item, depth + 1);
      return;
    }
    const obj = v as Record<string, unknown>;
    let count = 0;
    for (const key in obj) if (Object.hasOwn(obj, key) && obj[key] !== undefined) count++;
    this.head(5, count);
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      const item = obj[key];
      if (item === undefined) continue;
      this.value(key, depth + 1);
      this.value(item, depth + 1);
    }
  }
}

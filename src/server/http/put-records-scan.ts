// PutRecords in JSON, read in one pass over the body's bytes. It is the hottest request, and the
// generic path (JSON.parse, then a base64 decode per record into a Buffer of its own, then routing
// 500 key strings) cost about half a millisecond of the server's main thread per 500 records.
// Here the records go straight into the packed layout (api/kinesis/packed-put.ts) by one native
// call (native/base64.cc): headers written, keys copied from the body, every Data decoded in place,
// so that putRecords routes them in one more native call, as the TCP face's batches are. The
// records the SDKs write (`{"Data":"…","PartitionKey":"…"}`) are recognised by their bytes.
//
// Only the plain form the SDKs send is read this way: known members, strings without escapes,
// ASCII partition keys of 1-256 characters, canonical base64, no ExplicitHashKey, at most 500
// records. Anything else (escapes, unknown or repeated members, wrong types, bad base64, malformed
// JSON) returns undefined and the request takes the generic path, which produces AWS's exact
// errors. Whatever this returns reads as what JSON.parse plus readInput would have produced
// (test/server/http/put-records-scan.test.ts compares the two over valid and mutated bodies).
import { Buffer } from 'node:buffer';
import { PackedPutEntries, packedPutInput, payloadBuffer } from '../../api/kinesis/packed-put.js';
import { MAX_PARTITION_KEY_LENGTH, MAX_PUT_RECORDS } from '../../api/kinesis/put-records.js';
import { RECORD_HEADER_SIZE } from '../../core/constants.js';
import { native } from '../../storage/native.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

const enum Member {
  Unknown,
  StreamName,
  StreamARN,
  StreamId,
  Records,
  Data,
  PartitionKey,
}

/** Member names by length: each length has one. */
const NAMES: ReadonlyArray<readonly [Member, Buffer] | undefined> = (() => {
  const table: Array<readonly [Member, Buffer] | undefined> = [];
  for (const [m, name] of [
    [Member.StreamName, 'StreamName'],
    [Member.StreamARN, 'StreamARN'],
    [Member.StreamId, 'StreamId'],
    [Member.Records, 'Records'],
    [Member.Data, 'Data'],
    [Member.PartitionKey, 'PartitionKey'],
  ] as const) {
    if (table[name.length] !== undefined) throw new Error(`two member names of ${name.length} characters`);
    table[name.length] = [m, Buffer.from(name, 'latin1')];
  }
  return table;
})();

/** Buffer's per-encoding string makers (public on Buffer.prototype since Node 0.x, untyped). */
interface SlicingBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Thrown inside the scan for anything outside the plain form; never escapes scanPutRecords. */
const NOT_PLAIN = Symbol('not plain');

class Scanner {
  pos = 0;
  /** End of the last string read, and whether it held bytes above 0x7f. */
  end = 0;
  wide = false;

  constructor(readonly b: Buffer) {}

  ws(): void {
    const b = this.b;
    let p = this.pos;
    for (let c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
    this.pos = p;
  }

  /** The next non-blank byte, consumed. */
  next(): number {
    this.ws();
    const c = this.b[this.pos++];
    if (c === undefined) throw NOT_PLAIN;
    return c;
  }

  expect(c: number): void {
    if (this.next() !== c) throw NOT_PLAIN;
  }

  /** Reads a string with no escapes; returns where its bytes start (they end at this.end). */
  string(): number {
    this.expect(QUOTE);
    const b = this.b;
    const start = this.pos;
    let wide = false;
    let p = start;
    for (;;) {
      const c = b[p];
      if (c === undefined || c === BACKSLASH || c < 0x20) throw NOT_PLAIN;
      if (c === QUOTE) break;
      if (c > 0x7f) wide = true;
      p++;
    }
    this.end = p;
    this.wide = wide;
    this.pos = p + 1;
    return start;
  }

  /** A string value as JSON.parse would give it (UTF-8, invalid sequences replaced). */
  text(): string {
    const s = this.string();
    // Buffer's own slicers: toString(encoding, …) adds a wrapper and an encoding lookup per key.
    const b = this.b as SlicingBuffer;
    return this.wide ? b.utf8Slice(s, this.end) : b.latin1Slice(s, this.end);
  }

  member(): Member {
    const s = this.string();
    const len = this.end - s;
    const entry = NAMES[len];
    if (entry === undefined) return Member.Unknown;
    const [m, name] = entry;
    const b = this.b;
    for (let i = 0; i < len; i++) if (b[s + i] !== name[i]) return Member.Unknown;
    return m;
  }

  /**
   * Finds the end of a base64 string. Its bytes are checked by the native decoder, which refuses
   * anything outside the alphabet, escapes and control characters included: an escaped quote
   * leaves a backslash at the end of the span.
   */
  base64(): number {
    this.expect(QUOTE);
    const start = this.pos;
    const end = this.b.indexOf(QUOTE, start);
    if (end < 0) throw NOT_PLAIN;
    this.end = end;
    this.pos = end + 1;
    return start;
  }
}

/** Decoded length of base64 b[s, e) if it is canonical (native/base64.cc checks the digits), else -1. */
function decodedLength(b: Buffer, s: number, e: number): number {
  const len = e - s;
  if (len % 4 !== 0) return -1;
  if (len === 0) return 0;
  const pads = b[e - 1] !== 0x3d ? 0 : b[e - 2] === 0x3d ? 2 : 1;
  return (len / 4) * 3 - pads;
}

/**
 * A PutRecords JSON body in the SDKs' plain form, as the operation's input with its entries
 * packed (packed-put.ts); undefined for anything else, which the generic path then reads.
 */
export function scanPutRecords(body: Buffer): Record<string, unknown> | undefined {
  try {
    return scan(new Scanner(body));
  } catch (err) {
    if (err === NOT_PLAIN) return undefined;
    throw err;
  }
}

function scan(sc: Scanner): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let spans: Uint32Array | undefined;
  sc.expect(0x7b);
  sc.ws();
  if (sc.b[sc.pos] === 0x7d) throw NOT_PLAIN; // {} : left to the generic path's errors
  for (;;) {
    const m = sc.member();
    sc.expect(COLON);
    if (m === Member.Records) {
      if (spans !== undefined) throw NOT_PLAIN;
      spans = scanRecords(sc);
    } else if (m === Member.StreamName || m === Member.StreamARN || m === Member.StreamId) {
      const name = m === Member.StreamName ? 'StreamName' : m === Member.StreamARN ? 'StreamARN' : 'StreamId';
      if (Object.hasOwn(out, name)) throw NOT_PLAIN;
      out[name] = sc.text();
    } else {
      throw NOT_PLAIN;
    }
    const c = sc.next();
    if (c === 0x7d) break;
    if (c !== COMMA) throw NOT_PLAIN;
  }
  sc.ws();
  if (sc.pos !== sc.b.length || spans === undefined) throw NOT_PLAIN;
  return packedPutInput(out, pack(sc.b, spans));
}

/**
 * The records' spans ([key start, key end, Data start, Data end] each) into the packed layout, by
 * one native call (packBase64Records): headers, keys copied, every Data decoded in place.
 */
function pack(b: Buffer, spans: Uint32Array): PackedPutEntries {
  const n = spans.length / 4;
  let total = 0;
  let bytes = 0;
  let maxData = 0;
  for (let r = 0; r < n; r++) {
    const keyLen = spans[4 * r + 1]! - spans[4 * r]!;
    const dataLen = decodedLength(b, spans[4 * r + 2]!, spans[4 * r + 3]!);
    if (dataLen < 0) throw NOT_PLAIN;
    total += RECORD_HEADER_SIZE + keyLen + dataLen;
    bytes += keyLen + dataLen;
    if (dataLen > maxData) maxData = dataLen;
  }
  const pooled = payloadBuffer(total);
  const out = pooled.length === total ? pooled : pooled.subarray(0, total);
  if (native.packBase64Records(b, spans, out) !== -1) throw NOT_PLAIN;
  return new PackedPutEntries(out, n, bytes, maxData, pooled);
}

/** The plain record form the SDKs write, recognised by its bytes: `{"Data":"` … `","PartitionKey":"` … `"}`. */
const DATA_OPEN = Buffer.from('{"Data":"', 'latin1');
const KEY_OPEN = Buffer.from('","PartitionKey":"', 'latin1');

function matches(b: Buffer, at: number, lit: Buffer): boolean {
  if (at + lit.length > b.length) return false;
  for (let i = 0; i < lit.length; i++) if (b[at + i] !== lit[i]) return false;
  return true;
}

/** Records' spans, 4 per record: key start and end, Data (base64) start and end. */
function scanRecords(sc: Scanner): Uint32Array {
  let spans = new Uint32Array(4 * 512);
  let n = 0;
  sc.expect(0x5b);
  sc.ws();
  if (sc.b[sc.pos] === 0x5d) throw NOT_PLAIN; // an empty list: the generic path words its error
  const b = sc.b;
  for (;;) {
    // More than AWS takes: the generic path words the error.
    if (n === MAX_PUT_RECORDS) throw NOT_PLAIN;
    if (4 * n + 4 > spans.length) {
      const grown = new Uint32Array(spans.length * 2);
      grown.set(spans);
      spans = grown;
    }
    sc.ws();
    if (!fastRecord(sc, spans, n)) slowRecord(sc, spans, n);
    const keyLen = spans[4 * n + 1]! - spans[4 * n]!;
    if (keyLen < 1 || keyLen > MAX_PARTITION_KEY_LENGTH) throw NOT_PLAIN;
    n++;
    const c = b[sc.pos] === 0x5d ? b[sc.pos++]! : sc.next();
    if (c === 0x5d) break;
    if (c !== COMMA) throw NOT_PLAIN;
  }
  return spans.subarray(0, 4 * n);
}

/** One record in the SDKs' exact bytes, or false (nothing consumed) for the member-by-member reader. */
function fastRecord(sc: Scanner, spans: Uint32Array, n: number): boolean {
  const b = sc.b;
  const start = sc.pos;
  if (!matches(b, start, DATA_OPEN)) return false;
  const ds = start + DATA_OPEN.length;
  const de = b.indexOf(QUOTE, ds);
  if (de < 0 || !matches(b, de, KEY_OPEN)) return false;
  const ks = de + KEY_OPEN.length;
  const ke = asciiKeyEnd(b, ks);
  if (ke < 0 || b[ke + 1] !== 0x7d) return false;
  spans[4 * n] = ks;
  spans[4 * n + 1] = ke;
  spans[4 * n + 2] = ds;
  spans[4 * n + 3] = de;
  sc.pos = ke + 2;
  return true;
}

/** Where a plain ASCII key's closing quote is, from its first byte; -1 for anything else (escapes, control or non-ASCII bytes). */
function asciiKeyEnd(b: Buffer, p: number): number {
  for (;;) {
    const c = b[p];
    if (c === QUOTE) return p;
    if (c === undefined || c === BACKSLASH || c < 0x20 || c > 0x7f) return -1;
    p++;
  }
}

/** One record member by member, in any order and spacing; throws NOT_PLAIN outside the plain form. */
function slowRecord(sc: Scanner, spans: Uint32Array, n: number): void {
  sc.expect(0x7b);
  let keyAt = -1;
  let dataAt = -1;
  for (;;) {
    const m = sc.member();
    sc.expect(COLON);
    if (m === Member.Data && dataAt < 0) {
      dataAt = sc.base64();
      spans[4 * n + 2] = dataAt;
      spans[4 * n + 3] = sc.end;
    } else if (m === Member.PartitionKey && keyAt < 0) {
      keyAt = sc.string();
      // Keys are copied as bytes: only ASCII ones, whose bytes are their characters.
      if (sc.wide) throw NOT_PLAIN;
      spans[4 * n] = keyAt;
      spans[4 * n + 1] = sc.end;
    } else {
      // ExplicitHashKey included (an unknown name here): the generic path checks its pattern and range.
      throw NOT_PLAIN;
    }
    const c = sc.next();
    if (c === 0x7d) break;
    if (c !== COMMA) throw NOT_PLAIN;
  }
  if (dataAt < 0 || keyAt < 0) throw NOT_PLAIN;
}

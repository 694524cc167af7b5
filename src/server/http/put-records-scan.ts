// PutRecords in JSON, read in one pass over the body's bytes. It is the hottest request, and the
// generic path (JSON.parse, then a base64 decode per record into a Buffer of its own) cost about
// half a millisecond of the server's main thread per 500 records: a string per Data and per key,
// an object per entry, 500 small Buffers. Here the keys are the only strings, and every Data is
// decoded by one native call (native/base64.cc) into one buffer that the records view.
//
// Only the plain form the SDKs send is read this way: known members, strings without escapes,
// canonical base64. Anything else (escapes, unknown or repeated members, wrong types, bad base64,
// malformed JSON) returns undefined and the request takes the generic path, which produces AWS's
// exact errors. Whatever this returns equals what JSON.parse plus readInput would have produced
// (test/server/http/put-records-scan.test.ts compares the two over valid and mutated bodies).
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
  ExplicitHashKey,
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
    [Member.ExplicitHashKey, 'ExplicitHashKey'],
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

interface Entry {
  Data: unknown;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

/**
 * A PutRecords JSON body in the SDKs' plain form, as the operation's input (Data as Buffers that
 * view one decoded buffer); undefined for anything else, which the generic path then reads.
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
  let records: Entry[] | undefined;
  // Where each Data's base64 sits in the body: [start, end) pairs.
  let spans: Uint32Array = new Uint32Array(0);
  sc.expect(0x7b);
  sc.ws();
  if (sc.b[sc.pos] === 0x7d) throw NOT_PLAIN; // {} : left to the generic path's errors
  for (;;) {
    const m = sc.member();
    sc.expect(COLON);
    if (m === Member.Records) {
      if (records !== undefined) throw NOT_PLAIN;
      ({ records, spans } = scanRecords(sc));
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
  if (sc.pos !== sc.b.length || records === undefined) throw NOT_PLAIN;

  const b = sc.b;
  const n = records.length;
  const ends = new Uint32Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const len = decodedLength(b, spans[2 * r]!, spans[2 * r + 1]!);
    if (len < 0) throw NOT_PLAIN;
    total += len;
    ends[r] = total;
  }
  const flat = Buffer.allocUnsafe(total);
  if (native.decodeBase64Spans(b, spans, flat) !== -1) throw NOT_PLAIN;
  for (let r = 0, o = 0; r < n; r++) {
    const e = ends[r]!;
    records[r]!.Data = flat.subarray(o, e);
    o = e;
  }
  out.Records = records;
  return out;
}

function scanRecords(sc: Scanner): { records: Entry[]; spans: Uint32Array } {
  const records: Entry[] = [];
  let spans: Uint32Array = new Uint32Array(1024);
  sc.expect(0x5b);
  sc.ws();
  if (sc.b[sc.pos] === 0x5d) throw NOT_PLAIN; // an empty list: the generic path words its error
  for (;;) {
    sc.expect(0x7b);
    let key: string | undefined;
    let hash: string | undefined;
    let dataAt = -1;
    for (;;) {
      const m = sc.member();
      sc.expect(COLON);
      if (m === Member.Data && dataAt < 0) {
        dataAt = sc.base64();
        const at = 2 * records.length;
        if (at + 2 > spans.length) {
          const grown = new Uint32Array(spans.length * 2);
          grown.set(spans);
          spans = grown;
        }
        spans[at] = dataAt;
        spans[at + 1] = sc.end;
      } else if (m === Member.PartitionKey && key === undefined) {
        key = sc.text();
      } else if (m === Member.ExplicitHashKey && hash === undefined) {
        hash = sc.text();
      } else {
        throw NOT_PLAIN;
      }
      const c = sc.next();
      if (c === 0x7d) break;
      if (c !== COMMA) throw NOT_PLAIN;
    }
    if (dataAt < 0 || key === undefined) throw NOT_PLAIN;
    // Data is filled in once every record is read and the decoded size is known.
    records.push(hash === undefined ? { Data: undefined, PartitionKey: key } : { Data: undefined, PartitionKey: key, ExplicitHashKey: hash });
    const c = sc.next();
    if (c === 0x5d) break;
    if (c !== COMMA) throw NOT_PLAIN;
  }
  return { records, spans: spans.subarray(0, 2 * records.length) };
}

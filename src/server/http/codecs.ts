// The two request/response formats of the Kinesis API, chosen by Content-Type:
//   application/x-amz-json-1.1   blobs as base64 strings, timestamps as epoch seconds (numbers)
//   application/x-amz-cbor-1.1   blobs as byte strings, timestamps as tag 1 (see cbor.ts)
import { CborError, decodeCbor, encodeCbor, epochNumberToDate } from './cbor.js';
import { wireErrors } from './errors.js';
import { PackedRecords, packedRecordsOf } from '../../api/kinesis/records.js';
import { scanPutRecords } from './put-records-scan.js';
import { packedRecordsJson, putResultsJson } from './records-json.js';
import { writeOutput, wrongType, type LeafCodec, type PathTree } from './shapes.js';
import type { ServiceName } from './targets.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

export interface WireCodec {
  readonly contentType: string;
  readonly leaves: LeafCodec;
  /** Request body -> a plain object; throws a SerializationException WireError. */
  decode(body: Buffer): Record<string, unknown>;
  encode(value: unknown): Buffer;
  /** An operation's result as a response body; `tree` holds its blob and timestamp members. */
  encodeOutput(tree: PathTree | undefined, output: unknown): Buffer;
  /**
   * A fast reader for a known action's request: the input as decode plus readInput would give it,
   * or undefined to take that generic path (which then raises any error).
   */
  scanInput?(service: ServiceName, action: string, body: Buffer): Record<string, unknown> | undefined;
}

// AWS checks base64 strictly (Coral's wording, as recorded by kinesalite). Buffer.from(…, 'base64')
// would silently skip bad characters, so check first: length, alphabet, and that the unused low
// bits of the last character are zero (the canonical encoding).
const BASE64 = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]=|==)?$/;
const LAST_BEFORE_ONE_PAD = 'AEIMQUYcgkosw048';
const LAST_BEFORE_TWO_PADS = 'AQgw';

export function decodeBase64(s: string): Buffer {
  // Fast path, the common case. Node's decoder skips characters outside the alphabet and stops at
  // an early '=', so a string decodes to exactly 3/4 of its length (less its padding) only when
  // every character counted, except that it also takes the URL-safe '-' and '_'. With those ruled
  // out and the last character's unused bits zero, the string is canonical: no re-encoding (which
  // cost a string per record) and no regex (once the HTTP face's largest JavaScript cost).
  // Anything else goes on to find the exact error.
  if (s.length % 4 === 0 && s.indexOf('-') === -1 && s.indexOf('_') === -1) {
    const decoded = Buffer.from(s, 'base64');
    const pads = s.length === 0 || s[s.length - 1] !== '=' ? 0 : s[s.length - 2] === '=' ? 2 : 1;
    if (decoded.length === (s.length / 4) * 3 - pads && (pads === 0 || (pads === 1 ? LAST_BEFORE_ONE_PAD : LAST_BEFORE_TWO_PADS).includes(s[s.length - 1 - pads]!))) {
      return decoded;
    }
  }
  const bad = (why: string) => wireErrors.serialization(`'${s.length > 64 ? `${s.slice(0, 64)}…` : s}' can not be converted to a Blob: ${why}`);
  if (s.length % 4 !== 0) throw bad(`Base64 encoded length is expected a multiple of 4 bytes but found: ${s.length}`);
  if (!BASE64.test(s)) {
    const m = /[^A-Za-z0-9+/=]|=[^=]/.exec(s);
    throw bad(`Invalid Base64 character: '${m ? m[0][0] : '='}'`);
  }
  if (s.endsWith('==')) {
    if (!LAST_BEFORE_TWO_PADS.includes(s[s.length - 3])) throw bad('Invalid last non-pad Base64 character dectected');
  } else if (s.endsWith('=')) {
    if (!LAST_BEFORE_ONE_PAD.includes(s[s.length - 2])) throw bad('Invalid last non-pad Base64 character dectected');
  }
  return Buffer.from(s, 'base64');
}

function toBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** Epoch numbers beyond ±8.64e15 ms have no Date. */
function validDate(d: Date, v: number): Date {
  if (Number.isNaN(d.getTime())) throw wireErrors.serialization(`${v} can not be converted to milliseconds since epoch`);
  return d;
}

const jsonLeaves: LeafCodec = {
  readBlob(v) {
    if (typeof v !== 'string') throw wrongType(v, 'a Blob');
    return decodeBase64(v);
  },
  readTimestamp(v) {
    if (typeof v !== 'number') throw wrongType(v, 'milliseconds since epoch');
    return validDate(new Date(Math.round(v * 1000)), v);
  },
  writeBlob: (v) => (v instanceof Uint8Array ? toBuffer(v).toString('base64') : v),
  writeTimestamp: (v) => (v instanceof Date ? v.getTime() / 1000 : v),
};

export const jsonCodec: WireCodec = {
  contentType: JSON_CONTENT_TYPE,
  leaves: jsonLeaves,
  decode(body) {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw wireErrors.serialization();
    }
    if (!isPlainObject(value)) throw wireErrors.serialization();
    return value;
  },
  encode: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
  encodeOutput(tree, output) {
    const packed = packedRecordsOf(output);
    if (packed === undefined) return jsonCodec.encode(writeOutput(tree, output, jsonLeaves));
    const rest: Record<string, unknown> = { ...(output as Record<string, unknown>) };
    delete rest.Records;
    const restJson = JSON.stringify(writeOutput(tree, rest, jsonLeaves));
    return packed instanceof PackedRecords ? packedRecordsJson(packed, restJson) : putResultsJson(packed, restJson);
  },
  scanInput: (service, action, body) => (service === 'kinesis' && action === 'PutRecords' ? scanPutRecords(body) : undefined),
};

const cborLeaves: LeafCodec = {
  readBlob(v) {
    if (v instanceof Uint8Array) return v;
    throw wrongType(v, 'a Blob');
  },
  readTimestamp(v) {
    if (v instanceof Date) return v;
    if (typeof v === 'number') return validDate(epochNumberToDate(v), v);
    throw wrongType(v, 'milliseconds since epoch');
  },
  // The CBOR encoder writes Uint8Array as a byte string and Date as tag 1 + milliseconds itself.
  writeBlob: (v) => v,
  writeTimestamp: (v) => v,
};

export const cborCodec: WireCodec = {
  contentType: CBOR_CONTENT_TYPE,
  leaves: cborLeaves,
  decode(body) {
    let value: unknown;
    try {
      value = decodeCbor(body);
    } catch (err) {
      if (err instanceof CborError) throw wireErrors.serialization();
      throw err;
    }
    if (!isPlainObject(value)) throw wireErrors.serialization();
    return value;
  },
  encode: (value) => encodeCbor(value),
  encodeOutput(tree, output) {
    // Records left packed for the JSON writer are built here: the CBOR encoder takes them as objects.
    const packed = packedRecordsOf(output);
    const value = packed === undefined ? output : { ...(output as Record<string, unknown>), Records: packed.toRecords() };
    return encodeCbor(writeOutput(tree, value, cborLeaves));
  },
};

/** The codec for a request's Content-Type (parameters such as charset ignored), if we speak it. */
export function codecFor(contentType: string | undefined): WireCodec | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(';');
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (type === JSON_CONTENT_TYPE) return jsonCodec;
  if (type === CBOR_CONTENT_TYPE) return cborCodec;
  return undefined;
}

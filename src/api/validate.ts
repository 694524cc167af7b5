// Validation of untyped request input, in two passes as AWS does it:
//   1. types: a member of the wrong JSON type is a SerializationException (the request could not be
//      deserialised), with the Java-flavoured wording AWS's Coral framework uses;
//   2. constraints: nullness, lengths, ranges, patterns and enums are collected (up to 10) into one
//      ValidationException: "2 validation errors detected: Value 'x' at 'streamName' failed to
//      satisfy constraint: Member must ...; ...".
// Wording follows AWS responses as recorded by kinesalite (validations/index.js). Blobs arrive as
// Uint8Array (embedded) or base64 strings (JSON); timestamps as Date, or epoch seconds (JSON).
import { KinesisError } from './errors.js';

interface Common {
  /** Must be present (AWS: "Member must not be null"). */
  required?: boolean;
}
export interface StringShape extends Common {
  type: 'string';
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly string[];
}
export interface NumberShape extends Common {
  type: 'integer' | 'long';
  min?: number;
  max?: number;
}
export interface BooleanShape extends Common {
  type: 'boolean';
}
export interface BlobShape extends Common {
  type: 'blob';
  max?: number;
}
export interface TimestampShape extends Common {
  type: 'timestamp';
}
export interface ListShape extends Common {
  type: 'list';
  member: Shape;
  min?: number;
  max?: number;
  /** How AWS prints a member of this list inside a validation message (Java toString of the entry). */
  memberString?: string;
}
export interface MapShape extends Common {
  type: 'map';
  key: { min: number; max: number };
  value: StringShape;
  min?: number;
  max?: number;
}
export interface StructureShape extends Common {
  type: 'structure';
  members: Record<string, Shape>;
}
export type Shape = StringShape | NumberShape | BooleanShape | BlobShape | TimestampShape | ListShape | MapShape | StructureShape;

/** Members of a structure shape with their wire path names, computed once per shape. */
const membersCache = new WeakMap<StructureShape, Array<[name: string, path: string, shape: Shape]>>();
function membersOf(shape: StructureShape): Array<[string, string, Shape]> {
  let m = membersCache.get(shape);
  if (!m) {
    m = Object.entries(shape.members).map(([name, member]) => [name, lowerFirst(name), member]);
    membersCache.set(shape, m);
  }
  return m;
}

const regexCache = new Map<string, RegExp>();
function regexOf(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) regexCache.set(pattern, (r = new RegExp(`^(?:${pattern})$`)));
  return r;
}

function serialization(message: string): KinesisError {
  return new KinesisError('SerializationException', message);
}

const NUMBER_CLASS = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber';

function wrongContainer(value: object): KinesisError {
  return serialization(Array.isArray(value) ? 'Start of list found where not expected' : 'Start of structure or map found where not expected.');
}

/** Pass 1: checks JSON types and converts blobs to Uint8Array and timestamps to Date. */
function coerce(value: unknown, shape: Shape): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'boolean') throw serialization('class java.lang.Boolean can not be converted to an String');
      if (typeof value === 'number') throw serialization(`${NUMBER_CLASS} can not be converted to an String`);
      if (typeof value === 'object') throw wrongContainer(value);
      throw serialization(`Unexpected value of type ${typeof value}`);
    case 'integer':
    case 'long': {
      const java = shape.type === 'integer' ? 'Integer' : 'Long';
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw serialization(`${NUMBER_CLASS} can not be converted to an ${java}`);
        return Math.trunc(value);
      }
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'boolean') throw serialization(`class java.lang.Boolean can not be converted to an ${java}`);
      if (typeof value === 'string') throw serialization(`class java.lang.String can not be converted to an ${java}`);
      if (typeof value === 'object') throw wrongContainer(value);
      throw serialization(`Unexpected value of type ${typeof value}`);
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') throw serialization(`${NUMBER_CLASS} can not be converted to an Boolean`);
      if (typeof value === 'string') throw serialization(`'${value.toUpperCase()}' can not be converted to an Boolean`);
      if (typeof value === 'object') throw wrongContainer(value);
      throw serialization(`Unexpected value of type ${typeof value}`);
    case 'blob':
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') return decodeBase64(value);
      if (typeof value === 'boolean') throw serialization('class java.lang.Boolean can not be converted to a Blob');
      if (typeof value === 'number') throw serialization(`${NUMBER_CLASS} can not be converted to a Blob`);
      if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      if (typeof value === 'object') throw wrongContainer(value);
      throw serialization(`Unexpected value of type ${typeof value}`);
    case 'timestamp':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw serialization('Invalid timestamp');
        return value;
      }
      if (typeof value === 'number') return new Date(value * 1000);
      if (typeof value === 'boolean') throw serialization('class java.lang.Boolean can not be converted to milliseconds since epoch');
      if (typeof value === 'string') throw serialization('class java.lang.String can not be converted to milliseconds since epoch');
      if (typeof value === 'object') throw wrongContainer(value);
      throw serialization(`Unexpected value of type ${typeof value}`);
    case 'list':
      if (!Array.isArray(value)) {
        if (typeof value === 'object') throw serialization('Start of structure or map found where not expected.');
        throw serialization('Expected list or null');
      }
      return value.map((v) => coerce(v, shape.member));
    case 'map': {
      if (typeof value !== 'object') throw serialization('Expected map or null');
      if (Array.isArray(value)) throw serialization('Start of list found where not expected');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const c = coerce(v, shape.value);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    case 'structure': {
      if (typeof value !== 'object') throw serialization('Expected null');
      if (Array.isArray(value)) throw serialization('Start of list found where not expected');
      // Returns the caller's object itself when nothing needs converting (the common case for
      // each entry of a PutRecords batch), a copy of the known members otherwise.
      const src = value as Record<string, unknown>;
      let out: Record<string, unknown> | undefined;
      const members = membersOf(shape);
      for (let i = 0; i < members.length; i++) {
        const [name, , member] = members[i]!;
        const v = src[name];
        const c = v === undefined || v === null ? undefined : coerce(v, member);
        if (out === undefined && c !== v) {
          out = {};
          for (let j = 0; j < i; j++) {
            const prev = members[j]![0];
            if (src[prev] !== undefined && src[prev] !== null) out[prev] = src[prev];
          }
        }
        if (out !== undefined && c !== undefined) out[name] = c;
      }
      return out ?? src;
    }
  }
}

function decodeBase64(text: string): Uint8Array {
  if (text.length % 4) {
    throw serialization(`'${text}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  }
  const bad = /[^a-zA-Z0-9+/=]|=[^=]/.exec(text);
  if (bad) throw serialization(`'${text}' can not be converted to a Blob: Invalid Base64 character: '${bad[0][0]}'`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw serialization(`'${text}' can not be converted to a Blob: Invalid last non-pad Base64 character dectected`);
  return bytes;
}

function lowerFirst(s: string): string {
  return s[0]!.toLowerCase() + s.slice(1);
}

function describe(value: unknown, shape: Shape): string {
  if (value === undefined) return 'null';
  let text: string;
  switch (shape.type) {
    case 'blob': {
      const n = (value as Uint8Array).byteLength;
      text = `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
      break;
    }
    case 'list':
      text = '[' + (value as unknown[]).map((v) => shape.memberString ?? String(v)).join(', ') + ']';
      break;
    case 'map':
      text = '{' + Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`).join(', ') + '}';
      break;
    case 'timestamp':
      text = String((value as Date).getTime() / 1000);
      break;
    case 'structure':
      text = JSON.stringify(value);
      break;
    default:
      text = String(value);
  }
  return `'${text}'`;
}

/**
 * Collects constraint failures. The member path ("records.3.member.partitionKey") is kept as a
 * stack of segments and joined only when a failure is reported: valid input, the hot path of
 * PutRecords, builds no strings.
 */
class Collector {
  readonly errors: string[] = [];
  readonly path: string[] = [];
  add(value: unknown, shape: Shape, constraint: string): void {
    if (this.errors.length >= 10) return;
    this.errors.push(`Value ${describe(value, shape)} at '${this.path.join('.')}' failed to satisfy constraint: Member must ${constraint}`);
  }
  addRaw(value: unknown, shape: Shape, message: string): void {
    if (this.errors.length >= 10) return;
    this.errors.push(`Value ${describe(value, shape)} at '${this.path.join('.')}' failed to satisfy constraint: ${message}`);
  }
}

/** Pass 2: constraint checks on coerced input. */
function check(value: unknown, shape: Shape, out: Collector): void {
  if (value === undefined) {
    if (shape.required) out.add(value, shape, 'not be null');
    return;
  }
  switch (shape.type) {
    case 'string': {
      const s = value as string;
      if (shape.enum && !shape.enum.includes(s)) out.add(s, shape, `satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.min !== undefined && s.length < shape.min) out.add(s, shape, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && s.length > shape.max) out.add(s, shape, `have length less than or equal to ${shape.max}`);
      if (shape.pattern !== undefined && !regexOf(shape.pattern).test(s)) out.add(s, shape, `satisfy regular expression pattern: ${shape.pattern}`);
      return;
    }
    case 'integer':
    case 'long': {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) out.add(n, shape, `have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) out.add(n, shape, `have value less than or equal to ${shape.max}`);
      return;
    }
    case 'blob': {
      const b = value as Uint8Array;
      if (shape.max !== undefined && b.byteLength > shape.max) out.add(b, shape, `have length less than or equal to ${shape.max}`);
      return;
    }
    case 'list': {
      const l = value as unknown[];
      if (shape.min !== undefined && l.length < shape.min) out.add(l, shape, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && l.length > shape.max) out.add(l, shape, `have length less than or equal to ${shape.max}`);
      for (let i = 0; i < l.length && out.errors.length < 10; i++) {
        out.path.push(String(i + 1), 'member');
        check(l[i], shape.member, out);
        out.path.length -= 2;
      }
      return;
    }
    case 'map': {
      const m = value as Record<string, string>;
      const keys = Object.keys(m);
      if (shape.min !== undefined && keys.length < shape.min) out.add(m, shape, `have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && keys.length > shape.max) out.add(m, shape, `have length less than or equal to ${shape.max}`);
      if (!keys.every((k) => k.length >= shape.key.min && k.length <= shape.key.max)) {
        out.addRaw(
          m,
          shape,
          `Map keys must satisfy constraint: [Member must have length less than or equal to ${shape.key.max}, Member must have length greater than or equal to ${shape.key.min}]`,
        );
      }
      for (const k of keys) {
        out.path.push(k, 'member');
        check(m[k], shape.value, out);
        out.path.length -= 2;
      }
      return;
    }
    case 'structure': {
      const s = value as Record<string, unknown>;
      for (const [name, segment, member] of membersOf(shape)) {
        const v = s[name];
        if (v === undefined && !member.required) continue;
        out.path.push(segment);
        check(v, member, out);
        out.path.length -= 1;
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Validates `input` against an action's request shape and returns it with blobs as Uint8Array and
 * timestamps as Date. Throws SerializationException or ValidationException as AWS would.
 */
export function validateInput<T>(input: unknown, shape: StructureShape): T {
  const coerced = coerce(input ?? {}, shape);
  const out = new Collector();
  check(coerced, shape, out);
  if (out.errors.length) {
    const n = out.errors.length;
    throw new KinesisError('ValidationException', `${n} validation error${n > 1 ? 's' : ''} detected: ${out.errors.join('; ')}`);
  }
  return coerced as T;
}

/** Memoises a request shape that depends on one number (the configured record size limit). */
export function shapeByLimit(build: (limit: number) => StructureShape): (limit: number) => StructureShape {
  const shapes = new Map<number, StructureShape>();
  return (limit) => {
    let s = shapes.get(limit);
    if (!s) shapes.set(limit, (s = build(limit)));
    return s;
  };
}

/** Tests a string against a shape's pattern exactly as constraint checking does. */
export function matchesPattern(shape: StringShape, s: string): boolean {
  return shape.pattern === undefined || regexOf(shape.pattern).test(s);
}

// Members shared by many actions, with AWS's constraints.
export const STREAM_NAME: StringShape = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const STREAM_ARN: StringShape = { type: 'string', min: 1, max: 2048, pattern: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+' };
export const CONSUMER_ARN: StringShape = {
  type: 'string',
  min: 1,
  max: 2048,
  pattern: '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+',
};
export const CONSUMER_NAME: StringShape = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const SHARD_ID: StringShape = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
export const STREAM_ID: StringShape = { type: 'string', min: 1, max: 24, pattern: '[a-z0-9]{20}-[a-z0-9]{3}' };
export const HASH_KEY: StringShape = { type: 'string', pattern: '0|([1-9]\\d{0,38})' };
export const SEQUENCE_NUMBER: StringShape = { type: 'string', pattern: '0|([1-9]\\d{0,128})' };
export const RESOURCE_ARN: StringShape = { type: 'string', min: 1, max: 2048, pattern: 'arn:aws.*:kinesis:.*:\\d{12}:.*stream\\/\\S+' };
export const TAG_KEY: StringShape = { type: 'string', min: 1, max: 128 };
export const TAG_MAP: MapShape = { type: 'map', key: { min: 1, max: 128 }, value: { type: 'string', min: 0, max: 256 }, min: 1, max: 50 };
/** StreamName / StreamARN / StreamId: the three ways to name a stream. */
export const STREAM_REF = { StreamName: STREAM_NAME, StreamARN: STREAM_ARN, StreamId: STREAM_ID } as const;

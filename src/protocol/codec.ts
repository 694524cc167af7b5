// The shape every codec has: an exact size, a writer and a reader. Frames are allocated once from
// the summed sizes, so encoding never grows or copies a buffer twice.
import { Reader, Writer } from './cursor.js';

export interface Codec<T> {
  /** Encoded bytes of `value`. */
  size(value: T): number;
  write(w: Writer, value: T): void;
  /** Reads one value; throws ProtocolError on anything malformed. Does not check for trailing bytes. */
  read(r: Reader): T;
  /** Bytes of `value` a parts-collecting Writer references instead of copying (record payloads). */
  detached?(value: T): number;
}

/** A body with no fields. */
export type Empty = Record<string, never>;

export const empty: Codec<Empty> = {
  size: () => 0,
  write: () => {},
  read: () => ({}),
};

/** Encodes one value into a fresh buffer of exactly its size. */
export function encodeBody<T>(codec: Codec<T>, value: T): Buffer {
  const buf = Buffer.allocUnsafe(codec.size(value));
  const w = new Writer(buf);
  codec.write(w, value);
  return buf;
}

/** Decodes a whole body: trailing bytes are malformed. */
export function decodeBody<T>(codec: Codec<T>, body: Buffer): T {
  const r = new Reader(body);
  const value = codec.read(r);
  r.done();
  return value;
}

import { describe, expect, it } from 'vitest';
import { cborCodec, codecFor, decodeBase64, jsonCodec } from '../../../src/server/http/codecs.js';
import { WireError } from '../../../src/server/http/errors.js';

describe('codecFor', () => {
  it('picks the codec by media type, ignoring case and parameters', () => {
    expect(codecFor('application/x-amz-json-1.1')).toBe(jsonCodec);
    expect(codecFor('Application/X-Amz-Json-1.1; charset=utf-8')).toBe(jsonCodec);
    expect(codecFor('application/x-amz-cbor-1.1')).toBe(cborCodec);
    for (const other of [undefined, '', 'application/json', 'application/x-amz-json-1.0', 'text/plain']) expect(codecFor(other)).toBeUndefined();
  });
});

describe('decodeBase64', () => {
  it('accepts canonical base64 of every padding length', () => {
    for (const n of [0, 1, 2, 3, 4, 100]) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) & 0xff));
      expect(decodeBase64(bytes.toString('base64'))).toEqual(bytes);
    }
  });

  it.each([
    ['a wrong length', 'abcde', 'Base64 encoded length is expected a multiple of 4 bytes but found: 5'],
    ['a URL-safe character', 'ab-_', "Invalid Base64 character: '-'"],
    ['padding in the middle', 'ab=cdefg', "Invalid Base64 character: '='"],
    ['unused bits set before one pad', 'aGVsbG9=', 'Invalid last non-pad Base64 character dectected'],
    ['unused bits set before two pads', 'aB==', 'Invalid last non-pad Base64 character dectected'],
  ])('refuses %s with a SerializationException', (_name, input, why) => {
    const err = (() => {
      try {
        decodeBase64(input);
      } catch (e) {
        return e as WireError;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(WireError);
    expect(err.type).toBe('SerializationException');
    expect(err.message).toBe(`'${input}' can not be converted to a Blob: ${why}`);
  });
});

describe('timestamps', () => {
  it('refuse epoch numbers no Date can hold', () => {
    expect(() => jsonCodec.leaves.readTimestamp(1e300)).toThrow(WireError);
    expect(() => cborCodec.leaves.readTimestamp(-1e300)).toThrow(WireError);
    expect(jsonCodec.leaves.readTimestamp(0)).toEqual(new Date(0));
  });
});

describe('request bodies', () => {
  it('must be an object, in JSON and in CBOR', () => {
    for (const body of ['[]', 'null', '"x"', '1', '{']) expect(() => jsonCodec.decode(Buffer.from(body))).toThrow(WireError);
    expect(() => cborCodec.decode(Buffer.from([0x80]))).toThrow(WireError);
    expect(jsonCodec.decode(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(cborCodec.decode(Buffer.from([0xa1, 0x61, 0x61, 0x01]))).toEqual({ a: 1 });
  });
});

describe('decodeBase64 against a strict reference', () => {
  it('accepts exactly the canonical encodings, over random strings near valid ones', () => {
    const canonical = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]=|==)?$/;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ *\n.';
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.from(Array.from({ length: rand(12) }, () => rand(256)));
      const chars = [...bytes.toString('base64')];
      // Mutate a valid encoding now and then: a character, an extra '=', a truncation.
      const m = rand(4);
      if (m === 1 && chars.length > 0) chars[rand(chars.length)] = alphabet[rand(alphabet.length)]!;
      if (m === 2) chars.splice(rand(chars.length + 1), 0, '=');
      if (m === 3 && chars.length > 0) chars.pop();
      const s = chars.join('');
      const strict = s.length % 4 === 0 && canonical.test(s) && Buffer.from(s, 'base64').toString('base64') === s;
      let accepted: Buffer | undefined;
      try {
        accepted = decodeBase64(s);
      } catch (e) {
        expect(e).toBeInstanceOf(WireError);
      }
      expect(accepted !== undefined, JSON.stringify(s)).toBe(strict);
      if (accepted) expect(accepted.toString('base64')).toBe(s);
    }
  });
});

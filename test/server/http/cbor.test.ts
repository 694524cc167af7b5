import { cbor as smithyCbor } from '@smithy/core/cbor';
import { decode as cbor2Decode, encode as cbor2Encode } from 'cbor2';
import { describe, expect, it } from 'vitest';
import { CborError, decodeCbor, encodeCbor } from '../../../src/server/http/cbor.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  if (b.length >= 24) throw new Error('fixture helper handles short strings only');
  return Buffer.concat([Buffer.from([0x60 | b.length]), b]);
};

describe('CBOR decoding', () => {
  it('reads a PutRecord body as the Java SDK writes it: indefinite map, byte string, tag 1 epoch millis', () => {
    // Jackson's CBORGenerator starts objects with an indefinite-length map (0xbf … 0xff) and
    // SdkCborGenerator writes timestamps as tag 1 followed by Date.getTime() (milliseconds).
    const body = Buffer.concat([
      hex('bf'),
      text('StreamName'), text('orders'),
      text('Data'), hex('43 010203'),
      text('PartitionKey'), text('pk-1'),
      text('Timestamp'), hex('c1 1b 0000018b cfe56800'), // 1700000000000 ms
      hex('ff'),
    ]);
    const v = decodeCbor(body) as Record<string, unknown>;
    expect(v.StreamName).toBe('orders');
    expect(Buffer.from(v.Data as Uint8Array)).toEqual(Buffer.from([1, 2, 3]));
    expect(v.PartitionKey).toBe('pk-1');
    expect(v.Timestamp).toEqual(new Date(1_700_000_000_000));
  });

  it('reads tag 1 with epoch seconds (RFC 8949, cbor2, smithy) as seconds', () => {
    expect(decodeCbor(hex('c1 1a 6553f100'))).toEqual(new Date(1_700_000_000_000)); // integer seconds
    const float = Buffer.alloc(10);
    float[0] = 0xc1;
    float[1] = 0xfb;
    float.writeDoubleBE(1_700_000_000.25, 2);
    expect(decodeCbor(float)).toEqual(new Date(1_700_000_000_250));
    expect(decodeCbor(cbor2Encode(new Date(1_700_000_000_500)))).toEqual(new Date(1_700_000_000_500));
  });

  it('reads chunked strings, nested indefinite arrays, floats of every width and simple values', () => {
    expect(decodeCbor(hex('5f 42 0102 41 03 ff'))).toEqual(Buffer.from([1, 2, 3]));
    expect(decodeCbor(hex('7f 62 6162 61 63 ff'))).toBe('abc');
    expect(decodeCbor(hex('9f 01 9f 02 ff 83 03 04 05 ff'))).toEqual([1, [2], [3, 4, 5]]);
    expect(decodeCbor(hex('f9 3c00'))).toBe(1);
    expect(decodeCbor(hex('f9 c400'))).toBe(-4);
    expect(decodeCbor(hex('fa 47c35000'))).toBe(100000);
    expect(decodeCbor(hex('fb 3ff199999999999a'))).toBe(1.1);
    expect(decodeCbor(hex('83 f4 f5 f6'))).toEqual([false, true, null]);
    expect(decodeCbor(hex('3903e7'))).toBe(-1000);
    expect(decodeCbor(hex('1b 001fffffffffffff'))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('keeps "__proto__" as a plain member instead of replacing the prototype', () => {
    const v = decodeCbor(Buffer.concat([hex('a1'), text('__proto__'), hex('a1'), text('polluted'), hex('f5')])) as object;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['truncated input', '43 0102'],
    ['trailing bytes', '01 02'],
    ['a non-string map key', 'a1 01 02'],
    ['an unknown tag', 'c2 41 01'],
    ['a typed-array tag other than uint8', 'd8 48 41 01'],
    ['tag 1 on a string', 'c1 61 61'],
    ['tag 1 beyond the range of Date', 'c1 fb 7fefffffffffffff'],
    ['a stray break', 'ff'],
    ['a reserved additional info', '1c'],
    ['a forged huge array length', '9b 00000000ffffffff'],
    ['a forged huge byte string length', '5a ffffffff 00'],
    ['a bad indefinite chunk', '5f 61 61 ff'],
    ['an unterminated indefinite map', 'bf 61 61 01'],
  ])('rejects %s', (_name, bytes) => {
    expect(() => decodeCbor(hex(bytes))).toThrow(CborError);
  });

  it('fails only with CborError on mutated and truncated input (seeded fuzz)', () => {
    const valid = encodeCbor({ StreamName: 's', Records: [{ Data: Buffer.alloc(40, 7), PartitionKey: 'k', T: new Date(0) }], N: -1.5, L: [1, 'x', null] });
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(valid.subarray(0, 1 + rand(valid.length)));
      for (let m = rand(4); m >= 0; m--) bytes[rand(bytes.length)] = rand(256);
      try {
        decodeCbor(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(CborError);
      }
    }
  });

  it('rejects nesting deeper than the limit without exhausting the stack', () => {
    expect(() => decodeCbor(Buffer.alloc(100_000, 0x81))).toThrow(CborError);
  });
});

describe('CBOR encoding', () => {
  const sample = {
    StreamName: 'orders',
    Records: [
      { Data: Buffer.from('hello'), PartitionKey: 'a', ApproximateArrivalTimestamp: new Date(1_700_000_000_123) },
      { Data: new Uint8Array([0, 255]), PartitionKey: 'ü€😀', SequenceNumber: '4959' },
    ],
    MillisBehindLatest: 0,
    Negative: -70000,
    Big: 2 ** 40 + 1,
    Fraction: 0.25,
    Flag: true,
    Nothing: null,
    Skipped: undefined,
  };

  it('round-trips through our decoder, with Date as tag 1 + integer milliseconds', () => {
    const bytes = encodeCbor(sample);
    const { Skipped: _omitted, ...expected } = sample;
    const back = decodeCbor(bytes) as typeof sample;
    expect(back).toEqual({
      ...expected,
      Records: [
        { ...expected.Records[0], Data: Buffer.from('hello') },
        { ...expected.Records[1], Data: Buffer.from([0, 255]) },
      ],
    });
    // c1 1b <u64 ms>: what the Java SDK's CBOR parser reads back as milliseconds.
    expect(bytes.includes(hex('c1 1b 0000018bcfe5687b'))).toBe(true);
  });

  it('is read by cbor2 and by the AWS SDK\'s own CBOR parser (smithy)', () => {
    const bytes = encodeCbor({ a: [1, -2, 'x', Buffer.from([9])], b: { c: 1.5, d: false, e: null } });
    const expected = { a: [1, -2, 'x', new Uint8Array([9])], b: { c: 1.5, d: false, e: null } };
    for (const decoded of [smithyCbor.deserialize(bytes), cbor2Decode(bytes)]) {
      expect({ ...decoded, a: [...decoded.a.slice(0, 3), new Uint8Array(decoded.a[3])] }).toEqual(expected);
    }
  });

  it('reads what smithy and cbor2 write', () => {
    const value = { s: 'str', n: -12345678901, f: 3.5, l: [true, null], bytes: new Uint8Array([1, 2]) };
    for (const bytes of [smithyCbor.serialize(value), cbor2Encode(value)]) {
      const back = decodeCbor(bytes) as typeof value;
      expect({ ...back, bytes: new Uint8Array(back.bytes) }).toEqual(value);
    }
  });

  it('refuses values CBOR cannot carry', () => {
    expect(() => encodeCbor({ f: () => 1 })).toThrow(CborError);
    expect(() => encodeCbor(new Date(NaN))).toThrow(CborError);
  });
});

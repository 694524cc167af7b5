import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Reader, Writer, size } from '../../src/protocol/cursor.js';
import { WireErrorCode } from '../../src/protocol/error-codes.js';
import { ProtocolError } from '../../src/protocol/errors.js';

function malformed(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).wireCode).toBe(WireErrorCode.MR_PROTOCOL);
    expect((err as ProtocolError).fatal).toBe(false);
    return;
  }
  throw new Error('expected a ProtocolError');
}

describe('Reader and Writer', () => {
  it('round-trip every field type at its limits', () => {
    const buf = Buffer.alloc(1024);
    const w = new Writer(buf);
    w.u8(255);
    w.u16(65535);
    w.u32(0xffffffff);
    w.u64(Number.MAX_SAFE_INTEGER);
    w.u64(0);
    w.i64(-Number.MAX_SAFE_INTEGER);
    w.i64(-1);
    w.i64(1_700_000_000_000);
    w.u128((1n << 128n) - 1n);
    w.u128(0x0102n);
    w.str8('é'.repeat(127));
    w.str16('');
    w.bytes8(Buffer.alloc(255, 1));
    w.bytes16(Buffer.from('ab'));
    w.bytes32(Buffer.alloc(0));
    w.fixed(Buffer.alloc(3, 9), 3);
    w.zeros(2);
    const r = new Reader(buf, 0, w.pos);
    expect(r.u8()).toBe(255);
    expect(r.u16()).toBe(65535);
    expect(r.u32()).toBe(0xffffffff);
    expect(r.u64()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.u64()).toBe(0);
    expect(r.i64()).toBe(-Number.MAX_SAFE_INTEGER);
    expect(r.i64()).toBe(-1);
    expect(r.i64()).toBe(1_700_000_000_000);
    expect(r.u128()).toBe((1n << 128n) - 1n);
    expect(r.u128()).toBe(0x0102n);
    expect(r.str8()).toBe('é'.repeat(127));
    expect(r.str16()).toBe('');
    expect(r.bytes8().equals(Buffer.alloc(255, 1))).toBe(true);
    expect(r.bytes16().toString()).toBe('ab');
    expect(r.bytes32().length).toBe(0);
    expect([...r.fixed(3)]).toEqual([9, 9, 9]);
    r.zeros(2);
    r.done();
  });

  it('writes u128 big-endian, like the storage explicit hash key', () => {
    const buf = Buffer.alloc(16);
    new Writer(buf).u128(1n);
    expect(buf[15]).toBe(1);
    expect(buf.subarray(0, 15).every((b) => b === 0)).toBe(true);
  });

  it('writes integers little-endian', () => {
    const buf = Buffer.alloc(8);
    new Writer(buf).u64(0x0102030405);
    expect([...buf]).toEqual([5, 4, 3, 2, 1, 0, 0, 0]);
  });

  it('rejects u64 and i64 beyond 2^53 - 1 when reading', () => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(2n ** 53n);
    malformed(() => new Reader(b).u64());
    b.writeBigInt64LE(-(2n ** 53n));
    malformed(() => new Reader(b).i64());
    b.writeBigInt64LE(2n ** 63n - 1n);
    malformed(() => new Reader(b).i64());
  });

  it('rejects reads past the end, whatever the length prefix says', () => {
    malformed(() => new Reader(Buffer.alloc(3)).u32());
    malformed(() => new Reader(Buffer.from([5, 1, 2])).str8());
    malformed(() => new Reader(Buffer.from([0xff, 0xff, 1])).bytes16());
    malformed(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).bytes32());
    // A sub-range reader does not see past its end.
    malformed(() => new Reader(Buffer.from([1, 2, 3, 4, 5]), 0, 2).u32());
  });

  it('rejects counts that cannot fit in the bytes left', () => {
    malformed(() => new Reader(Buffer.from([0xff, 0xff, 0, 0])).count16(1));
    const b = Buffer.alloc(4 + 100);
    b.writeUInt32LE(10);
    expect(new Reader(b).count32(10)).toBe(10);
    b.writeUInt32LE(11);
    malformed(() => new Reader(b).count32(10));
    b.writeUInt32LE(0xffffffff);
    malformed(() => new Reader(b).count32(1));
  });

  it('rejects non-zero reserved bytes and trailing bytes', () => {
    malformed(() => new Reader(Buffer.from([0, 1])).zeros(2));
    const r = new Reader(Buffer.from([1, 2]));
    r.u8();
    malformed(() => r.done());
  });

  it('refuses values a field cannot hold when writing', () => {
    const w = () => new Writer(Buffer.alloc(70_000));
    expect(() => w().str8('x'.repeat(256))).toThrow(InvalidArgumentError);
    expect(() => w().str16('x'.repeat(65_536))).toThrow(InvalidArgumentError);
    expect(() => w().bytes8(Buffer.alloc(256))).toThrow(InvalidArgumentError);
    expect(() => w().u64(-1)).toThrow(InvalidArgumentError);
    expect(() => w().u64(2 ** 53)).toThrow(InvalidArgumentError);
    expect(() => w().i64(1.5)).toThrow(InvalidArgumentError);
    expect(() => w().u128(-1n)).toThrow(InvalidArgumentError);
    expect(() => w().u128(1n << 128n)).toThrow(InvalidArgumentError);
    expect(() => w().fixed(Buffer.alloc(31), 32)).toThrow(InvalidArgumentError);
    expect(() => w().u16(65_536)).toThrow(RangeError);
  });

  it('never writes past its buffer', () => {
    expect(() => new Writer(Buffer.alloc(3)).str8('abcd')).toThrow(RangeError);
    expect(() => new Writer(Buffer.alloc(3)).bytes8(Buffer.alloc(4))).toThrow(RangeError);
  });

  it('sizes variable fields in UTF-8 bytes', () => {
    expect(size.str8('é')).toBe(3);
    expect(size.str16('日本')).toBe(8);
    expect(size.bytes32(Buffer.alloc(10))).toBe(14);
  });
});

describe('strings', () => {
  it('reject invalid UTF-8 (overlong, lone surrogate, truncated sequence)', () => {
    for (const hex of ['c0af', 'eda080', 'e282', 'ff']) {
      const bytes = Buffer.from(hex, 'hex');
      malformed(() => new Reader(Buffer.concat([Buffer.from([bytes.length]), bytes])).str8());
    }
    expect(new Reader(Buffer.from([2, 0xc3, 0xa9])).str8()).toBe('é');
  });
});

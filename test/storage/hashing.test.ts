import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { bucketize, groupPacked, md5Keys, ROUTE_MEMO_ENTRY_BYTES } from '../../src/storage/hashing.js';
import { packedRecordSize, writePackedRecord } from '../../src/core/record-pack.js';
import { native } from '../../src/storage/native.js';

test('md5Keys matches node:crypto for ASCII and multi-byte keys', () => {
  const keys = ['user-1', 'ü', '', 'a'.repeat(256), '日本語キー', 'x'];
  const got = md5Keys(keys);
  expect(got.length).toBe(16 * keys.length);
  keys.forEach((k, i) => expect(got.subarray(i * 16, i * 16 + 16)).toEqual(createHash('md5').update(k, 'utf8').digest()));
});

test('bucketize places each hash in the last range starting at or below it', () => {
  const starts = Buffer.alloc(48);
  starts[16] = 0x40; // range 1 starts at 0x40..
  starts[32] = 0x80; // range 2 starts at 0x80..
  const hashes = Buffer.alloc(16 * 4);
  hashes[0] = 0x00;
  hashes[16] = 0x40;
  hashes[32] = 0x7f;
  hashes.fill(0xff, 48);
  expect(Array.from(bucketize(hashes, starts))).toEqual([0, 1, 1, 2]);
});

test('crc32c matches the standard check value', () => {
  expect(native.crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  expect(native.crc32c(Buffer.alloc(0))).toBe(0);
  // 32 bytes of zeros: RFC 3720 test vector.
  expect(native.crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
});

test('groupPacked groups packed records by the range of their MD5 and copies each group out', () => {
  const starts = Buffer.alloc(32);
  starts[16] = 0x80;
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  const range = keys.map((k) => (createHash('md5').update(k).digest()[0]! >= 0x80 ? 1 : 0));
  const payload = Buffer.alloc(keys.length * 18);
  keys.forEach((k, i) => writePackedRecord(payload, i * 18, Buffer.from(String(i)), k, 1));
  const out = Buffer.alloc(payload.length);
  const memo = new Uint8Array(4 * ROUTE_MEMO_ENTRY_BYTES);
  for (let pass = 0; pass < 2; pass++) {
    const g = groupPacked(payload, keys.length, starts, 10, memo, out);
    expect(Array.from(g.rangeOf)).toEqual(range);
    expect(g.groups).toBe(new Set(range).size);
    const first = range[0]!;
    const order = [...keys.keys()].filter((i) => range[i] === first).concat([...keys.keys()].filter((i) => range[i] !== first));
    expect(out).toEqual(Buffer.concat(order.map((i) => payload.subarray(i * 18, i * 18 + 18))));
    expect(g.parts[1]).toBe(range.filter((r) => r === first).length);
    expect(g.parts[2]).toBe(18 * g.parts[1]!);
    expect(g.parts[3]).toBe(g.parts[1]);
  }
});

test('the routing memo is always right, under collisions, evictions and a one-entry memo, and keeps most keys of a hot set', () => {
  const starts = Buffer.alloc(64);
  for (let i = 1; i < 4; i++) starts[i * 16] = i * 64;
  const keys = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
  const payload = Buffer.alloc(keys.reduce((n, k) => n + packedRecordSize(k.length, 2, false), 0));
  keys.reduce((at, k, i) => writePackedRecord(payload, at, Buffer.from([i & 0xff, i >> 8]), k, k.length), 0);
  const want = keys.map((k) => createHash('md5').update(k).digest()[0]! >> 6);
  for (const entries of [1, 2, 64, 4096]) {
    const memo = new Uint8Array(entries * ROUTE_MEMO_ENTRY_BYTES);
    let hits = 0;
    for (let pass = 0; pass < 3; pass++) {
      const g = groupPacked(payload, keys.length, starts, 10, memo, Buffer.alloc(0));
      expect(Array.from(g.rangeOf)).toEqual(want);
      expect(g.memoLookups).toBe(keys.length);
      hits = g.memoHits;
    }
    // Two ways per slot: 1,000 keys in 4,096 entries almost all stay (direct-mapped kept ~80%).
    if (entries === 4096) expect(hits).toBeGreaterThan(900);
    if (entries <= 2) expect(hits).toBeLessThan(10);
  }
});

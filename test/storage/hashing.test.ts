import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { bucketize, md5Keys } from '../../src/storage/hashing.js';
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

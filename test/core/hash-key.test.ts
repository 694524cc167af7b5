import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HashKeyRouter,
  MAX_HASH_KEY,
  bytesToHashKey,
  evenRanges,
  hashKeyToBytes,
  parseHashKey,
} from '../../src/core/hash-key.js';

describe('evenRanges', () => {
  it('matches the ranges AWS gives a 4-shard stream', () => {
    const r = evenRanges(4).map((x) => [x.start.toString(), x.end.toString()]);
    expect(r).toEqual([
      ['0', '85070591730234615865843651857942052863'],
      ['85070591730234615865843651857942052864', '170141183460469231731687303715884105727'],
      ['170141183460469231731687303715884105728', '255211775190703847597530955573826158591'],
      ['255211775190703847597530955573826158592', '340282366920938463463374607431768211455'],
    ]);
  });

  it('lets the last shard absorb the remainder (3 shards)', () => {
    const r = evenRanges(3);
    expect(r[0]!.end.toString()).toBe('113427455640312821154458202477256070484');
    expect(r[1]!.start.toString()).toBe('113427455640312821154458202477256070485');
    expect(r[2]!.end).toBe(MAX_HASH_KEY);
  });

  it('tiles the space without gaps', () => {
    for (const n of [1, 2, 7, 100]) {
      const r = evenRanges(n);
      expect(r[0]!.start).toBe(0n);
      expect(r[n - 1]!.end).toBe(MAX_HASH_KEY);
      for (let i = 1; i < n; i++) expect(r[i]!.start).toBe(r[i - 1]!.end + 1n);
    }
  });

  it('rejects non-positive counts', () => {
    expect(() => evenRanges(0)).toThrow(RangeError);
  });
});

describe('parseHashKey', () => {
  it('accepts decimal keys in range only', () => {
    expect(parseHashKey('0')).toBe(0n);
    expect(parseHashKey(MAX_HASH_KEY.toString())).toBe(MAX_HASH_KEY);
    expect(parseHashKey((MAX_HASH_KEY + 1n).toString())).toBeUndefined();
    expect(parseHashKey('01')).toBeUndefined();
    expect(parseHashKey('-1')).toBeUndefined();
    expect(parseHashKey('abc')).toBeUndefined();
  });
});

describe('bytes', () => {
  it('round-trips', () => {
    for (const k of [0n, 1n, 255n, 256n, MAX_HASH_KEY, 123456789012345678901234567890n]) {
      expect(bytesToHashKey(hashKeyToBytes(k))).toBe(k);
    }
  });
});

describe('HashKeyRouter', () => {
  it('routes MD5 digests to the shard whose range holds them', () => {
    const ranges = evenRanges(7);
    const router = new HashKeyRouter(ranges.map((r) => r.start));
    for (let i = 0; i < 500; i++) {
      const digest = createHash('md5').update(`key-${i}`).digest();
      const key = bytesToHashKey(digest);
      const idx = router.routeBytes(digest);
      expect(ranges[idx]!.start <= key && key <= ranges[idx]!.end).toBe(true);
    }
  });

  it('routes boundaries exactly', () => {
    const ranges = evenRanges(4);
    const router = new HashKeyRouter(ranges.map((r) => r.start));
    expect(router.route(0n)).toBe(0);
    expect(router.route(ranges[1]!.start - 1n)).toBe(0);
    expect(router.route(ranges[1]!.start)).toBe(1);
    expect(router.route(MAX_HASH_KEY)).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { RouteCache } from '../../src/streams/route-cache.js';

describe('RouteCache', () => {
  it('remembers slots', () => {
    const c = new RouteCache();
    expect(c.get('a')).toBe(-1);
    c.set('a', 3);
    expect(c.get('a')).toBe(3);
  });

  it('stands aside when keys do not repeat, so unique keys cost no inserts', () => {
    const c = new RouteCache();
    for (let i = 0; i < 70_000; i++) {
      if (c.get(`unique-${i}`) < 0) c.set(`unique-${i}`, 0);
    }
    c.set('again', 1);
    expect(c.get('again')).toBe(-1);
  });

  it('hands out an empty packed memo while the memo misses, and the memo again afterwards', () => {
    const c = new RouteCache();
    const memo = c.memoFor(1000);
    expect(memo.byteLength).toBeGreaterThan(0);
    c.notePacked(70_000, 100);
    expect(c.memoFor(1000).byteLength).toBe(0);
    for (let n = 0; n < 1_048_576; n += 1000) c.memoFor(1000);
    expect(c.memoFor(1000)).toBe(memo);
    c.notePacked(70_000, 60_000);
    expect(c.memoFor(1000)).toBe(memo);
  });
});

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
});

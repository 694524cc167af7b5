import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/streams/buffer-pool.js';

describe('BufferPool', () => {
  it('reuses a released buffer that fits, and allocates otherwise', () => {
    const pool = new BufferPool();
    const a = pool.acquire(1000);
    expect(a.length).toBeGreaterThanOrEqual(1000);
    expect(pool.acquire(1000)).not.toBe(a);
    pool.release(a);
    expect(pool.acquire(500)).toBe(a);
    pool.release(a);
    // Too small for this one: a new buffer, and `a` stays for later.
    const big = pool.acquire(a.length + 1);
    expect(big).not.toBe(a);
    expect(pool.acquire(10)).toBe(a);
  });

  it('keeps a bounded number of idle buffers', () => {
    const pool = new BufferPool(1);
    const a = pool.acquire(10);
    const b = pool.acquire(10);
    pool.release(a);
    pool.release(b);
    expect(pool.acquire(10)).toBe(a);
    expect(pool.acquire(10)).not.toBe(b);
  });
});

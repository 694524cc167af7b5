import { describe, expect, it } from 'vitest';
import { BufferPool, capacityFor } from '../../src/core/buffer-pool.js';

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

  it('hands a buffer given back twice out only once', () => {
    const pool = new BufferPool();
    const a = pool.acquire(1000);
    pool.release(a);
    pool.release(a);
    expect(pool.idle.buffers).toBe(1);
    expect(pool.acquire(1000)).toBe(a);
    expect(pool.acquire(1000)).not.toBe(a);
    // Back in use, it can be given back again.
    pool.release(a);
    expect(pool.acquire(1000)).toBe(a);
  });

  it('keeps a bounded number of idle buffers and bytes', () => {
    const pool = new BufferPool({ maxBuffers: 1 });
    const a = pool.acquire(10);
    const b = pool.acquire(10);
    pool.release(a);
    pool.release(b);
    expect(pool.acquire(10)).toBe(a);
    expect(pool.acquire(10)).not.toBe(b);

    const bytes = new BufferPool({ maxBytes: 3 * 64 * 1024 });
    const held = [bytes.acquire(64 * 1024), bytes.acquire(64 * 1024), bytes.acquire(128 * 1024)];
    for (const h of held) bytes.release(h);
    expect(bytes.idle).toEqual({ buffers: 2, bytes: 128 * 1024 });
  });

  it('sizes buffers in eight classes per doubling, never less than asked', () => {
    expect(capacityFor(1)).toBe(64 * 1024);
    expect(capacityFor(64 * 1024)).toBe(64 * 1024);
    expect(capacityFor(64 * 1024 + 1)).toBe(72 * 1024);
    // A batch of 1,000 records of 1 KiB: 1.125 MiB, not 2 MiB.
    expect(capacityFor(1_050_000)).toBe(1.125 * 1024 * 1024);
    expect(capacityFor(2 * 1024 * 1024)).toBe(2 * 1024 * 1024);
    for (let size = 1; size < 64 * 1024 * 1024; size = Math.ceil(size * 1.37) + 11) {
      const c = capacityFor(size);
      expect(c).toBeGreaterThanOrEqual(size);
      if (size > 64 * 1024) expect(c / size).toBeLessThanOrEqual(1.125 + 1e-9);
    }
  });

  it('drops buffers that stayed idle through a whole period, and keeps those in use', () => {
    let now = 0;
    const pool = new BufferPool({ decayMs: 1000, now: () => now });
    const bufs = Array.from({ length: 4 }, () => pool.acquire(1000));
    for (const b of bufs) pool.release(b);
    // The first period began with the pool empty: nothing in it was idle all along.
    now = 1000;
    pool.release(pool.acquire(1000));
    expect(pool.idle.buffers).toBe(4);
    // The second: one buffer at a time in use, three idle throughout; those go at its end.
    now = 1500;
    const held = pool.acquire(1000);
    now = 2000;
    pool.release(held);
    expect(pool.idle.buffers).toBe(1);
    // A busy period keeps what it used.
    now = 2100;
    const busy = [pool.acquire(1000), pool.acquire(1000), pool.acquire(1000)];
    for (const b of busy) pool.release(b);
    now = 3000;
    pool.release(pool.acquire(1000));
    expect(pool.idle.buffers).toBe(3);
    // Then one is taken and never returned, and the idle ones go.
    now = 5000;
    pool.acquire(1000);
    now = 7000;
    pool.acquire(1000);
    expect(pool.idle.buffers).toBe(0);
  });
});

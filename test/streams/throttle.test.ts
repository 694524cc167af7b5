import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { AWS_SHARD_LIMITS, MiB, ShardThrottle, TokenBucket } from '../../src/streams/throttle.js';

describe('TokenBucket', () => {
  it('refills continuously up to its capacity', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(10, 10, clock);
    expect(b.tryTake(10)).toBe(true);
    expect(b.tryTake(1)).toBe(false);
    clock.advance(100);
    expect(b.tryTake(1)).toBe(true);
    expect(b.tryTake(1)).toBe(false);
    clock.advance(60_000);
    expect(b.tryTake(10)).toBe(true);
    expect(b.tryTake(1)).toBe(false);
  });

  it('lets a request larger than the bucket through when full, leaving debt', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(10, 10, clock);
    expect(b.tryTake(9)).toBe(true);
    expect(b.tryTake(25)).toBe(false);
    clock.advance(900);
    expect(b.tryTake(25)).toBe(true);
    clock.advance(1000);
    expect(b.tryTake(1)).toBe(false);
    clock.advance(1600);
    expect(b.tryTake(1)).toBe(true);
  });
});

describe('ShardThrottle', () => {
  it('admits 1,000 records per second per shard', () => {
    const clock = new ManualClock();
    const t = new ShardThrottle(AWS_SHARD_LIMITS, clock);
    let n = 0;
    while (t.admitWrite(10)) n++;
    expect(n).toBe(1000);
    clock.advance(1000);
    expect(t.admitWrite(10)).toBe(true);
  });

  it('admits 1 MiB per second per shard and does not take a record slot for a refused record', () => {
    const clock = new ManualClock();
    const t = new ShardThrottle(AWS_SHARD_LIMITS, clock);
    expect(t.admitWrite(MiB)).toBe(true);
    expect(t.admitWrite(1)).toBe(false);
    clock.advance(500);
    expect(t.admitWrite(MiB / 2)).toBe(true);
  });

  it('admits 5 reads per second and throttles after an overdraft until repaid', () => {
    const clock = new ManualClock();
    const t = new ShardThrottle(AWS_SHARD_LIMITS, clock);
    for (let i = 0; i < 5; i++) expect(t.admitRead()).toBe(true);
    expect(t.admitRead()).toBe(false);
    clock.advance(1000);
    expect(t.admitRead()).toBe(true);
    t.chargeRead(10 * MiB);
    clock.advance(1000);
    expect(t.admitRead()).toBe(false);
    clock.advance(4000);
    expect(t.admitRead()).toBe(true);
  });
});

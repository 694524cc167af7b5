// The TCP face's limits: defaults, and typed errors for values that would break a bound.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { DEFAULT_LIMITS, resolveLimits } from '../../../src/server/tcp/options.js';

describe('resolveLimits', () => {
  it('fills in the defaults', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxInFlight: 8 })).toEqual({ ...DEFAULT_LIMITS, maxInFlight: 8 });
  });

  it('refuses values outside their range', () => {
    for (const bad of [{ maxFrameBytes: 100 }, { maxInFlight: 0 }, { maxBufferedBytes: 1000 }, { maxConnections: 1.5 }, { idleTimeoutMs: -1 }]) {
      expect(() => resolveLimits(bad)).toThrow(InvalidArgumentError);
    }
  });
});

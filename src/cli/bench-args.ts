// Commander argument parsers shared by `bench` and `load`: each rejects a bad value with
// commander's InvalidArgumentError naming the option and what it accepts.
import { InvalidArgumentError } from 'commander';

export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}, got "${value}"`);
    }
    return n;
  };
}

/** Sizes with an optional unit: 100, 1k, 1KiB, 4m (powers of 1024). */
export function bytes(name: string, min: number, max: number) {
  return (value: string): number => {
    const m = /^(\d+)\s*(k|kb|kib|m|mb|mib)?$/i.exec(value.trim());
    const n = m ? Number(m[1]) * (m[2] ? (m[2][0]!.toLowerCase() === 'k' ? 1024 : 1024 * 1024) : 1) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a size in bytes in [${min}, ${max}] (e.g. 100, 1KiB), got "${value}"`);
    return n;
  };
}

/** A positive duration in seconds (fractions allowed), returned in milliseconds. */
export function secondsToMs(name: string, allowZero = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new InvalidArgumentError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds, got "${value}"`);
    return Math.round(n * 1000);
  };
}

export function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

export function choice<T extends string>(name: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}, got "${value}"`);
    return value as T;
  };
}

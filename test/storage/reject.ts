import { expect } from 'vitest';

/** Asserts that the promise (or function) fails with a typed error of `code`; returns the error. */
export async function rejectsWith(p: Promise<unknown> | (() => unknown), code: string): Promise<unknown> {
  let thrown: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${code}`).toBeDefined();
  expect((thrown as { code?: string }).code, String(thrown)).toBe(code);
  return thrown;
}

// Opens a Millrace on a fresh temp directory for one test; closed afterwards.
import { afterEach } from 'vitest';
import { Millrace, type MillraceOptions } from '../../../src/millrace.js';
import { tempDir } from '../../helpers/tmp.js';

const open: Millrace[] = [];

export async function openMillrace(options: MillraceOptions = {}): Promise<Millrace> {
  const mr = await Millrace.open({ dataDir: tempDir(), retentionIntervalMs: 0, log: { durability: 'never' }, ...options });
  open.push(mr);
  return mr;
}

afterEach(async () => {
  for (const mr of open.splice(0)) await mr.close();
});

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

/** Rejection as { name, message } for concise assertions. */
export async function failure(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error;
    return { name: err.name, message: err.message };
  }
  throw new Error('expected the call to fail');
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

const dirs: string[] = [];
const fileDirs: string[] = [];

function fresh(prefix: string, into: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  into.push(dir);
  return dir;
}

function removeAll(list: string[]): void {
  for (const d of list.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh directory under the OS temp dir, removed after the test. */
export function tempDir(prefix = 'millrace-'): string {
  return fresh(prefix, dirs);
}

/**
 * A fresh directory for a whole test file (a server that beforeAll starts), removed after the
 * file's other afterAll hooks (vitest runs them last-registered first) have stopped what writes
 * there. A tempDir() would be removed under the running server after the first test.
 */
export function fileTempDir(prefix = 'millrace-'): string {
  return fresh(prefix, fileDirs);
}

afterEach(() => removeAll(dirs));
afterAll(() => removeAll(fileDirs));

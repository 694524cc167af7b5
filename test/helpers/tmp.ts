import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

const dirs: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test. */
export function tempDir(prefix = 'millrace-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fileDirs: string[] = [];

/**
 * A fresh directory for a whole test file (a server that beforeAll starts), removed after the
 * file's other afterAll hooks (vitest runs them last-registered first) have stopped what writes
 * there. A tempDir() would be removed under the running server after the first test.
 */
export function fileTempDir(prefix = 'millrace-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  fileDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of fileDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

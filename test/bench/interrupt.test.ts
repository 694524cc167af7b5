// Ctrl-C during `millrace bench`: the run ends early, cleans up, and still reports what it measured.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/bench/children.js';

it('a SIGINT ends a 60 s bench early with a summary marked interrupted', async () => {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'), 'bench', '--face', 'fast', '--duration', '60', '--warmup', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(stdout).toContain('INTERRUPTED');
  expect(stdout).toMatch(/put +[\d.]+ [kM]?records\/s/);
}, 30_000);

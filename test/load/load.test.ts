// Short `millrace load` runs: client processes against a `millrace serve` child on 127.0.0.1,
// then the read-back check. Runs the built CLI (npx tsc -p tsconfig.build.json first).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliError } from '../bench/cli-error.js';
import { PACKAGE_ROOT } from '../../src/bench/children.js';
import { resolveLoadOptions } from '../../src/load/options.js';
import { runLoad } from '../../src/load/run.js';
import { registerLoad } from '../../src/cli/load.js';

const cli = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');

describe('millrace load', () => {
  it.each([
    [['--clients', '0'], '--clients must be an integer in [1, 64], got "0"'],
    [['--duration', '-5'], '--duration must be a positive number of seconds'],
    [['--batch-max', '501'], '--batch-max must be an integer in [1, 500]'],
    [['--record-size', '8'], '--record-size must be a size in bytes in [32, 1048576]'],
    [['--protocol', 'carrier-pigeon'], '--protocol must be one of http, tcp, mix'],
    [['--lanes', 'many'], '--lanes must be an integer in [1, 64], got "many"'],
  ])('rejects %j', async (args, message) => {
    expect(await cliError(registerLoad, ['load', ...args])).toContain(message);
  });

  it('a short run: mixed operations from HTTP and TCP client processes, every acknowledged record read back in order', async () => {
    const report = await runLoad(resolveLoadOptions({ clients: 3, lanes: 2, durationMs: 1500, records: 3000, batchMax: 20, sampleMs: 100 }));
    expect(report.parameters.protocol).toBe('mix');
    expect(report.verification).toMatchObject({ ok: true, lost: 0, duplicated: 0, outOfOrder: 0, sequenceMismatch: 0, readsDisagree: 0 });
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.acknowledged).toBeLessThanOrEqual(3000);
    expect(report.verification.acknowledged).toBe(report.acknowledged);
    expect(report.ops.PutRecords).toBeGreaterThan(0);
    expect(report.ops.GetRecords).toBeGreaterThan(0);
    expect(report.server.exitCode).toBe(0);
    expect(report.server.resources.available).toBe(process.platform === 'linux');
    if (process.platform === 'linux') expect(report.server.resources.rssBytesMax).toBeGreaterThan(0);
    expect(report.ok).toBe(true);
  }, 30_000);

  it('fails loudly, exit code 1, when a client drops an acknowledged record (MILLRACE_LOAD_FAULT=drop-one)', () => {
    const run = spawnSync(process.execPath, [cli, 'load', '--clients', '1', '--lanes', '1', '--duration', '1', '--records', '500', '--batch-max', '10'], {
      env: { ...process.env, MILLRACE_LOAD_FAULT: 'drop-one' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/FAILED: lost 1, duplicated 0, out of order 0/);
    expect(run.stdout).toMatch(/lost c0-\d+ \(key c0-l0-k\d+\): acknowledged with sequence number \d+, not in the stream/);
  }, 30_000);
});

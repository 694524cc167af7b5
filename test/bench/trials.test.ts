// `--trials N`: N fresh processes, the median trial reported with every trial's figures beside it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/bench/children.js';
import { validateReport } from '../../src/bench/report-schema.js';
import { trialArgs } from '../../src/bench/trials.js';
import { tempDir } from '../helpers/tmp.js';

describe('millrace bench --trials', () => {
  it('passes every option but its own to the trials', () => {
    expect(trialArgs(['--face', 'fast', '--trials', '3', '--json', 'x.json', '--quiet', '--records=10', '--trials=2', '--json=y'])).toEqual(['--face', 'fast', '--records=10']);
  });

  it('runs each trial in its own process and reports the median trial', () => {
    const json = join(tempDir('millrace-trials-test-'), 'r.json');
    const run = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'), 'bench', '--face', 'fast', '--records', '3000', '--batch-size', '100', '--warmup', '0', '--trials', '3', '--json', json], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const report = validateReport(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.trials).toHaveLength(3);
    expect(report.command).toContain('--trials 3');
    const rates = report.trials!.map((t) => t.producedPerSec!).sort((a, b) => a - b);
    expect(report.result.produced!.recordsPerSec).toBe(rates[1]);
    expect(run.stdout).toContain('trials ');
  }, 60_000);
});

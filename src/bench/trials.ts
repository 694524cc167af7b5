// `millrace bench --trials N`: the same bench N times, each in a fresh process (no JIT, heap or
// page-cache state carried from one trial to the next inside the process), reported as the median
// trial with every trial's headline figures beside it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distEntry } from './children.js';
import { validateReport } from './report-schema.js';
import type { BenchReport, TrialSummary } from './report.js';

/** argv after `bench`, without the options the trial runner sets itself. */
export function trialArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--trials' || a === '--json') i++;
    else if (!a.startsWith('--trials=') && !a.startsWith('--json=') && a !== '--quiet') out.push(a);
  }
  return out;
}

function headline(r: BenchReport): number {
  return r.result.produced?.recordsPerSec ?? r.result.consumed?.recordsPerSec ?? 0;
}

function runOne(args: string[], json: string, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [distEntry('cli/main.js'), 'bench', ...args, '--quiet', '--json', json], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`trial failed (exit code ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
    onLine(`trial: ${args.join(' ')}`);
  });
}

export async function runTrials(argv: readonly string[], trials: number, command: string, onLine: (line: string) => void): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-trials-'));
  try {
    const reports: BenchReport[] = [];
    const args = trialArgs(argv);
    for (let i = 0; i < trials; i++) {
      const file = join(dir, `trial-${i}.json`);
      await runOne(args, file, (l) => onLine(`${l}  (${i + 1}/${trials})`));
      reports.push(validateReport(JSON.parse(readFileSync(file, 'utf8')), file));
    }
    const sorted = [...reports].sort((a, b) => headline(a) - headline(b));
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const summaries: TrialSummary[] = reports.map((r) => ({
      producedPerSec: r.result.produced?.recordsPerSec ?? null,
      consumedPerSec: r.result.consumed?.recordsPerSec ?? null,
      p99Ms: (r.result.latency.endToEnd ?? r.result.latency.put)?.p99Ms ?? null,
      baselineRatio: r.baseline ? (r.baseline.ratio.produced ?? r.baseline.ratio.consumed) : null,
      loadAverage: r.machine.loadAverage,
    }));
    return { ...median, command, trials: summaries };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

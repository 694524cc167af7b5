// `millrace bench`: one workload on one face, optionally the same HTTP workload on kinesalite,
// then the summary and the JSON report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openFace } from './faces/open.js';
import type { BenchFace } from './faces/face.js';
import { kinesaliteFace, kinesaliteVersion } from './kinesalite.js';
import type { BenchOptions } from './options.js';
import { progressReporter } from './progress.js';
import { buildReport, ratio, type Baseline, type BenchReport } from './report.js';
import { runWorkload, type BenchResult, type Snapshot } from './run.js';

export interface BenchRunOptions {
  /** The command line, stored in the report. */
  command: string;
  /** Write the report here as JSON. */
  json?: string;
  /** Progress sink; default: the live line on stderr. `false`: none. */
  progress?: ((label: string) => (s: Snapshot) => void) | false;
  /** Ends the run early (and skips a comparison not yet started). */
  signal?: AbortSignal;
}

async function measure(face: BenchFace, o: BenchOptions, run: BenchRunOptions, label: string): Promise<BenchResult> {
  const sink = run.progress === false ? undefined : (run.progress ?? progressReporter)(label);
  try {
    return await runWorkload(face, o, sink, run.signal);
  } finally {
    await face.close();
  }
}

export async function runBench(o: BenchOptions, run: BenchRunOptions): Promise<BenchReport> {
  const result = await measure(await openFace(o), o, run, 'millrace');
  let baseline: Baseline | null = null;
  if (o.compare === 'kinesalite' && !run.signal?.aborted) {
    const version = kinesaliteVersion();
    const theirs = await measure(await kinesaliteFace(), o, run, 'kinesalite');
    baseline = {
      target: 'kinesalite',
      version,
      http: '1.1',
      result: theirs,
      ratio: { produced: ratio(result.produced?.recordsPerSec, theirs.produced?.recordsPerSec), consumed: ratio(result.consumed?.recordsPerSec, theirs.consumed?.recordsPerSec) },
    };
  }
  const report = buildReport(o, result, run.command, baseline);
  if (run.json) writeReport(run.json, report);
  return report;
}

export function writeReport(file: string, report: BenchReport): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

// The fixed shape of `--json` reports: machine, parameters, results, time series, and the baseline
// measured in the same run. `REPORT_FORMAT` changes whenever the shape does; report-schema.ts
// describes it as JSON Schema and `bench report` rejects files that do not match.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { BenchOptions } from './options.js';
import type { BenchResult } from './run.js';

export const REPORT_FORMAT = 'millrace-bench-report/1';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  kernel: string;
  arch: string;
  node: string;
  /** 1-minute load average when the run started: a busy machine makes figures noisy. */
  loadAverage: number;
}

export type ReportParameters = Omit<BenchOptions, 'dataDir' | 'compare' | 'durationMs' | 'records' | 'rate'> & {
  durationMs: number | null;
  records: number | null;
  /** Offered records/s (open loop), null for closed loop. */
  rate: number | null;
  mode: 'closed' | 'open';
};

export interface Baseline {
  target: 'kinesalite';
  version: string;
  /** The baseline's HTTP version (kinesalite speaks only HTTP/1.1). */
  http: '1.1';
  result: BenchResult;
  /** Millrace ÷ baseline, records/s; null where either side did not measure it. */
  ratio: { produced: number | null; consumed: number | null };
}

/** Headline figures of one trial of `--trials N` (the report's result is the median trial's). */
export interface TrialSummary {
  producedPerSec: number | null;
  consumedPerSec: number | null;
  /** p99 of end-to-end latency if measured, else of put latency. */
  p99Ms: number | null;
  /** Millrace ÷ baseline (put, else consume) when compared. */
  baselineRatio: number | null;
  loadAverage: number;
}

export interface BenchReport {
  format: typeof REPORT_FORMAT;
  /** Human label: face, workload and shape. */
  name: string;
  /** The command line that produced it, for RESULTS.md. */
  command: string;
  machine: MachineInfo;
  parameters: ReportParameters;
  result: BenchResult;
  baseline: Baseline | null;
  /** Every trial of `--trials N` (N > 1), in run order; null for a single run. */
  trials: TrialSummary[] | null;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryBytes: os.totalmem(),
    os: os.type(),
    kernel: os.release(),
    arch: process.arch,
    node: process.version,
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

export function runName(o: BenchOptions): string {
  const shape = `${o.recordSize}B×${o.batchSize}`;
  const load = o.rate === undefined ? `closed p${o.producers}` : `open ${o.rate} rec/s`;
  return `${o.face} ${o.workload} ${shape} shards=${o.shards} ${o.workload === 'consume' ? `c${o.consumers}` : load} ${o.durability}`;
}

export function parametersOf(o: BenchOptions): ReportParameters {
  const { dataDir: _d, compare: _c, durationMs, records, rate, ...rest } = o;
  return { ...rest, durationMs: durationMs ?? null, records: records ?? null, rate: rate ?? null, mode: rate === undefined ? 'closed' : 'open' };
}

export function buildReport(o: BenchOptions, result: BenchResult, command: string, baseline: Baseline | null = null): BenchReport {
  return { format: REPORT_FORMAT, name: runName(o), command, machine: machineInfo(), parameters: parametersOf(o), result, baseline, trials: null };
}

export function ratio(ours: number | undefined, theirs: number | undefined): number | null {
  return ours !== undefined && theirs !== undefined && theirs > 0 ? ours / theirs : null;
}

/** Reads and parses a report file; shape checking is the schema's job (validateReport). */
export function readReportFile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

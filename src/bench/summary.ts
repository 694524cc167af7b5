// The human summary printed at the end of a run.
import { ms, si } from './format.js';
import type { Percentiles } from './latency.js';
import type { BenchReport } from './report.js';
import type { BenchResult, Throughput } from './run.js';

function rate(label: string, t: Throughput | null): string[] {
  if (!t) return [];
  return [`  ${label.padEnd(9)} ${si(t.recordsPerSec)}records/s  ${t.mbPerSec.toFixed(1)} MB/s  (${t.records.toLocaleString('en-US')} records in ${t.seconds.toFixed(2)} s)`];
}

function latency(label: string, p: Percentiles | null): string[] {
  if (!p) return [];
  return [`  ${label.padEnd(9)} p50 ${ms(p.p50Ms)}  p90 ${ms(p.p90Ms)}  p99 ${ms(p.p99Ms)}  p99.9 ${ms(p.p999Ms)}  p99.99 ${ms(p.p9999Ms)}  max ${ms(p.maxMs)}  (n=${p.count.toLocaleString('en-US')})`];
}

function resultLines(r: BenchResult): string[] {
  const errors = Object.entries(r.errors);
  return [
    ...(r.interrupted ? ['  INTERRUPTED: the figures cover the run until Ctrl-C'] : []),
    ...rate('put', r.produced),
    ...rate('consume', r.consumed),
    ...latency('put lat', r.latency.put),
    ...latency('e2e lat', r.latency.endToEnd),
    errors.length === 0 ? '  errors    none' : `  errors    ${errors.map(([t, n]) => `${t} ${n}`).join(', ')}`,
  ];
}

export function summary(report: BenchReport): string {
  const m = report.machine;
  const lines = [`${report.name}`, `  machine   ${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.os} ${m.kernel}, Node ${m.node}, load ${m.loadAverage.toFixed(2)}`, ...resultLines(report.result)];
  const b = report.baseline;
  if (b) {
    lines.push(`${b.target} ${b.version} (same workload, HTTP/${b.http})`, ...resultLines(b.result));
    const ratios = [b.ratio.produced !== null ? `put ${b.ratio.produced.toFixed(1)}×` : '', b.ratio.consumed !== null ? `consume ${b.ratio.consumed.toFixed(1)}×` : ''].filter(Boolean);
    lines.push(`  ratio     millrace ÷ ${b.target}: ${ratios.join(', ')}`);
  }
  if (report.trials) {
    const t = report.trials.map((x) => si(x.producedPerSec ?? x.consumedPerSec ?? 0).trim());
    lines.push(`  trials    ${t.join(', ')} records/s, each in a fresh process; the figures above are the median trial's`);
    const ratios = report.trials.map((x) => x.baselineRatio).filter((x): x is number => x !== null);
    if (ratios.length > 0) {
      // The median trial is picked by Millrace's figure, so its ratio is one sample; the median of
      // the trials' own ratios is the steadier comparison.
      const sorted = [...ratios].sort((a, b) => a - b);
      lines.push(`  ratios    ${ratios.map((x) => `${x.toFixed(1)}×`).join(', ')} by trial; median ${sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(1)}×`);
    }
  }
  return lines.join('\n');
}

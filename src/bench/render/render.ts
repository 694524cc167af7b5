// `millrace bench report FILE... --out DIR`: validates each JSON report, then writes DIR/index.html
// (charts and a table of every run, to compare runs by eye) and DIR/bench.svg (the two charts as
// one image). No PNG: the renderers on the registry either ship native platform packages or, as
// WebAssembly, render no text without font files we would have to find on each machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { readReportFile, type BenchReport } from '../report.js';
import { validateReport } from '../report-schema.js';
import type { BenchResult } from '../run.js';
import type { Percentiles } from '../latency.js';
import { lineChart, type ChartSpec, type Series } from './chart.js';
import { htmlPage } from './html.js';

/** Percentile → "nines" (90 → 1, 99 → 2, 99.9 → 3...), HdrHistogram's x axis; 100 (max) → 6. */
const MAX_NINES = 6;
function nines(percentile: number): number {
  return percentile >= 100 ? MAX_NINES : Math.min(MAX_NINES, -Math.log10(1 - percentile / 100));
}
const NINES_TICKS = [
  { x: 0, label: '0' },
  { x: 1, label: '90' },
  { x: 2, label: '99' },
  { x: 3, label: '99.9' },
  { x: 4, label: '99.99' },
  { x: 5, label: '99.999' },
  { x: 6, label: 'max' },
];

export interface LabelledResult {
  label: string;
  result: BenchResult;
}

/** Each report's own result, then its baseline's, labelled for legends. */
export function labelled(reports: Array<{ file: string; report: BenchReport }>): LabelledResult[] {
  const many = reports.length > 1;
  return reports.flatMap(({ file, report }) => {
    const prefix = many ? `${basename(file, '.json')}: ` : '';
    const own = { label: `${prefix}millrace ${report.parameters.face}`, result: report.result };
    return report.baseline ? [own, { label: `${prefix}${report.baseline.target}`, result: report.baseline.result }] : [own];
  });
}

export function throughputChart(runs: LabelledResult[]): ChartSpec {
  const series: Series[] = [];
  for (const { label, result } of runs) {
    const s = result.series;
    if (result.produced) series.push({ label: `${label} put`, points: s.map((p) => [p.tMs / 1000, p.producedPerSec]) });
    if (result.consumed) series.push({ label: `${label} consume`, points: s.map((p) => [p.tMs / 1000, p.consumedPerSec]) });
  }
  return { title: 'Throughput over time', xLabel: 'seconds into the measured phase', yLabel: 'records/s', series, xMin: 0 };
}

export function latencyChart(runs: LabelledResult[]): ChartSpec {
  const series: Series[] = [];
  const curve = (p: Percentiles) => p.curve.map((c): [number, number] => [nines(c.percentile), c.ms]);
  for (const { label, result } of runs) {
    if (result.latency.put) series.push({ label: `${label} put`, points: curve(result.latency.put) });
    if (result.latency.endToEnd) series.push({ label: `${label} end-to-end`, points: curve(result.latency.endToEnd) });
  }
  return { title: 'Latency by percentile', xLabel: 'percentile', yLabel: 'ms (log scale)', series, logY: true, xTicks: NINES_TICKS };
}

export function renderReports(files: string[], outDir: string): string[] {
  if (files.length === 0) throw new InvalidArgumentError('give at least one report file');
  const reports = files.map((file) => {
    let parsed: unknown;
    try {
      parsed = readReportFile(file);
    } catch (cause) {
      throw new InvalidArgumentError(`cannot read ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    return { file, report: validateReport(parsed, file) };
  });
  const runs = labelled(reports);
  const charts = [throughputChart(runs), latencyChart(runs)];
  const svgs = charts.map((c) => lineChart(c));
  const height = 320;
  const image = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="${height * charts.length}" viewBox="0 0 720 ${height * charts.length}">`,
    ...charts.map((c, i) => lineChart(c, 0, i * height)),
    '</svg>',
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  const svgPath = join(outDir, 'bench.svg');
  const htmlPath = join(outDir, 'index.html');
  writeFileSync(svgPath, image);
  writeFileSync(htmlPath, htmlPage(reports, svgs));
  return [htmlPath, svgPath];
}

// The HTML page of `bench report`: the charts inline, then one table per report (parameters,
// machine, throughput, percentiles, errors). Self-contained: no scripts, no external assets.
import { basename } from 'node:path';
import { ms, si } from '../format.js';
import type { Percentiles } from '../latency.js';
import type { BenchReport } from '../report.js';
import type { BenchResult } from '../run.js';
import { escapeXml } from './chart.js';

const esc = escapeXml;

function row(cells: string[], head = false): string {
  const tag = head ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

function latencyRow(label: string, p: Percentiles | null): string {
  if (!p) return '';
  return row([label, ms(p.p50Ms), ms(p.p90Ms), ms(p.p99Ms), ms(p.p999Ms), ms(p.p9999Ms), ms(p.maxMs), p.count.toLocaleString('en-US')].map(esc));
}

function resultTable(title: string, r: BenchResult): string {
  const rates = [
    r.produced ? row(['put', `${si(r.produced.recordsPerSec)}records/s`, `${r.produced.mbPerSec.toFixed(1)} MB/s`, r.produced.records.toLocaleString('en-US')].map(esc)) : '',
    r.consumed ? row(['consume', `${si(r.consumed.recordsPerSec)}records/s`, `${r.consumed.mbPerSec.toFixed(1)} MB/s`, r.consumed.records.toLocaleString('en-US')].map(esc)) : '',
  ].join('');
  const errors = Object.entries(r.errors);
  return [
    `<h3>${esc(title)}</h3>`,
    `<table>${row(['', 'records/s', 'MB/s', 'records'], true)}${rates}</table>`,
    `<table>${row(['latency', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'n'], true)}${latencyRow('put', r.latency.put)}${latencyRow('end-to-end', r.latency.endToEnd)}</table>`,
    `<p>errors: ${errors.length === 0 ? 'none' : esc(errors.map(([t, n]) => `${t} ${n}`).join(', '))}</p>`,
  ].join('\n');
}

function reportSection(file: string, report: BenchReport): string {
  const m = report.machine;
  const params = Object.entries(report.parameters).map(([k, v]) => `${k}=${v}`).join(' ');
  const parts = [
    `<section><h2>${esc(basename(file))}: ${esc(report.name)}</h2>`,
    `<p><code>${esc(report.command)}</code></p>`,
    `<p class="meta">${esc(`${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.os} ${m.kernel} ${m.arch}, Node ${m.node}, load ${m.loadAverage.toFixed(2)}; started ${report.result.startedAt}`)}</p>`,
    `<p class="meta">${esc(params)}</p>`,
    resultTable('millrace', report.result),
  ];
  const b = report.baseline;
  if (b) {
    parts.push(resultTable(`${b.target} ${b.version} (HTTP/${b.http})`, b.result));
    const r = [b.ratio.produced !== null ? `put ${b.ratio.produced.toFixed(1)}×` : '', b.ratio.consumed !== null ? `consume ${b.ratio.consumed.toFixed(1)}×` : ''].filter(Boolean).join(', ');
    parts.push(`<p><strong>millrace ÷ ${esc(b.target)}: ${esc(r)}</strong></p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

export function htmlPage(reports: Array<{ file: string; report: BenchReport }>, svgs: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>millrace bench report</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 1000px; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.meta { color: #555; font-size: 90%; }
.chart { margin: 1em 0; }
</style></head>
<body>
<h1>millrace bench report</h1>
${svgs.map((s) => `<div class="chart">${s}</div>`).join('\n')}
${reports.map(({ file, report }) => reportSection(file, report)).join('\n')}
</body></html>
`;
}

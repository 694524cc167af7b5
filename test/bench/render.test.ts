// `bench report`: JSON reports become an HTML page and an SVG image carrying every series.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench/bench.js';
import { resolveBenchOptions } from '../../src/bench/options.js';
import { renderReports } from '../../src/bench/render/render.js';
import { tempDir } from '../helpers/tmp.js';

async function reportFile(dir: string, name: string, face: 'fast' | 'embedded') {
  const file = join(dir, `${name}.json`);
  await runBench(resolveBenchOptions({ face, workload: 'e2e', durationMs: 600, batchSize: 100, shards: 1, warmupMs: 0, sampleMs: 100 }), { command: `bench ${name}`, json: file, progress: false });
  return file;
}

describe('millrace bench report', () => {
  it('renders two runs as HTML with inline charts and an SVG image with their series', async () => {
    const dir = tempDir('millrace-render-');
    const files = [await reportFile(dir, 'run-a', 'fast'), await reportFile(dir, 'run-b', 'embedded')];
    const [html, svg] = renderReports(files, join(dir, 'out')).map((f) => readFileSync(f, 'utf8'));
    for (const label of ['run-a: millrace fast put', 'run-a: millrace fast consume', 'run-b: millrace embedded put', 'run-a: millrace fast end-to-end', 'run-b: millrace embedded end-to-end']) {
      expect(svg).toContain(`data-label="${label}"`);
      expect(html).toContain(`data-label="${label}"`);
    }
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('Throughput over time');
    expect(svg).toContain('Latency by percentile');
    // A throughput polyline has one point per sample of its run.
    const report = JSON.parse(readFileSync(files[0]!, 'utf8'));
    const points = /data-label="run-a: millrace fast put"[^>]*points="([^"]*)"/.exec(svg)![1]!.split(' ');
    expect(points).toHaveLength(report.result.series.length);
    expect(html).toContain('<code>bench run-a</code>');
    expect(html).toContain('p99.99');
  });

  it('rejects a file that is not a bench report, naming it', () => {
    const dir = tempDir('millrace-render-');
    const bad = join(dir, 'not-a-report.json');
    writeFileSync(bad, JSON.stringify({ hello: 'world' }));
    expect(() => renderReports([bad], dir)).toThrow(/not-a-report\.json is not a millrace-bench-report\/1 report/);
    writeFileSync(bad, '{ truncated');
    expect(() => renderReports([bad], dir)).toThrow(/cannot read .*not-a-report\.json/);
  });
});

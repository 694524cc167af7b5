// The report's JSON Schema: real reports match it, and reports that drift from it are rejected
// with the path of what is wrong.
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { runBench } from '../../src/bench/bench.js';
import { resolveBenchOptions } from '../../src/bench/options.js';
import { reportSchema, validateReport } from '../../src/bench/report-schema.js';
import { REPORT_FORMAT, type BenchReport } from '../../src/bench/report.js';
import { InvalidArgumentError } from '../../src/errors.js';

const o = resolveBenchOptions({ face: 'fast', workload: 'e2e', records: 2000, batchSize: 100, shards: 1, warmupMs: 0, sampleMs: 50 });
const report: BenchReport = JSON.parse(JSON.stringify(await runBench(o, { command: 'millrace bench --face fast', progress: false })));

describe('bench report schema', () => {
  it('is itself a valid draft-07 schema under strict mode', () => {
    expect(() => new Ajv({ strict: true, validateFormats: false }).compile(reportSchema)).not.toThrow();
  });

  it('accepts a report the bench wrote, with machine, parameters, percentiles and series', () => {
    expect(validateReport(report)).toBe(report);
    expect(report.format).toBe(REPORT_FORMAT);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.result.latency.endToEnd!.curve.at(-1)!.percentile).toBe(100);
  });

  it.each([
    ['a missing section', (r: any) => delete r.machine, "must have required property 'machine'"],
    ['a wrong type', (r: any) => (r.result.produced.recordsPerSec = 'fast'), '/result/produced/recordsPerSec must be number'],
    ['an unknown field', (r: any) => (r.parameters.turbo = true), 'must NOT have additional properties'],
    ['another format', (r: any) => (r.format = 'millrace-bench-report/0'), '/format must be equal to constant'],
    ['a bad enum', (r: any) => (r.parameters.face = 'carrier-pigeon'), '/parameters/face must be equal to one of the allowed values'],
  ])('rejects %s', (_what, mutate, message) => {
    const bad = structuredClone(report);
    mutate(bad);
    expect(() => validateReport(bad, 'bad.json')).toThrow(InvalidArgumentError);
    expect(() => validateReport(bad, 'bad.json')).toThrow(message);
  });
});

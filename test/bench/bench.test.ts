// Short bench runs on each face with tiny settings: they complete, count what they sent and read,
// measure latency, and write a report that matches the schema. Speed is not asserted here.
// The HTTP runs start `millrace serve` from dist/: build first (npx tsc -p tsconfig.build.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench/bench.js';
import { resolveBenchOptions, type BenchOptions } from '../../src/bench/options.js';
import { validateReport } from '../../src/bench/report-schema.js';
import { tempDir } from '../helpers/tmp.js';

const tiny: Partial<BenchOptions> = { recordSize: 64, batchSize: 100, shards: 2, warmupMs: 0, sampleMs: 100, drainMs: 5000 };

async function bench(o: Partial<BenchOptions>) {
  const json = join(tempDir('millrace-bench-test-'), 'report.json');
  const report = await runBench(resolveBenchOptions({ ...tiny, ...o }), { command: 'test', json, progress: false });
  // What was written is what was returned, and it matches the schema.
  expect(validateReport(JSON.parse(readFileSync(json, 'utf8')))).toEqual(JSON.parse(JSON.stringify(report)));
  return report;
}

describe('millrace bench', () => {
  it('embedded produce, count-bounded: every record is acknowledged and timed', async () => {
    const { result } = await bench({ face: 'embedded', records: 5000, producers: 2 });
    expect(result.produced!.records).toBe(5000);
    expect(result.consumed).toBeNull();
    expect(result.latency.put!.count).toBe(50);
    expect(result.errors).toEqual({});
  });

  it('fast e2e, closed loop: consumers read back everything produced, with end-to-end latency', async () => {
    const { result } = await bench({ face: 'fast', workload: 'e2e', records: 20_000, batchSize: 1000 });
    expect(result.produced!.records).toBe(20_000);
    expect(result.consumed!.records).toBe(20_000);
    expect(result.latency.endToEnd!.count).toBe(20_000);
    expect(result.errors).toEqual({});
  });

  it('embedded consume: reads a prefilled LZ4-compressed stream back', async () => {
    const { result, parameters } = await bench({ face: 'embedded', workload: 'consume', records: 10_000, consumers: 2, compression: 'lz4' });
    expect(parameters.compression).toBe('lz4');
    expect(result.produced).toBeNull();
    expect(result.consumed!.records).toBe(10_000);
    expect(result.errors).toEqual({});
  });

  it('embedded e2e, open loop: holds the offered rate for the duration and samples a time series', async () => {
    const { result, parameters } = await bench({ face: 'embedded', workload: 'e2e', durationMs: 1000, rate: 20_000 });
    expect(parameters.mode).toBe('open');
    // 1 s at 20,000 records/s in batches of 100: the schedule has 200 slots, all sent.
    expect(result.produced!.records).toBeGreaterThanOrEqual(19_800);
    expect(result.produced!.records).toBeLessThanOrEqual(20_000);
    expect(result.consumed!.records).toBe(result.produced!.records);
    expect(result.series.length).toBeGreaterThanOrEqual(5);
    expect(result.latency.endToEnd!.p50Ms).toBeGreaterThan(0);
  });

  it('http through @aws-sdk/client-kinesis against millrace serve, compared with kinesalite', async () => {
    const report = await bench({ face: 'http', http: '1.1', records: 2000, producers: 2, compare: 'kinesalite' });
    expect(report.result.produced!.records).toBe(2000);
    expect(report.baseline!.target).toBe('kinesalite');
    expect(report.baseline!.result.produced!.records).toBe(2000);
    expect(report.baseline!.ratio.produced).toBeGreaterThan(0);
  }, 60_000);

  it('http e2e over the SDK default HTTP/2 handler, on an LZ4-compressed, KMS-encrypted stream', async () => {
    const { result, parameters } = await bench({ face: 'http', workload: 'e2e', records: 2000, encryption: 'kms', compression: 'lz4' });
    expect(parameters.http).toBe('2');
    expect(result.consumed!.records).toBe(2000);
    expect(result.errors).toEqual({});
  }, 60_000);
});

describe('millrace bench, TCP face', () => {
  it('produces and consumes through the millrace client against millrace serve', async () => {
    const { result } = await bench({ face: 'tcp', workload: 'e2e', records: 20_000, batchSize: 1000, consumers: 2 });
    expect(result.produced!.records).toBe(20_000);
    expect(result.consumed!.records).toBe(20_000);
    expect(result.latency.endToEnd!.count).toBe(20_000);
    expect(result.errors).toEqual({});
  }, 60_000);
});

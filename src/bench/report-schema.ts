// JSON Schema (draft-07) of the bench report (report.ts), and its validator. `bench report`
// validates every file it reads with it, and the tests validate the reports the bench writes, so a
// change to the report shape that is not made here fails both.
import { Ajv, type ValidateFunction } from 'ajv';
import { InvalidArgumentError } from '../errors.js';
import { COMPRESSIONS, DURABILITIES, ENCRYPTIONS, FACES, HTTP_VERSIONS, WORKLOADS } from './options.js';
import { REPORT_FORMAT, type BenchReport } from './report.js';

const num = { type: 'number', minimum: 0 } as const;
const int = { type: 'integer', minimum: 0 } as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const object = (properties: Record<string, object>) => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties });

const throughput = object({ records: int, bytes: int, seconds: num, recordsPerSec: num, mbPerSec: num });
const percentiles = object({
  count: int,
  minMs: num,
  meanMs: num,
  p50Ms: num,
  p90Ms: num,
  p99Ms: num,
  p999Ms: num,
  p9999Ms: num,
  maxMs: num,
  curve: { type: 'array', minItems: 1, items: object({ percentile: { type: 'number', minimum: 0, maximum: 100 }, ms: num }) },
});
const seriesPoint = object({ tMs: { type: 'number' }, producedPerSec: num, producedMBPerSec: num, consumedPerSec: num, consumedMBPerSec: num, p99Ms: nullable(num) });
const result = object({
  startedAt: { type: 'string', format: 'date-time' },
  measuredMs: num,
  interrupted: { type: 'boolean' },
  produced: nullable(throughput),
  consumed: nullable(throughput),
  latency: object({ put: nullable(percentiles), endToEnd: nullable(percentiles) }),
  errors: { type: 'object', additionalProperties: int },
  series: { type: 'array', items: seriesPoint },
});

export const reportSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://millrace.dev/schemas/bench-report-1.json',
  title: 'millrace bench report',
  ...object({
    format: { const: REPORT_FORMAT },
    name: { type: 'string' },
    command: { type: 'string' },
    machine: object({ cpuModel: { type: 'string' }, cores: { type: 'integer', minimum: 1 }, memoryBytes: int, os: { type: 'string' }, kernel: { type: 'string' }, arch: { type: 'string' }, node: { type: 'string' }, loadAverage: num }),
    parameters: object({
      face: { enum: [...FACES] },
      workload: { enum: [...WORKLOADS] },
      recordSize: { type: 'integer', minimum: 1 },
      batchSize: { type: 'integer', minimum: 1 },
      shards: { type: 'integer', minimum: 1 },
      producers: int,
      consumers: int,
      partitionKeys: { type: 'integer', minimum: 1 },
      compression: { enum: [...COMPRESSIONS] },
      encryption: { enum: [...ENCRYPTIONS] },
      durability: { enum: [...DURABILITIES] },
      durationMs: nullable(num),
      records: nullable(int),
      warmupMs: num,
      rate: nullable(num),
      sampleMs: num,
      http: { enum: [...HTTP_VERSIONS] },
      drainMs: num,
      mode: { enum: ['closed', 'open'] },
    }),
    result,
    baseline: nullable(
      object({
        target: { const: 'kinesalite' },
        version: { type: 'string' },
        http: { const: '1.1' },
        result,
        ratio: object({ produced: nullable(num), consumed: nullable(num) }),
      }),
    ),
    trials: nullable({
      type: 'array',
      minItems: 1,
      items: object({ producedPerSec: nullable(num), consumedPerSec: nullable(num), p99Ms: nullable(num), baselineRatio: nullable(num), loadAverage: num }),
    }),
  }),
} as const;

let validator: ValidateFunction | undefined;

/** Checks `value` against the schema; throws InvalidArgumentError listing what does not match. */
export function validateReport(value: unknown, source = 'report'): BenchReport {
  validator ??= new Ajv({ allErrors: true, strict: true, validateFormats: false }).compile(reportSchema);
  if (validator(value)) return value as BenchReport;
  const problems = (validator.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new InvalidArgumentError(`${source} is not a ${REPORT_FORMAT} report: ${problems.join('; ')}`);
}

// Parameters of one `millrace bench` run: their defaults and the checks of how they combine. Each
// value is range-checked where the CLI parses it (src/cli/bench-options.ts); this file checks the
// combinations (a consumer-only run needs a record count, PutRecords takes at most 500 records...)
// and throws InvalidArgumentError with the option's name, so the CLI and library callers get the
// same messages.
import { InvalidArgumentError } from '../errors.js';
import type { Durability } from '../storage/types.js';

export const FACES = ['embedded', 'fast', 'http', 'tcp'] as const;
export type FaceName = (typeof FACES)[number];
export const WORKLOADS = ['produce', 'consume', 'e2e'] as const;
export type Workload = (typeof WORKLOADS)[number];
/** At rest, per stream (the `millrace:compression` tag at CreateStream). */
export const COMPRESSIONS = ['none', 'lz4'] as const;
export type Compression = (typeof COMPRESSIONS)[number];
/** `kms`: StartStreamEncryption with the AWS-managed key, the way a Kinesis user turns it on. */
export const ENCRYPTIONS = ['none', 'kms'] as const;
export type Encryption = (typeof ENCRYPTIONS)[number];
export const DURABILITIES = ['always', 'interval', 'never'] as const satisfies readonly Durability[];
export const HTTP_VERSIONS = ['1.1', '2'] as const;
export type HttpVersion = (typeof HTTP_VERSIONS)[number];
export const COMPARE_TARGETS = ['kinesalite'] as const;
export type CompareTarget = (typeof COMPARE_TARGETS)[number];

/** PutRecords' per-request cap, which the AWS-shaped faces share. */
export const MAX_AWS_BATCH = 500;
/** The fast path and the TCP protocol take bigger batches; past this a batch stops paying off. */
export const MAX_FAST_BATCH = 10_000;
export const MAX_RECORD_SIZE = 1024 * 1024;
/** End-to-end latency needs the send time inside each record: a float64. */
export const TIMESTAMP_BYTES = 8;

export interface BenchOptions {
  face: FaceName;
  workload: Workload;
  /** Bytes of data per record. */
  recordSize: number;
  /** Records per put call. */
  batchSize: number;
  shards: number;
  /** Concurrent producer loops: each has one request in flight (closed loop) or its share of the rate (open loop). */
  producers: number;
  /** Concurrent consumer loops; shards are dealt out among them. */
  consumers: number;
  /** Distinct partition keys the producers cycle through. */
  partitionKeys: number;
  compression: Compression;
  encryption: Encryption;
  durability: Durability;
  /** Measured time (after warm-up), unless `records` is set. */
  durationMs: number | undefined;
  /** Records to measure (produce/e2e) or to prefill and read back (consume), instead of a duration. */
  records: number | undefined;
  warmupMs: number;
  /** Open loop: records/s offered in total, on a fixed schedule. Undefined: closed loop. */
  rate: number | undefined;
  /** Time-series sampling period. */
  sampleMs: number;
  /** HTTP face: the SDK's default HTTP/2 handler or its HTTP/1.1 one. */
  http: HttpVersion;
  /** Also run the HTTP workload against this and report the ratio. */
  compare: CompareTarget | undefined;
  /** Data directory of the embedded engine or the server (default: a fresh temporary one). */
  dataDir: string | undefined;
  /** How long consumers may lag once producers stop before the records left count as not consumed. */
  drainMs: number;
}

export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_CONSUME_RECORDS = 200_000;

/** Fills defaults that depend on other options, then checks how the options combine. */
export function resolveBenchOptions(input: Partial<BenchOptions>): BenchOptions {
  const workload = input.workload ?? 'produce';
  const face = input.face ?? 'embedded';
  const o: BenchOptions = {
    face,
    workload,
    recordSize: input.recordSize ?? 100,
    batchSize: input.batchSize ?? (face === 'fast' || face === 'tcp' ? 1000 : MAX_AWS_BATCH),
    shards: input.shards ?? 4,
    producers: input.producers ?? (workload === 'consume' ? 0 : 1),
    consumers: input.consumers ?? (workload === 'produce' ? 0 : 1),
    partitionKeys: input.partitionKeys ?? 1000,
    compression: input.compression ?? 'none',
    encryption: input.encryption ?? 'none',
    durability: input.durability ?? 'never',
    durationMs: input.durationMs,
    records: input.records,
    warmupMs: input.warmupMs ?? (workload === 'consume' ? 0 : 1000),
    rate: input.rate,
    sampleMs: input.sampleMs ?? 1000,
    http: input.http ?? '2',
    compare: input.compare,
    dataDir: input.dataDir,
    drainMs: input.drainMs ?? 5000,
  };
  if (o.durationMs === undefined && o.records === undefined) {
    if (workload === 'consume') o.records = DEFAULT_CONSUME_RECORDS;
    else o.durationMs = DEFAULT_DURATION_MS;
  }
  check(o);
  return o;
}

function fail(message: string): never {
  throw new InvalidArgumentError(message);
}

function check(o: BenchOptions): void {
  for (const [name, value, min] of [
    ['--record-size', o.recordSize, 1],
    ['--batch-size', o.batchSize, 1],
    ['--shards', o.shards, 1],
    ['--producers', o.producers, 0],
    ['--consumers', o.consumers, 0],
    ['--partition-keys', o.partitionKeys, 1],
    ['--warmup', o.warmupMs, 0],
    ['--sample', o.sampleMs, 10],
    ['--drain', o.drainMs, 0],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min) fail(`${name} must be an integer >= ${min}, got ${value}`);
  }
  if (o.recordSize > MAX_RECORD_SIZE) fail(`--record-size must be at most ${MAX_RECORD_SIZE} bytes (1 MiB, Kinesis' record limit), got ${o.recordSize}`);
  const maxBatch = o.face === 'fast' || o.face === 'tcp' ? MAX_FAST_BATCH : MAX_AWS_BATCH;
  if (o.batchSize > maxBatch) fail(`--batch-size must be at most ${maxBatch} on the ${o.face} face, got ${o.batchSize}`);
  if (o.recordSize * o.batchSize > 10 * 1024 * 1024) fail(`--record-size × --batch-size must be at most 10 MiB per request, got ${o.recordSize * o.batchSize} bytes`);
  if (o.durationMs !== undefined && o.records !== undefined) fail('give --duration or --records, not both');
  if (o.durationMs !== undefined && (!Number.isFinite(o.durationMs) || o.durationMs <= 0)) fail(`--duration must be a positive number of seconds`);
  if (o.records !== undefined && (!Number.isSafeInteger(o.records) || o.records < 1)) fail(`--records must be an integer >= 1, got ${o.records}`);
  if (o.workload === 'consume') {
    if (o.records === undefined) fail('the consume workload reads back a prefilled stream: give --records (how many to prefill), not --duration');
    if (o.producers !== 0) fail('the consume workload has no producers: leave out --producers');
    if (o.rate !== undefined) fail('--rate applies to producers: the consume workload reads as fast as it can');
  } else if (o.producers < 1) fail(`the ${o.workload} workload needs --producers >= 1`);
  if (o.workload === 'produce' && o.consumers !== 0) fail('the produce workload has no consumers: use --workload e2e to consume while producing');
  if (o.workload !== 'produce') {
    if (o.consumers < 1) fail(`the ${o.workload} workload needs --consumers >= 1`);
    if (o.consumers > o.shards) fail(`--consumers (${o.consumers}) must be at most --shards (${o.shards}): each consumer reads whole shards`);
  }
  if (o.workload === 'e2e' && o.recordSize < TIMESTAMP_BYTES) fail(`the e2e workload stamps each record with its send time: --record-size must be >= ${TIMESTAMP_BYTES}`);
  if (o.rate !== undefined && (!Number.isFinite(o.rate) || o.rate <= 0)) fail('--rate must be a positive number of records per second');
  if (o.compare !== undefined && o.face !== 'http') fail('--compare kinesalite runs the HTTP workload against kinesalite: use it with --face http');
  if (o.compare !== undefined && (o.compression !== 'none' || o.encryption !== 'none')) fail('--compare kinesalite measures plain streams: kinesalite has no compression or encryption');
  if (o.face === 'tcp' && o.encryption !== 'none') fail('--encryption kms uses StartStreamEncryption, which the TCP protocol does not carry: use --encryption none on the tcp face');
  if (o.face === 'tcp' && o.compression !== 'none') fail('--compression lz4 sets the millrace:compression tag at CreateStream, which the TCP protocol does not carry: use --compression none on the tcp face');
}

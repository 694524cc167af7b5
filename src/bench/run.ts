// One bench workload on one face: phases (prefill, warm-up, measure, drain), producers in a closed
// or open loop (producers.ts), consumers following every shard, counters sampled into a time
// series, latency in HDR histograms.
import { randomBytes } from 'node:crypto';
import { errorType, pause, type BenchFace, type PutOutcome } from './faces/face.js';
import { Latency, type Percentiles } from './latency.js';
import type { BenchOptions } from './options.js';
import { nowMs, partitionKeys, sendTimeOf } from './payload.js';
import { Producers } from './producers.js';

export type Phase = 'setup' | 'prefill' | 'warmup' | 'measure' | 'drain' | 'done';

export interface Throughput {
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSec: number;
  /** Megabytes (10^6 bytes) of record data per second. */
  mbPerSec: number;
}

export interface SeriesPoint {
  /** End of the sample, ms since the measured phase began. */
  tMs: number;
  producedPerSec: number;
  producedMBPerSec: number;
  consumedPerSec: number;
  consumedMBPerSec: number;
  /** p99 of the run's main latency (end-to-end if measured, else put) within this sample; null if none. */
  p99Ms: number | null;
}

export interface BenchResult {
  startedAt: string;
  /** Length of the measured phase. */
  measuredMs: number;
  /** Ended early by the caller's signal (Ctrl-C); the figures cover the time until then. */
  interrupted: boolean;
  produced: Throughput | null;
  consumed: Throughput | null;
  latency: { put: Percentiles | null; endToEnd: Percentiles | null };
  /** Failed calls and refused records by error type; `NotConsumed`/`NotSent` for records left at the end. */
  errors: Record<string, number>;
  series: SeriesPoint[];
}

/** What the progress line shows. */
export interface Snapshot {
  phase: Phase;
  elapsedMs: number;
  /** ms left in the phase (duration runs) or undefined. */
  leftMs: number | undefined;
  /** Records left to produce or consume (count runs) or undefined. */
  leftRecords: number | undefined;
  producedPerSec: number;
  consumedPerSec: number;
  producedMBPerSec: number;
  errors: number;
}

/** Producers (requests in flight) that fill the stream before a consume workload. */
const PREFILL_IN_FLIGHT = 4;

class Counter {
  records = 0;
  bytes = 0;
  add(records: number, bytes: number): void {
    this.records += records;
    this.bytes += bytes;
  }
}

function throughput(c: Counter, ms: number): Throughput {
  const seconds = ms / 1000;
  return { records: c.records, bytes: c.bytes, seconds, recordsPerSec: seconds > 0 ? c.records / seconds : 0, mbPerSec: seconds > 0 ? c.bytes / 1e6 / seconds : 0 };
}

/**
 * Runs the workload. `signal` ends it early (Ctrl-C): producers stop sending, consumers and the
 * drain stop waiting, and the result covers what was measured until then (`interrupted: true`).
 */
export async function runWorkload(face: BenchFace, o: BenchOptions, onSnapshot?: (s: Snapshot) => void, signal?: AbortSignal): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const stream = `bench-${randomBytes(4).toString('hex')}`;
  let phase: Phase = 'setup';
  const shardIds = await face.createStream(stream, o.shards, { compression: o.compression, encryption: o.encryption });
  const keys = partitionKeys(o.partitionKeys);
  const errors: Record<string, number> = {};
  const addError = (type: string, n = 1) => (errors[type] = (errors[type] ?? 0) + n);
  let errorCount = 0;

  // Totals since the start (used to know when consumers have caught up) and measured counters.
  const producedAll = new Counter();
  const consumedAll = new Counter();
  const produced = new Counter();
  const consumed = new Counter();
  const putLatency = new Latency();
  const e2eLatency = new Latency();
  const sampleLatency = new Latency();
  const mainIsE2e = o.workload === 'e2e';
  let measuring = false;
  let measureStart = 0;
  let lastConsumeAt = 0;
  let lastProduceAt = 0;

  // ---- consumers --------------------------------------------------------------------------
  const stopConsumers = new AbortController();
  const onData = (datas: Uint8Array[]) => {
    const now = nowMs();
    let bytes = 0;
    for (const d of datas) bytes += d.byteLength;
    consumedAll.add(datas.length, bytes);
    if (!measuring) return;
    consumed.add(datas.length, bytes);
    lastConsumeAt = now;
    if (!mainIsE2e) return;
    // Records of one batch share a send time: record each run of equal stamps once, with its count.
    let runStart = sendTimeOf(datas[0]!);
    let runLength = 0;
    for (const d of datas) {
      const t = sendTimeOf(d);
      if (t === runStart) {
        runLength++;
        continue;
      }
      e2eLatency.record(now - runStart, runLength);
      sampleLatency.record(now - runStart, runLength);
      runStart = t;
      runLength = 1;
    }
    e2eLatency.record(now - runStart, runLength);
    sampleLatency.record(now - runStart, runLength);
  };
  const onConsumeError = (err: unknown) => {
    errorCount++;
    addError(errorType(err));
  };
  const startConsumers = (): Promise<void>[] => {
    const loops: Promise<void>[] = [];
    // Shards are dealt out to consumers; each shard is followed by its own loop within its consumer.
    for (let i = 0; i < shardIds.length; i++) {
      loops.push(face.consume(stream, shardIds[i]!, i % o.consumers, onData, onConsumeError, stopConsumers.signal));
    }
    return loops;
  };

  // ---- producers ----------------------------------------------------------------------------
  const onPut = (sentAt: number, outcome: PutOutcome) => {
    const now = nowMs();
    const ok = o.batchSize - outcome.failed;
    producedAll.add(ok, ok * o.recordSize);
    if (outcome.failed > 0) {
      errorCount += outcome.failed;
      for (const [type, n] of Object.entries(outcome.failures ?? { RecordFailed: outcome.failed })) addError(type, n);
    }
    if (!measuring) return;
    produced.add(ok, ok * o.recordSize);
    lastProduceAt = now;
    putLatency.record(now - sentAt);
    if (!mainIsE2e) sampleLatency.record(now - sentAt);
  };
  const onPutError = (err: unknown) => {
    errorCount++;
    addError(errorType(err));
  };
  const producers = new Producers(face, o, keys, stream, { onPut, onError: onPutError }, signal);

  // ---- phases ---------------------------------------------------------------------------------
  const t0 = nowMs();
  let phaseStart = t0;
  const series: SeriesPoint[] = [];
  let last = { t: 0, produced: 0, producedBytes: 0, consumed: 0, consumedBytes: 0 };
  const sample = () => {
    const now = nowMs();
    const dt = (now - last.t) / 1000;
    if (dt <= 0) return;
    const point: SeriesPoint = {
      tMs: Math.round(now - measureStart),
      producedPerSec: (produced.records - last.produced) / dt,
      producedMBPerSec: (produced.bytes - last.producedBytes) / 1e6 / dt,
      consumedPerSec: (consumed.records - last.consumed) / dt,
      consumedMBPerSec: (consumed.bytes - last.consumedBytes) / 1e6 / dt,
      p99Ms: sampleLatency.count > 0 ? sampleLatency.at(99) : null,
    };
    sampleLatency.reset();
    last = { t: now, produced: produced.records, producedBytes: produced.bytes, consumed: consumed.records, consumedBytes: consumed.bytes };
    series.push(point);
  };
  const startMeasuring = () => {
    putLatency.reset();
    e2eLatency.reset();
    sampleLatency.reset();
    measuring = true;
    measureStart = nowMs();
    lastConsumeAt = lastProduceAt = measureStart;
    last = { t: measureStart, produced: 0, producedBytes: 0, consumed: 0, consumedBytes: 0 };
  };
  let sampler: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const enter = (next: Phase) => {
    phase = next;
    phaseStart = nowMs();
  };
  // Rates on the progress line come from all records (warm-up and prefill included), not the series.
  let lastSnap = { t: t0, produced: 0, producedBytes: 0, consumed: 0 };
  const snapshot = (): Snapshot => {
    const now = nowMs();
    const dt = Math.max(1e-3, (now - lastSnap.t) / 1000);
    const rates = {
      producedPerSec: (producedAll.records - lastSnap.produced) / dt,
      producedMBPerSec: (producedAll.bytes - lastSnap.producedBytes) / 1e6 / dt,
      consumedPerSec: (consumedAll.records - lastSnap.consumed) / dt,
    };
    lastSnap = { t: now, produced: producedAll.records, producedBytes: producedAll.bytes, consumed: consumedAll.records };
    let leftMs: number | undefined;
    let leftRecords: number | undefined;
    if (phase === 'warmup') leftMs = Math.max(0, o.warmupMs - (now - phaseStart));
    else if (phase === 'measure' && o.durationMs !== undefined) leftMs = Math.max(0, producers.deadline - now);
    else if (phase === 'prefill') leftRecords = Math.max(0, o.records! - producedAll.records);
    else if (phase === 'measure' && o.workload === 'consume') leftRecords = Math.max(0, producedAll.records - consumedAll.records);
    else if (phase === 'measure') leftRecords = Math.max(0, o.records! - produced.records);
    else if (phase === 'drain') leftRecords = Math.max(0, producedAll.records - consumedAll.records);
    return {
      phase,
      elapsedMs: now - t0,
      leftMs,
      leftRecords,
      ...rates,
      errors: errorCount,
    };
  };
  if (onSnapshot) ticker = setInterval(() => onSnapshot(snapshot()), 250);
  const interrupt = () => (producers.deadline = Math.min(producers.deadline, nowMs()));
  signal?.addEventListener('abort', interrupt, { once: true });

  let consumers: Promise<void>[] = [];
  let measuredMs = 0;
  try {
    if (o.workload === 'consume') {
      enter('prefill');
      await producers.run(o.records, PREFILL_IN_FLIGHT, false);
      enter('measure');
      startMeasuring();
      sampler = setInterval(sample, o.sampleMs);
      consumers = startConsumers();
      // Done when every prefilled record is read, or when reads stop making progress.
      while (!signal?.aborted && consumedAll.records < producedAll.records && nowMs() - lastConsumeAt < Math.max(o.drainMs, 1000)) await pause(5);
      measuredMs = lastConsumeAt - measureStart;
    } else {
      if (o.workload === 'e2e') consumers = startConsumers();
      if (o.warmupMs > 0) {
        enter('warmup');
        producers.deadline = nowMs() + o.warmupMs;
        await producers.run(undefined);
      }
      enter('measure');
      startMeasuring();
      producers.deadline = o.durationMs !== undefined ? measureStart + o.durationMs : Infinity;
      sampler = setInterval(sample, o.sampleMs);
      await producers.run(o.records);
      const producedUntil = o.durationMs !== undefined && !signal?.aborted ? Math.max(lastProduceAt, measureStart + o.durationMs) : lastProduceAt;
      if (o.workload === 'e2e') {
        enter('drain');
        const drainDeadline = nowMs() + o.drainMs;
        while (!signal?.aborted && consumedAll.records < producedAll.records && nowMs() < drainDeadline) await pause(5);
      }
      measuredMs = producedUntil - measureStart;
    }
    clearInterval(sampler);
    // The tail since the last tick becomes a point only if long enough for its rate to mean something.
    if (nowMs() - last.t >= o.sampleMs / 2) sample();
  } finally {
    signal?.removeEventListener('abort', interrupt);
    clearInterval(sampler);
    clearInterval(ticker);
    stopConsumers.abort();
    await Promise.allSettled(consumers);
    enter('done');
    onSnapshot?.(snapshot());
  }

  const left = producedAll.records - consumedAll.records;
  if (o.workload !== 'produce' && left > 0) addError('NotConsumed', left);
  const consumedMs = o.workload === 'consume' ? measuredMs : Math.max(measuredMs, lastConsumeAt - measureStart);
  return {
    startedAt,
    measuredMs,
    interrupted: signal?.aborted ?? false,
    produced: o.workload === 'consume' ? null : throughput(produced, measuredMs),
    consumed: o.workload === 'produce' ? null : throughput(consumed, consumedMs),
    latency: { put: putLatency.percentiles(), endToEnd: e2eLatency.percentiles() },
    errors,
    series,
  };
}

// A producer that batches like the Kinesis Producer Library: records are collected and sent as one
// PutBatch when a batch is full (records or bytes) or has waited `lingerMs`. Each send() resolves
// with the record's shard and offset once its batch is acknowledged.
//
// Routing: the server routes each record by its partition key (or explicit hash key), so the
// producer needs no shard map and a reshard needs nothing from it.
// Memory: records waiting or in flight are bounded by `maxBufferedBytes`; send() waits for room.
// Order: batches go out one at a time by default (`maxInFlight` 1) and a failed batch is retried
// before the next one is sent, so records of one partition key keep their order even across
// retries. More batches in flight raise throughput but a retried batch may land after a later one.
// Retries: a batch that fails with a retryable error (connection lost, MR_BUSY, throughput
// exceeded, server draining) is sent again after a backoff. A lost connection leaves it unknown
// whether the batch was written, so a retry makes delivery at-least-once.
import { InvalidArgumentError } from '../errors.js';
import type { PutBatchResponse } from '../protocol/index.js';
import { isRetryable } from './errors.js';
import type { MillraceClient } from './millrace-client.js';
import { packRecords, packedSizeOf, type ProducerRecord } from './records.js';

export interface ProducerOptions {
  /** Default 1000. */
  maxBatchRecords?: number;
  /** Packed bytes per batch. Default 1 MiB. */
  maxBatchBytes?: number;
  /** How long a record may wait for its batch to fill. Default 5 ms. */
  lingerMs?: number;
  /** Packed bytes waiting or in flight; send() waits beyond. Default 32 MiB. */
  maxBufferedBytes?: number;
  /** Batches in flight. Default 1 (keeps per-key order across retries). */
  maxInFlight?: number;
  /** Attempts after the first for a batch that fails with a retryable error. Default 5. */
  retries?: number;
  /** First retry delay, doubling. Default 50 ms. */
  retryDelayMs?: number;
}

export interface RecordPlacement {
  shardId: string;
  offset: number;
}

interface Pending {
  record: ProducerRecord;
  bytes: number;
  resolve(p: RecordPlacement): void;
  reject(err: unknown): void;
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Where record i of a batch went, from the PutBatch response. */
function placements(res: PutBatchResponse, count: number): RecordPlacement[] {
  const next = res.results.map((r) => r.firstOffset);
  const out: RecordPlacement[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const k = res.assignment ? res.assignment[i]! : 0;
    const r = res.results[k]!;
    out[i] = { shardId: r.shardId, offset: next[k]!++ };
  }
  return out;
}

export class Producer {
  readonly #client: MillraceClient;
  readonly #stream: string;
  readonly #o: Required<ProducerOptions>;
  #batch: Pending[] = [];
  #batchBytes = 0;
  #buffered = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #ready: Array<() => void> = [];
  #slots: Array<() => void> = [];
  readonly #outstanding = new Set<Promise<void>>();
  #closed = false;

  constructor(client: MillraceClient, streamName: string, o: ProducerOptions = {}) {
    this.#client = client;
    this.#stream = streamName;
    this.#o = {
      maxBatchRecords: positive('maxBatchRecords', o.maxBatchRecords ?? 1000),
      maxBatchBytes: positive('maxBatchBytes', o.maxBatchBytes ?? 1024 * 1024),
      lingerMs: o.lingerMs ?? 5,
      maxBufferedBytes: positive('maxBufferedBytes', o.maxBufferedBytes ?? 32 * 1024 * 1024),
      maxInFlight: positive('maxInFlight', o.maxInFlight ?? 1),
      retries: o.retries ?? 5,
      retryDelayMs: o.retryDelayMs ?? 50,
    };
  }

  /** Bytes of records waiting or in flight. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Queues a record; resolves with its placement once acknowledged. Waits while the buffer is full. */
  async send(record: ProducerRecord): Promise<RecordPlacement> {
    if (this.#closed) throw new InvalidArgumentError('the producer is closed');
    const bytes = packedSizeOf(record);
    while (this.#buffered > 0 && this.#buffered + bytes > this.#o.maxBufferedBytes) await new Promise<void>((r) => this.#ready.push(r));
    return new Promise<RecordPlacement>((resolve, reject) => {
      if (this.#batchBytes + bytes > this.#o.maxBatchBytes && this.#batch.length > 0) this.#cut();
      this.#batch.push({ record, bytes, resolve, reject });
      this.#batchBytes += bytes;
      this.#buffered += bytes;
      if (this.#batch.length >= this.#o.maxBatchRecords) this.#cut();
      else this.#timer ??= setTimeout(() => this.#cut(), this.#o.lingerMs);
    });
  }

  /** Sends what is waiting now and resolves when everything sent so far is acknowledged (or failed). */
  async flush(): Promise<void> {
    this.#cut();
    while (this.#outstanding.size > 0) await Promise.all(this.#outstanding);
  }

  /** Flushes, then refuses further sends. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #cut(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    const done = this.#acquire()
      .then(() => this.#put(batch))
      .finally(() => {
        this.#release();
        this.#outstanding.delete(done);
      });
    this.#outstanding.add(done);
  }

  /** In-flight slots are granted in order, so with one slot batches (and their retries) go out in order. */
  async #acquire(): Promise<void> {
    if (this.#inFlight >= this.#o.maxInFlight || this.#slots.length > 0) await new Promise<void>((r) => this.#slots.push(r));
    this.#inFlight++;
  }

  #release(): void {
    this.#inFlight--;
    this.#slots.shift()?.();
  }

  async #put(batch: Pending[]): Promise<void> {
    try {
      const { payload, count } = packRecords(batch.map((p) => p.record));
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await this.#client.putPacked(this.#stream, payload, count);
          const where = placements(res, count);
          batch.forEach((p, i) => p.resolve(where[i]!));
          return;
        } catch (e) {
          if (attempt >= this.#o.retries || !isRetryable(e)) throw e;
          await new Promise((r) => setTimeout(r, this.#o.retryDelayMs * 2 ** attempt));
        }
      }
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      for (const p of batch) this.#buffered -= p.bytes;
      for (const w of this.#ready.splice(0)) w();
    }
  }
}

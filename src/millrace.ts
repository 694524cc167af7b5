// The embedded face: `Millrace.open()` and `mr.kinesis.<action>()`, the same operations and shapes
// as @aws-sdk/client-kinesis, running in-process on the storage engine.
//
//   const mr = await Millrace.open({ dataDir: './millrace-data' });
//   await mr.kinesis.createStream({ StreamName: 'clicks', ShardCount: 4 });
//   await mr.close();
import { putBatch, putPacked, type FastPutResult, type FastRecord, type PackedPutOptions } from './api/fast/put-batch.js';
import { readShard, type FastReadOptions, type FastReadResult } from './api/fast/read-shard.js';
import { tailShard, type TailOptions } from './api/fast/tail-shard.js';
import { kmsApi, type KmsApi } from './api/kms.js';
import { getStreamMetrics, type StreamMetricsOutput } from './api/metrics.js';
import type { TailBatch } from './streams/subscriptions.js';
import { kinesisActions, runKinesisAction, type KinesisActionName, type KinesisContext, type KinesisInput, type KinesisOutput, type StreamRef } from './api/kinesis/index.js';
import { StreamsEngine } from './streams/engine.js';
import type { StreamsOptions } from './streams/options.js';

export type MillraceOptions = StreamsOptions;

/** Per-call options, as the AWS SDK's `send(command, options)` takes them. */
export interface CallOptions {
  /** Ends a SubscribeToShard event stream (and nothing else yet: other calls complete quickly). */
  abortSignal?: AbortSignal;
  /**
   * For faces that encode records themselves (the HTTP server's JSON): GetRecords and PutRecords
   * return an empty `Records` and keep the records unbuilt under a symbol (PACKED_RECORDS in
   * api/kinesis/records.ts). Leave it unset to get AWS's shape.
   */
  packedRecords?: boolean;
}

/**
 * Request shapes as loosely as the AWS SDK declares them (members optional, `undefined` allowed;
 * the SDK marks even PartitionKey optional). Inputs are validated at run time anyway, with AWS's
 * errors, and this lets a variable typed with @aws-sdk/client-kinesis's input types be passed
 * unchanged.
 */
export type SdkInput<T> = T extends Uint8Array | Date | string | number | boolean
  ? T
  : T extends readonly (infer E)[]
    ? SdkInput<E>[]
    : T extends object
      ? { [K in keyof T]?: SdkInput<T[K]> | undefined }
      : T;

type Method<A extends KinesisActionName> = {} extends KinesisInput<A>
  ? (input?: SdkInput<KinesisInput<A>>, options?: CallOptions) => Promise<KinesisOutput<A>>
  : (input: SdkInput<KinesisInput<A>>, options?: CallOptions) => Promise<KinesisOutput<A>>;

/**
 * The fast path beside the AWS-shaped API: big batches in one call, zero-copy reads, push tails.
 * Plain arguments, typed arrays for placements; no AWS validation or provisioned throttling.
 */
export interface FastApi {
  put(streamName: string, records: readonly FastRecord[]): Promise<FastPutResult>;
  /**
   * `count` records already in the packed layout (the TCP protocol's); records of one shard are
   * stored without a copy, so leave `payload` unchanged until the promise settles. With
   * `shardId`, every record must hash into that open shard (else InvalidArgumentException).
   */
  putPacked(streamName: string, payload: Uint8Array, count: number, options?: PackedPutOptions): Promise<FastPutResult>;
  read(streamName: string, shardId: string, options?: FastReadOptions): Promise<FastReadResult>;
  tail(streamName: string, shardId: string, options?: TailOptions): Promise<AsyncIterableIterator<TailBatch>>;
}

/** One camelCased method per Kinesis Data Streams action. */
export type KinesisApi = { [A in KinesisActionName as Uncapitalize<A>]: Method<A> };

function lowerFirst(s: string): string {
  return s[0]!.toLowerCase() + s.slice(1);
}

export class Millrace {
  readonly kinesis: KinesisApi;
  readonly fast: FastApi;
  /** Master keys for StartStreamEncryption, in the data directory's keyring. */
  readonly kms: KmsApi;
  readonly #engine: StreamsEngine;
  readonly #ctx: KinesisContext;

  private constructor(engine: StreamsEngine) {
    this.#engine = engine;
    this.#ctx = { engine };
    const api: Record<string, unknown> = {};
    for (const name of Object.keys(kinesisActions) as KinesisActionName[]) {
      api[lowerFirst(name)] = (input?: unknown, options?: CallOptions) =>
        runKinesisAction(
          options?.abortSignal || options?.packedRecords ? { engine, signal: options.abortSignal, packedRecords: options.packedRecords === true } : this.#ctx,
          name,
          input ?? {},
        );
    }
    this.kinesis = Object.freeze(api) as KinesisApi;
    this.fast = Object.freeze({
      put: async (name: string, records: readonly FastRecord[]) => putBatch(engine, name, records),
      putPacked: async (name: string, payload: Uint8Array, count: number, options?: PackedPutOptions) => putPacked(engine, name, payload, count, options),
      read: async (name: string, shardId: string, options?: FastReadOptions) => readShard(engine, name, shardId, options),
      tail: async (name: string, shardId: string, options?: TailOptions) => tailShard(engine, name, shardId, options),
    });
    this.kms = kmsApi(engine);
  }

  /** Opens (creating if needed) a data directory; only one process may hold it at a time. */
  static async open(options: MillraceOptions = {}): Promise<Millrace> {
    return new Millrace(await StreamsEngine.open(options));
  }

  /** Absolute path of the data directory. */
  get dataDir(): string {
    return this.#engine.dataDir;
  }

  /** CloudWatch-style counters of a stream and its shards, cumulative since open. */
  metrics(stream: StreamRef | string): Promise<StreamMetricsOutput> {
    return getStreamMetrics(this.#ctx, typeof stream === 'string' ? { StreamName: stream } : stream);
  }

  /** Trims data past each stream's retention now, instead of waiting for the timer. */
  enforceRetention(): Promise<void> {
    return this.#engine.enforceRetention();
  }

  /** Ends subscriptions, flushes the catalog, closes shard logs and releases the data directory. */
  close(): Promise<void> {
    return this.#engine.close();
  }
}

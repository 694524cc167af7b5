// The client's public face: one method per command, with plain arguments and defaults.
//
//   import { connect } from 'millrace/client';
//   const client = await connect({ port: 4568 });
//   await client.createStream('clicks', { shardCount: 4 });
//   await client.putRecords('clicks', [{ partitionKey: 'u1', data: 'hello' }]);
//   for await (const event of client.subscribe('clicks', 'shardId-000000000000', { position: { type: 'TRIM_HORIZON' } })) { ... }
import { InvalidArgumentError } from '../errors.js';
import type {
  Checkpoint,
  DescribeStreamSummaryResponse,
  GetBatchResponse,
  GetShardIteratorResponse,
  ListShardsResponse,
  ListStreamsResponse,
  Position,
  PutBatchResponse,
  StreamMode,
  UpdateShardCountResponse,
} from '../protocol/index.js';
import { ClientCore } from './client.js';
import { resolveConnectOptions, type ConnectOptions } from './options.js';
import { Producer, type ProducerOptions } from './producer.js';
import { packRecords, type ProducerRecord } from './records.js';
import { StreamConsumer, type ConsumeOptions } from './stream-consumer.js';
import { Subscription, type SubscribeOptions } from './subscription.js';

export interface GetBatchOptions {
  /** Default TRIM_HORIZON. */
  position?: Position;
  /** 0: the server's default. */
  maxRecords?: number;
  maxBytes?: number;
  /** Wait up to this long for a first record. Default 0. */
  waitMs?: number;
}

export interface PutOptions {
  /** Append to this shard (every record must hash into it); default: the server routes each record. */
  shardId?: string;
}

export class MillraceClient {
  readonly #core: ClientCore;

  constructor(core: ClientCore) {
    this.#core = core;
  }

  /** Negotiated parameters of the current connection (undefined while reconnecting). */
  get server() {
    return this.#core.session?.server;
  }

  async ping(payload: Uint8Array = Buffer.alloc(0)): Promise<number> {
    const t = performance.now();
    await this.#core.call('Ping', { payload: Buffer.from(payload) });
    return performance.now() - t;
  }

  async createStream(streamName: string, o: { shardCount?: number; mode?: StreamMode; retentionHours?: number } = {}): Promise<void> {
    await this.#core.call('CreateStream', { streamName, shardCount: o.shardCount ?? (o.mode === 'ON_DEMAND' ? 0 : 1), mode: o.mode ?? 'PROVISIONED', retentionHours: o.retentionHours ?? 0 });
  }

  async deleteStream(streamName: string, o: { enforceConsumerDeletion?: boolean } = {}): Promise<void> {
    await this.#core.call('DeleteStream', { streamName, enforceConsumerDeletion: o.enforceConsumerDeletion ?? false });
  }

  describeStreamSummary(streamName: string): Promise<DescribeStreamSummaryResponse> {
    return this.#core.call('DescribeStreamSummary', { streamName });
  }

  listStreams(o: { limit?: number; exclusiveStartStreamName?: string } = {}): Promise<ListStreamsResponse> {
    return this.#core.call('ListStreams', { limit: o.limit ?? 0, exclusiveStartStreamName: o.exclusiveStartStreamName ?? '' });
  }

  listShards(streamName: string, o: { limit?: number; exclusiveStartShardId?: string } = {}): Promise<ListShardsResponse> {
    return this.#core.call('ListShards', { streamName, limit: o.limit ?? 0, exclusiveStartShardId: o.exclusiveStartShardId ?? '' });
  }

  updateShardCount(streamName: string, targetShardCount: number): Promise<UpdateShardCountResponse> {
    return this.#core.call('UpdateShardCount', { streamName, targetShardCount, scalingType: 'UNIFORM_SCALING' });
  }

  async splitShard(streamName: string, shardToSplit: string, newStartingHashKey: bigint): Promise<void> {
    await this.#core.call('SplitShard', { streamName, shardToSplit, newStartingHashKey });
  }

  async mergeShards(streamName: string, shardToMerge: string, adjacentShardToMerge: string): Promise<void> {
    await this.#core.call('MergeShards', { streamName, shardToMerge, adjacentShardToMerge });
  }

  /** Packs and appends records in one PutBatch. Results give each shard's first offset; `assignment` maps records to results. */
  putRecords(streamName: string, records: readonly ProducerRecord[], o: PutOptions = {}): Promise<PutBatchResponse> {
    const { payload, count } = packRecords(records);
    return this.putPacked(streamName, payload, count, o);
  }

  /**
   * Appends a payload already in the packed layout (see packRecords): sent as is, referenced by the
   * socket write rather than copied. Do not modify it until the promise settles.
   */
  putPacked(streamName: string, payload: Buffer, recordCount: number, o: PutOptions = {}): Promise<PutBatchResponse> {
    if (!Buffer.isBuffer(payload)) throw new InvalidArgumentError('payload must be a Buffer');
    return this.#core.call('PutBatch', { streamName, shardId: o.shardId ?? '', recordCount, codec: 0, rawSize: payload.length, payload });
  }

  getBatch(streamName: string, shardId: string, o: GetBatchOptions = {}): Promise<GetBatchResponse> {
    return this.#core.call('GetBatch', {
      streamName,
      shardId,
      position: o.position ?? { type: 'TRIM_HORIZON' },
      maxRecords: o.maxRecords ?? 0,
      maxBytes: o.maxBytes ?? 0,
      waitMs: o.waitMs ?? 0,
    });
  }

  getShardIterator(streamName: string, shardId: string, position: Exclude<Position, { type: 'SHARD_ITERATOR' }>): Promise<GetShardIteratorResponse> {
    return this.#core.call('GetShardIterator', { streamName, shardId, position });
  }

  /**
   * Server push from a shard, as an async iterator of events (each a records result). Credit is
   * granted as the loop consumes; leaving the loop unsubscribes. Survives reconnects.
   */
  subscribe(streamName: string, shardId: string, o: SubscribeOptions = {}): Subscription {
    const sub = new Subscription(this.#core, streamName, shardId, o);
    sub.attached(this.#core);
    return sub;
  }

  /** Every shard of a stream, following resharding, with optional group checkpoints (see StreamConsumer). */
  consume(streamName: string, o: ConsumeOptions = {}): StreamConsumer {
    return new StreamConsumer(this, streamName, o);
  }

  /** A batching producer for one stream (see Producer). */
  producer(streamName: string, o: ProducerOptions = {}): Producer {
    return new Producer(this, streamName, o);
  }

  /** Stores a consumer group's position in a shard: the last record it processed. */
  async commitCheckpoint(group: string, streamName: string, shardId: string, offset: number, o: { shardEnd?: boolean; metadata?: Uint8Array } = {}): Promise<void> {
    await this.#core.call('CommitCheckpoint', { group, streamName, shardId, offset, shardEnd: o.shardEnd ?? false, metadata: Buffer.from(o.metadata ?? []) });
  }

  async fetchCheckpoint(group: string, streamName: string, shardId: string): Promise<Checkpoint | null> {
    return (await this.#core.call('FetchCheckpoint', { group, streamName, shardId })).checkpoint;
  }

  /** Ends subscriptions, fails queued calls, and closes after in-flight calls are answered. */
  close(): Promise<void> {
    return this.#core.close();
  }
}

/** Connects, negotiates and authenticates; rejects if the first connection fails. */
export async function connect(options: ConnectOptions = {}): Promise<MillraceClient> {
  const core = new ClientCore(resolveConnectOptions(options));
  await core.start();
  return new MillraceClient(core);
}

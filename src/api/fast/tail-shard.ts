// Fast-path push: follows a shard from an offset and yields batches of stored records as they are
// appended (the mechanism behind SubscribeToShard, without consumers, event shapes or the
// 5-minute lifetime). Ends at the end of a closed shard, on abort, or when the loop is left.
// With `packed: true` each yielded batch carries the records as packed batches (`batches`, see
// read-shard.ts) and an empty `records`: no object per record.
import { InvalidArgumentError } from '../../errors.js';
import type { StreamsEngine } from '../../streams/engine.js';
import { readPacked } from '../../streams/packed-read.js';
import { ShardTail, type TailBatch } from '../../streams/subscriptions.js';
import { liveStreamByName, shardOf } from './common.js';

export interface TailOptions {
  /** Offset to start at (default: the end, i.e. only new records). */
  offset?: number;
  maxRecords?: number;
  /** Yield the records as packed batches in `batches` (and `records` empty); maxBytes of 10 MiB then counts packed bytes. */
  packed?: boolean;
  signal?: AbortSignal;
  /** End the tail (done, no error) after this many ms, e.g. a long poll's wait (default: never). */
  lifetimeMs?: number;
}

const NO_LIFETIME = 2 ** 31 - 1;

export async function tailShard(engine: StreamsEngine, streamName: string, shardId: string, opts: TailOptions = {}): Promise<AsyncIterableIterator<TailBatch>> {
  const stream = liveStreamByName(engine, streamName);
  const shard = shardOf(engine, stream, shardId);
  const handle = engine.handle(stream, shard);
  if (opts.packed !== undefined && typeof opts.packed !== 'boolean') throw new InvalidArgumentError('packed must be a boolean');
  const lifetimeMs = opts.lifetimeMs ?? NO_LIFETIME;
  if (!Number.isInteger(lifetimeMs) || lifetimeMs < 0 || lifetimeMs > NO_LIFETIME) throw new InvalidArgumentError(`lifetimeMs must be an integer in [0, ${NO_LIFETIME}]`);
  const log = await handle.open();
  const limits = { maxRecords: opts.maxRecords ?? 10_000, maxBytes: 10 * 1024 * 1024 };
  const start = opts.offset ?? (await engine.endOffset(handle));
  const tail = new ShardTail(
    '',
    stream,
    handle,
    start,
    { read: opts.packed ? (offset) => readPacked(engine, stream, handle, offset, limits) : (offset) => engine.read(stream, handle, offset, limits) },
    { lifetimeMs, heartbeatMs: engine.options.subscriptionHeartbeatMs, signal: opts.signal },
  );
  engine.subscriptions.addAnonymous(tail);
  tail.onEnd(() => engine.subscriptions.remove(tail));
  tail.attach(log);
  return tail;
}

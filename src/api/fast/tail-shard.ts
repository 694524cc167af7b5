// Fast-path push: follows a shard from an offset and yields batches of stored records as they are
// appended (the mechanism behind SubscribeToShard, without consumers, event shapes or the
// 5-minute lifetime). Ends at the end of a closed shard, on abort, or when the loop is left.
import type { StreamsEngine } from '../../streams/engine.js';
import { ShardTail, type TailBatch } from '../../streams/subscriptions.js';
import { liveStreamByName, shardOf } from './common.js';

export interface TailOptions {
  /** Offset to start at (default: the end, i.e. only new records). */
  offset?: number;
  maxRecords?: number;
  signal?: AbortSignal;
}

const NO_LIFETIME = 2 ** 31 - 1;

export async function tailShard(engine: StreamsEngine, streamName: string, shardId: string, opts: TailOptions = {}): Promise<AsyncIterableIterator<TailBatch>> {
  const stream = liveStreamByName(engine, streamName);
  const shard = shardOf(engine, stream, shardId);
  const handle = engine.handle(stream, shard);
  const log = await handle.open();
  const start = opts.offset ?? (await engine.endOffset(handle));
  const tail = new ShardTail(
    '',
    stream,
    handle,
    start,
    { read: (offset) => engine.read(stream, handle, offset, { maxRecords: opts.maxRecords ?? 10_000, maxBytes: 10 * 1024 * 1024 }) },
    { lifetimeMs: NO_LIFETIME, heartbeatMs: engine.options.subscriptionHeartbeatMs, signal: opts.signal },
  );
  engine.subscriptions.addAnonymous(tail);
  tail.onEnd(() => engine.subscriptions.remove(tail));
  tail.attach(log);
  return tail;
}

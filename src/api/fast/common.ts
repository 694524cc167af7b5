// Lookups shared by the fast path: plain names, no AWS request shapes, typed Millrace errors.
import { shardIndexOf } from '../../core/ids.js';
import { InvalidArgumentError } from '../../errors.js';
import type { ShardEntry, StreamEntry } from '../../streams/catalog.js';
import type { StreamsEngine } from '../../streams/engine.js';
import { KinesisError } from '../errors.js';
import { msg } from '../kinesis/messages.js';

/** The stream, which must accept reads and writes. Throws AWS's ResourceNotFoundException otherwise. */
export function liveStreamByName(engine: StreamsEngine, name: unknown): StreamEntry {
  if (typeof name !== 'string') throw new InvalidArgumentError('stream name must be a string');
  const stream = engine.stream(name);
  if (!stream || (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING')) {
    throw new KinesisError('ResourceNotFoundException', msg.streamNotFound(name, engine.account));
  }
  return stream;
}

export function shardOf(engine: StreamsEngine, stream: StreamEntry, shardId: unknown): ShardEntry {
  const index = typeof shardId === 'string' ? shardIndexOf(shardId) : undefined;
  const shard = index === undefined ? undefined : stream.shards.find((s) => s.index === index);
  if (!shard) throw new KinesisError('ResourceNotFoundException', msg.shardDoesNotExist(String(shardId), stream.name, engine.account));
  return shard;
}

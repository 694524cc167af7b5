// Lookups and conversions shared by the operations: naming a stream by StreamName or StreamARN,
// the state checks AWS applies, and catalog entries turned into AWS shapes.
import { parseConsumerArn, parseStreamArn } from '../../core/arn.js';
import { shardIdOf, shardIndexOf } from '../../core/ids.js';
import type { ConsumerEntry, ShardEntry, StreamEntry } from '../../streams/catalog.js';
import type { StreamsEngine } from '../../streams/engine.js';
import { KinesisError } from '../errors.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { ChildShard, Consumer, Shard, StreamModeDetails, StreamRef } from './shapes.js';
import { ShardSequencer } from '../../core/sequence-number.js';

export function fail(type: ConstructorParameters<typeof KinesisError>[0], message: string): never {
  throw new KinesisError(type, message);
}

/** The stream name a request refers to, from StreamName and/or StreamARN. */
export function streamNameOf(ctx: KinesisContext, ref: StreamRef): string {
  const { engine } = ctx;
  if (ref.StreamARN !== undefined) {
    const parts = parseStreamArn(ref.StreamARN);
    if (!parts || parts.account !== engine.account || parts.region !== engine.region) {
      fail('ResourceNotFoundException', msg.resourceNotFound(ref.StreamARN));
    }
    if (ref.StreamName !== undefined && ref.StreamName !== parts.streamName) {
      fail('InvalidArgumentException', msg.streamNameArnMismatch(ref.StreamName, ref.StreamARN));
    }
    return parts.streamName;
  }
  if (ref.StreamName === undefined) fail('InvalidArgumentException', msg.streamNameOrArn());
  return ref.StreamName;
}

/** The stream, in any state; ResourceNotFoundException when there is none. */
export function findStream(ctx: KinesisContext, ref: StreamRef): StreamEntry {
  const name = streamNameOf(ctx, ref);
  const stream = ctx.engine.stream(name);
  if (!stream) fail('ResourceNotFoundException', msg.streamNotFound(name, ctx.engine.account));
  return stream;
}

/** The stream, which must be ACTIVE (control-plane changes). */
export function activeStream(ctx: KinesisContext, ref: StreamRef): StreamEntry {
  const stream = findStream(ctx, ref);
  if (stream.status !== 'ACTIVE') fail('ResourceInUseException', msg.streamNotActive(stream.name, ctx.engine.account, stream.status));
  return stream;
}

/** The stream, which must accept reads and writes: ACTIVE or UPDATING, as on AWS. */
export function liveStream(ctx: KinesisContext, ref: StreamRef): StreamEntry {
  const stream = findStream(ctx, ref);
  if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') fail('ResourceNotFoundException', msg.streamNotFound(stream.name, ctx.engine.account));
  return stream;
}

export function shardById(stream: StreamEntry, shardId: string): ShardEntry | undefined {
  const index = shardIndexOf(shardId);
  return index === undefined ? undefined : stream.shards.find((s) => s.index === index);
}

export function modeDetails(stream: StreamEntry): StreamModeDetails {
  return { StreamMode: stream.mode };
}

export function toShard(stream: StreamEntry, shard: ShardEntry): Shard {
  const seq = new ShardSequencer(stream.epoch, shard.index);
  const out: Shard = {
    ShardId: shardIdOf(shard.index),
    HashKeyRange: { StartingHashKey: shard.start, EndingHashKey: shard.end },
    SequenceNumberRange: { StartingSequenceNumber: seq.starting },
  };
  if (shard.parent !== undefined) out.ParentShardId = shardIdOf(shard.parent);
  if (shard.adjacentParent !== undefined) out.AdjacentParentShardId = shardIdOf(shard.adjacentParent);
  // The last record's number (position = end offset), or the starting number of an empty shard.
  if (shard.endOffset !== undefined) out.SequenceNumberRange.EndingSequenceNumber = seq.at(shard.endOffset);
  return out;
}

/** The shards a reshard created from `shard`, as GetRecords / SubscribeToShard report them. */
export function childShards(stream: StreamEntry, shard: ShardEntry): ChildShard[] {
  return stream.shards
    .filter((s) => s.parent === shard.index || s.adjacentParent === shard.index)
    .map((s) => ({
      ShardId: shardIdOf(s.index),
      ParentShards: [s.parent, s.adjacentParent].filter((p): p is number => p !== undefined).map(shardIdOf),
      HashKeyRange: { StartingHashKey: s.start, EndingHashKey: s.end },
    }));
}

export function toConsumer(engine: StreamsEngine, stream: StreamEntry, c: ConsumerEntry): Consumer {
  return {
    ConsumerName: c.name,
    ConsumerARN: engine.consumerArn(stream, c),
    ConsumerStatus: c.status,
    ConsumerCreationTimestamp: new Date(c.createdAt),
  };
}

/** A consumer named by ConsumerARN, or by StreamARN + ConsumerName. */
export function findConsumer(
  ctx: KinesisContext,
  ref: { StreamARN?: string; ConsumerName?: string; ConsumerARN?: string },
): { stream: StreamEntry; consumer: ConsumerEntry } {
  const { engine } = ctx;
  if (ref.ConsumerARN !== undefined) {
    const parts = parseConsumerArn(ref.ConsumerARN);
    const stream = parts && parts.account === engine.account && parts.region === engine.region ? engine.stream(parts.streamName) : undefined;
    const consumer = stream?.consumers.find((c) => c.name === parts!.consumerName && Math.floor(c.createdAt / 1000) === parts!.createdSeconds);
    if (!stream || !consumer) fail('ResourceNotFoundException', msg.consumerArnNotFound(ref.ConsumerARN));
    return { stream, consumer };
  }
  if (ref.StreamARN === undefined || ref.ConsumerName === undefined) fail('InvalidArgumentException', msg.consumerRefRequired());
  const stream = findStream(ctx, { StreamARN: ref.StreamARN });
  const consumer = stream.consumers.find((c) => c.name === ref.ConsumerName);
  if (!consumer) fail('ResourceNotFoundException', msg.consumerNotFound(ref.ConsumerName, ref.StreamARN));
  return { stream, consumer };
}

/** A stream or consumer named by a resource ARN (tagging and policies). */
export function findResource(
  ctx: KinesisContext,
  arn: string,
): { stream: StreamEntry; consumer?: ConsumerEntry } {
  if (parseConsumerArn(arn)) return findConsumer(ctx, { ConsumerARN: arn });
  if (!parseStreamArn(arn)) fail('ResourceNotFoundException', msg.resourceNotFound(arn));
  return { stream: findStream(ctx, { StreamARN: arn }) };
}

/** Rejects a shard-count increase beyond the account limit. */
export function checkShardLimit(ctx: KinesisContext, extra: number): void {
  const { engine } = ctx;
  const current = engine.openShardCount();
  if (current + extra > engine.options.shardLimit) {
    fail('LimitExceededException', msg.shardLimit(engine.account, engine.region, current, engine.options.shardLimit, extra));
  }
}

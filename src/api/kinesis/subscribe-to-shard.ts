// SubscribeToShard: pushes a shard's records to a registered consumer as they are appended, as an
// async iterable of { SubscribeToShardEvent }. One subscription per consumer and shard at a time
// (ResourceInUseException otherwise); the subscription ends after 5 minutes (the consumer then
// resubscribes from ContinuationSequenceNumber), at the end of a closed shard (last event carries
// ChildShards), when the consumer or stream goes away, or on ctx.signal. Breaking out of the
// for-await loop ends it too.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html
import { readPacked } from '../../streams/packed-read.js';
import { ShardTail, type TailBatch } from '../../streams/subscriptions.js';
import { validateInput, CONSUMER_ARN, SEQUENCE_NUMBER, SHARD_ID, STREAM_ID } from '../validate.js';
import { childShards, fail, findConsumer, shardById } from './common.js';
import type { KinesisContext } from './context.js';
import { MAX_GET_RECORDS_BYTES } from './get-records.js';
import { msg } from './messages.js';
import { kinesisRecordsOf, millisBehind } from './records.js';
import {
  SHARD_ITERATOR_TYPES,
  type SubscribeToShardEventStreamMember,
  type SubscribeToShardInput,
  type SubscribeToShardOutput,
} from './shapes.js';
import { startingOffset } from './starting-position.js';

const shape = {
  type: 'structure',
  members: {
    ConsumerARN: { ...CONSUMER_ARN, required: true },
    ShardId: { ...SHARD_ID, required: true },
    StartingPosition: {
      type: 'structure',
      required: true,
      members: {
        Type: { type: 'string', enum: SHARD_ITERATOR_TYPES, required: true },
        SequenceNumber: SEQUENCE_NUMBER,
        Timestamp: { type: 'timestamp' },
      },
    },
    StreamId: STREAM_ID,
  },
} as const;

export async function subscribeToShard(ctx: KinesisContext, input: SubscribeToShardInput): Promise<SubscribeToShardOutput> {
  const req = validateInput<SubscribeToShardInput>(input, shape);
  const { engine } = ctx;
  const { stream, consumer } = findConsumer(ctx, { ConsumerARN: req.ConsumerARN });
  if (consumer.status !== 'ACTIVE') fail('ResourceInUseException', msg.consumerNotActive(consumer.name, consumer.createdAt, stream.name, engine.account));
  if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') fail('ResourceNotFoundException', msg.streamNotFound(stream.name, engine.account));
  const shard = shardById(stream, req.ShardId);
  if (!shard) fail('ResourceNotFoundException', msg.shardDoesNotExist(req.ShardId, stream.name, engine.account));
  const metrics = engine.metrics(stream.name);
  const arn = engine.consumerArn(stream, consumer);
  if (engine.subscriptions.isActive(arn, shard.index)) {
    metrics.add('SubscribeToShard.RateExceeded');
    fail('ResourceInUseException', msg.activeSubscription(engine.account, stream.name, req.ShardId, consumer.name));
  }

  const handle = engine.handle(stream, shard);
  const start = await startingOffset(ctx, stream, shard, handle, {
    type: req.StartingPosition.Type,
    sequenceNumber: req.StartingPosition.SequenceNumber,
    timestamp: req.StartingPosition.Timestamp,
  });
  const log = await handle.open();
  const tail = new ShardTail(
    arn,
    stream,
    handle,
    start,
    { read: (offset) => readPacked(engine, stream, handle, offset, { maxRecords: 10000, maxBytes: MAX_GET_RECORDS_BYTES }) },
    { lifetimeMs: engine.options.subscriptionLifetimeMs, heartbeatMs: engine.options.subscriptionHeartbeatMs, signal: ctx.signal },
  );
  // Re-checked after the awaits above: the first subscriber to get here wins.
  if (!engine.subscriptions.tryAdd(tail)) {
    tail.end();
    metrics.add('SubscribeToShard.RateExceeded');
    fail('ResourceInUseException', msg.activeSubscription(engine.account, stream.name, req.ShardId, consumer.name));
  }
  tail.onEnd(() => engine.subscriptions.remove(tail));
  tail.attach(log);
  metrics.add('SubscribeToShard.Success');

  const toEvent = (batch: TailBatch): SubscribeToShardEventStreamMember => {
    const now = engine.now();
    const built = kinesisRecordsOf(stream, handle.sequencer, batch.batches ?? []);
    const { records, bytes } = built;
    const behind = millisBehind(now, built, batch.nextOffset, batch.endOffset);
    metrics.add('SubscribeToShardEvent.Success');
    metrics.add('SubscribeToShardEvent.Records', records.length);
    metrics.add('SubscribeToShardEvent.Bytes', bytes);
    metrics.addShard(handle.shardId, 'OutgoingRecords', records.length);
    metrics.addShard(handle.shardId, 'OutgoingBytes', bytes);
    metrics.gauge('SubscribeToShardEvent.MillisBehindLatest', behind);
    return {
      SubscribeToShardEvent: {
        Records: records,
        ContinuationSequenceNumber: batch.atShardEnd ? undefined : handle.sequencer.at(batch.nextOffset),
        MillisBehindLatest: behind,
        ...(batch.atShardEnd ? { ChildShards: childShards(stream, shard) } : {}),
      },
    };
  };

  // A plain iterator rather than an async generator: return() must end the subscription even
  // before the first next() (a generator that never started skips its finally block).
  const events: AsyncIterableIterator<SubscribeToShardEventStreamMember> = {
    async next() {
      const r = await tail.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: toEvent(r.value) };
    },
    async return() {
      tail.end();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { EventStream: events };
}

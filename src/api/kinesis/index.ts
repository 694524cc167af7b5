// Every Kinesis Data Streams action, by its AWS name. The HTTP face dispatches on this table with
// the decoded request body; the embedded facade (src/millrace.ts) exposes the same functions as
// camelCased methods. One file per action beside this one.
import { tracingChannel } from 'node:diagnostics_channel';
import { awsCounterpart, KinesisError } from '../errors.js';
import { addTagsToStream } from './add-tags-to-stream.js';
import type { KinesisContext } from './context.js';
import { createStream } from './create-stream.js';
import { decreaseStreamRetentionPeriod } from './decrease-stream-retention-period.js';
import { deleteResourcePolicy } from './delete-resource-policy.js';
import { deleteStream } from './delete-stream.js';
import { deregisterStreamConsumer } from './deregister-stream-consumer.js';
import { describeAccountSettings } from './describe-account-settings.js';
import { describeLimits } from './describe-limits.js';
import { describeStream } from './describe-stream.js';
import { describeStreamConsumer } from './describe-stream-consumer.js';
import { describeStreamSummary } from './describe-stream-summary.js';
import { disableEnhancedMonitoring } from './disable-enhanced-monitoring.js';
import { enableEnhancedMonitoring } from './enable-enhanced-monitoring.js';
import { getRecords } from './get-records.js';
import { getResourcePolicy } from './get-resource-policy.js';
import { getShardIterator } from './get-shard-iterator.js';
import { increaseStreamRetentionPeriod } from './increase-stream-retention-period.js';
import { listShards } from './list-shards.js';
import { listStreamConsumers } from './list-stream-consumers.js';
import { listStreams } from './list-streams.js';
import { listTagsForResource } from './list-tags-for-resource.js';
import { listTagsForStream } from './list-tags-for-stream.js';
import { mergeShards } from './merge-shards.js';
import { putRecord } from './put-record.js';
import { putRecords } from './put-records.js';
import { putResourcePolicy } from './put-resource-policy.js';
import { registerStreamConsumer } from './register-stream-consumer.js';
import { removeTagsFromStream } from './remove-tags-from-stream.js';
import { splitShard } from './split-shard.js';
import { startStreamEncryption } from './start-stream-encryption.js';
import { stopStreamEncryption } from './stop-stream-encryption.js';
import { subscribeToShard } from './subscribe-to-shard.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { updateAccountSettings } from './update-account-settings.js';
import { updateShardCount } from './update-shard-count.js';
import { updateStreamMode } from './update-stream-mode.js';

export const kinesisActions = {
  AddTagsToStream: addTagsToStream,
  CreateStream: createStream,
  DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod,
  DeleteResourcePolicy: deleteResourcePolicy,
  DeleteStream: deleteStream,
  DeregisterStreamConsumer: deregisterStreamConsumer,
  DescribeAccountSettings: describeAccountSettings,
  DescribeLimits: describeLimits,
  DescribeStream: describeStream,
  DescribeStreamConsumer: describeStreamConsumer,
  DescribeStreamSummary: describeStreamSummary,
  DisableEnhancedMonitoring: disableEnhancedMonitoring,
  EnableEnhancedMonitoring: enableEnhancedMonitoring,
  GetRecords: getRecords,
  GetResourcePolicy: getResourcePolicy,
  GetShardIterator: getShardIterator,
  IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod,
  ListShards: listShards,
  ListStreamConsumers: listStreamConsumers,
  ListStreams: listStreams,
  ListTagsForResource: listTagsForResource,
  ListTagsForStream: listTagsForStream,
  MergeShards: mergeShards,
  PutRecord: putRecord,
  PutRecords: putRecords,
  PutResourcePolicy: putResourcePolicy,
  RegisterStreamConsumer: registerStreamConsumer,
  RemoveTagsFromStream: removeTagsFromStream,
  SplitShard: splitShard,
  StartStreamEncryption: startStreamEncryption,
  StopStreamEncryption: stopStreamEncryption,
  SubscribeToShard: subscribeToShard,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAccountSettings: updateAccountSettings,
  UpdateShardCount: updateShardCount,
  UpdateStreamMode: updateStreamMode,
} as const;

export type KinesisActionName = keyof typeof kinesisActions;
export type KinesisInput<A extends KinesisActionName> = Parameters<(typeof kinesisActions)[A]>[1];
export type KinesisOutput<A extends KinesisActionName> = Awaited<ReturnType<(typeof kinesisActions)[A]>>;

export function isKinesisAction(name: string): name is KinesisActionName {
  return Object.hasOwn(kinesisActions, name);
}

/**
 * Tracing of every call, for users who attach their own logger or metrics:
 * `diagnostics_channel.tracingChannel('millrace:kinesis')` publishes start/end/asyncStart/
 * asyncEnd/error with `{ action, input }` (and `result` or `error`). Costs one check when unused.
 */
export const kinesisTracing = tracingChannel<unknown, { action: KinesisActionName; input: unknown }>('millrace:kinesis');

/** Runs an action on already-resolved input; the one entry point of both faces. */
export function runKinesisAction(ctx: KinesisContext, action: KinesisActionName, input: unknown): Promise<unknown> {
  const handler = kinesisActions[action] as (ctx: KinesisContext, input: unknown) => Promise<unknown>;
  const run = async () => {
    ctx.engine.assertOpen();
    try {
      return await handler(ctx, input);
    } catch (err) {
      throw awsCounterpart(err);
    }
  };
  return kinesisTracing.hasSubscribers ? kinesisTracing.tracePromise(run, { action, input }) : run();
}

/**
 * Runs an action by name on untyped input (a decoded JSON or CBOR body). Unknown names get AWS's
 * UnknownOperationException; the operation validates the input itself.
 */
export function dispatchKinesis(ctx: KinesisContext, action: string, input: unknown): Promise<unknown> {
  if (!isKinesisAction(action)) return Promise.reject(new KinesisError('UnknownOperationException', `Unknown operation ${action}`));
  return runKinesisAction(ctx, action, input);
}

export type { KinesisContext } from './context.js';
export * from './shapes.js';

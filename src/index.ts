// Public API of the `millrace` package: re-exports only.
export { Millrace, type MillraceOptions, type KinesisApi, type FastApi, type CallOptions } from './millrace.js';
export type { FastRecord, FastPutResult, FastShardPlacement } from './api/fast/put-batch.js';
export type { FastReadOptions, FastReadResult } from './api/fast/read-shard.js';
export type { TailOptions } from './api/fast/tail-shard.js';
export type { TailBatch } from './streams/subscriptions.js';
export { KinesisError, KINESIS_ERRORS, toKinesisError, toKinesisErrorResponse, type KinesisErrorType, type KinesisErrorResponse } from './api/errors.js';
export { kinesisActions, dispatchKinesis, runKinesisAction, isKinesisAction, kinesisTracing, type KinesisActionName, type KinesisContext } from './api/kinesis/index.js';
export type * from './api/kinesis/shapes.js';
export type { StreamMetricsOutput } from './api/metrics.js';
export type { StreamsOptions, KeyringSettings } from './streams/options.js';
export type { KmsApi, KeyMetadata } from './api/kms.js';
export { Keyring, type KeyringOptions } from './storage/keyring.js';
export { COMPRESSION_TAG } from './streams/compression.js';
export { ManualClock, systemClock, type Clock } from './core/clock.js';
export * from './errors.js';
export { ShardLog } from './storage/shard-log.js';
export type * from './storage/types.js';

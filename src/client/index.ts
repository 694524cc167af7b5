// `millrace/client`: the TCP binary protocol client. Imports protocol, core and errors only, so
// it runs on machines without the native addon.
export { connect, MillraceClient, type GetBatchOptions, type PutOptions } from './millrace-client.js';
export type { ConnectOptions, ReconnectOptions } from './options.js';
export { Producer, type ProducerOptions, type RecordPlacement } from './producer.js';
export { StreamConsumer, type ConsumeOptions, type ConsumedBatch } from './stream-consumer.js';
export { Subscription, type SubscribeOptions, type SubscriptionEvent } from './subscription.js';
export { ConnectionLostError, RemoteError, isRetryable } from './errors.js';
export { packRecords, cursorOf, recordsOf, recordCount, type ProducerRecord, type ConsumedRecord, type PackedRecords } from './records.js';
export type {
  Position,
  RecordBatch,
  RecordsResult,
  ChildShard,
  PutBatchResponse,
  PutBatchResult,
  ListShardsResponse,
  ShardDescription,
  DescribeStreamSummaryResponse,
  Checkpoint,
} from '../protocol/index.js';

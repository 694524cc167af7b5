// SubscriptionEvent (51, push, requestId = subscriptionId): records of a subscription. With
// SHARD_END it is the subscription's last event; a push with status ≠ 0 (error body) also ends it.
//
//   nextOffset          u64   continuation: where the subscription goes on
//   millisBehindLatest  u64
//   flags               u8    bit 0 SHARD_END
//   batchCount          u16
//   batches             record batch × batchCount
//   childShardCount     u16
//   childShards         child shard × childShardCount
import { recordsResult, type RecordsResult } from './common.js';

export type SubscriptionEventPush = RecordsResult;

export const subscriptionEvent = { push: recordsResult };

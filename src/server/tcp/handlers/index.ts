// Which handler answers which command. Handshake, Authenticate and the subscription commands
// change connection state and are handled by the connection itself (connection.ts, subscriptions.ts).
import type { CallName, PingBody, RequestOf, ResponseOf } from '../../../protocol/index.js';
import { commitCheckpoint, fetchCheckpoint } from './checkpoints.js';
import type { Handler } from './context.js';
import { getBatch, getShardIterator, putBatch } from './records.js';
import { listShards, mergeShards, splitShard, updateShardCount } from './shards.js';
import { createStream, deleteStream, describeStreamSummary, listStreams } from './streams.js';

export type ConnectionCommand = 'Handshake' | 'Authenticate' | 'Subscribe' | 'GrantCredits' | 'Unsubscribe';
export type HandledCommand = Exclude<CallName, ConnectionCommand>;

const ping: Handler<PingBody, PingBody> = async (_ctx, req) => ({ payload: req.payload });

export const handlers: { [C in HandledCommand]: Handler<RequestOf<C>, ResponseOf<C>> } = {
  Ping: ping,
  CreateStream: createStream,
  DeleteStream: deleteStream,
  DescribeStreamSummary: describeStreamSummary,
  ListStreams: listStreams,
  ListShards: listShards,
  UpdateShardCount: updateShardCount,
  SplitShard: splitShard,
  MergeShards: mergeShards,
  PutBatch: putBatch,
  GetBatch: getBatch,
  GetShardIterator: getShardIterator,
  CommitCheckpoint: commitCheckpoint,
  FetchCheckpoint: fetchCheckpoint,
};


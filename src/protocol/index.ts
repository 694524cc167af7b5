// The TCP binary protocol, sans-IO (docs/PROTOCOL.md). Shared by src/server/tcp and src/client.
export * from './constants.js';
export * from './error-codes.js';
export { ProtocolError, type ProtocolErrorDetails } from './errors.js';
export { Reader, Writer, DETACH_MIN_BYTES } from './cursor.js';
export { encodeBody, decodeBody, type Codec, type Empty } from './codec.js';
export { FrameDecoder, encodeFrame, writeFrameHeader, type Frame, type FrameHeader, type FrameDecoderOptions } from './framing.js';
export * from './commands.js';
export * from './messages.js';
export * from './auth.js';
export * from './session.js';
export { checkPackedRecords } from './packed-records.js';
export {
  PositionType,
  type Position,
  type RecordBatch,
  type RecordsResult,
  type ChildShard,
  type PackedPayload,
  type ErrorBody,
  type StreamMode,
} from './codecs/common.js';
export type { HandshakeRequest, HandshakeResponse } from './codecs/handshake.js';
export type { AuthenticateRequest, AuthenticateResponse } from './codecs/authenticate.js';
export type { PingBody } from './codecs/ping.js';
export type { GoAwayPush } from './codecs/go-away.js';
export type { CreateStreamRequest } from './codecs/create-stream.js';
export type { DeleteStreamRequest } from './codecs/delete-stream.js';
export type {
  DescribeStreamSummaryRequest,
  DescribeStreamSummaryResponse,
  StreamStatus,
  EncryptionType,
} from './codecs/describe-stream-summary.js';
export type { ListStreamsRequest, ListStreamsResponse } from './codecs/list-streams.js';
export type { ListShardsRequest, ListShardsResponse, ShardDescription } from './codecs/list-shards.js';
export type { UpdateShardCountRequest, UpdateShardCountResponse } from './codecs/update-shard-count.js';
export type { SplitShardRequest } from './codecs/split-shard.js';
export type { MergeShardsRequest } from './codecs/merge-shards.js';
export type { PutBatchRequest, PutBatchResponse, PutBatchResult } from './codecs/put-batch.js';
export type { GetBatchRequest, GetBatchResponse } from './codecs/get-batch.js';
export type { GetShardIteratorRequest, GetShardIteratorResponse } from './codecs/get-shard-iterator.js';
export type { SubscribeRequest, SubscribeResponse } from './codecs/subscribe.js';
export type { GrantCreditsRequest } from './codecs/grant-credits.js';
export type { UnsubscribeRequest } from './codecs/unsubscribe.js';
export type { SubscriptionEventPush } from './codecs/subscription-event.js';
export type { CommitCheckpointRequest } from './codecs/commit-checkpoint.js';
export type { FetchCheckpointRequest, FetchCheckpointResponse, Checkpoint } from './codecs/fetch-checkpoint.js';

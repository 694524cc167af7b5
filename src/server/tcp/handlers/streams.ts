// Stream lifecycle commands: the AWS-shaped operations, called with the wire's fields.
import type {
  CreateStreamRequest,
  DeleteStreamRequest,
  DescribeStreamSummaryRequest,
  DescribeStreamSummaryResponse,
  Empty,
  ListStreamsRequest,
  ListStreamsResponse,
} from '../../../protocol/index.js';
import type { Handler } from './context.js';

const DEFAULT_RETENTION_HOURS = 24;

export const createStream: Handler<CreateStreamRequest, Empty> = async ({ mr }, req) => {
  await mr.kinesis.createStream({
    StreamName: req.streamName,
    ...(req.shardCount > 0 || req.mode === 'PROVISIONED' ? { ShardCount: req.shardCount } : {}),
    StreamModeDetails: { StreamMode: req.mode },
  });
  if (req.retentionHours > DEFAULT_RETENTION_HOURS) {
    await mr.kinesis.increaseStreamRetentionPeriod({ StreamName: req.streamName, RetentionPeriodHours: req.retentionHours });
  }
  return {};
};

export const deleteStream: Handler<DeleteStreamRequest, Empty> = async ({ mr }, req) => {
  await mr.kinesis.deleteStream({ StreamName: req.streamName, EnforceConsumerDeletion: req.enforceConsumerDeletion });
  return {};
};

export const describeStreamSummary: Handler<DescribeStreamSummaryRequest, DescribeStreamSummaryResponse> = async ({ mr }, req) => {
  const s = (await mr.kinesis.describeStreamSummary({ StreamName: req.streamName })).StreamDescriptionSummary;
  return {
    streamName: s.StreamName,
    streamArn: s.StreamARN,
    status: s.StreamStatus,
    mode: s.StreamModeDetails?.StreamMode ?? 'PROVISIONED',
    retentionHours: s.RetentionPeriodHours,
    openShardCount: s.OpenShardCount,
    consumerCount: s.ConsumerCount ?? 0,
    createdAtMs: s.StreamCreationTimestamp.getTime(),
    encryption: s.EncryptionType ?? 'NONE',
    keyId: s.KeyId ?? '',
  };
};

export const listStreams: Handler<ListStreamsRequest, ListStreamsResponse> = async ({ mr }, req) => {
  const out = await mr.kinesis.listStreams({
    ...(req.limit > 0 ? { Limit: req.limit } : {}),
    ...(req.exclusiveStartStreamName ? { ExclusiveStartStreamName: req.exclusiveStartStreamName } : {}),
  });
  return { streamNames: out.StreamNames, hasMore: out.HasMoreStreams };
};

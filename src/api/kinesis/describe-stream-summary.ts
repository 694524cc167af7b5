// DescribeStreamSummary: the stream without its shards, with open-shard and consumer counts.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html
import { validateInput, STREAM_REF } from '../validate.js';
import { findStream, modeDetails } from './common.js';
import type { KinesisContext } from './context.js';
import { enhancedMonitoring } from './monitoring.js';
import type { DescribeStreamSummaryInput, DescribeStreamSummaryOutput } from './shapes.js';

const shape = { type: 'structure', members: { ...STREAM_REF } } as const;

export async function describeStreamSummary(ctx: KinesisContext, input: DescribeStreamSummaryInput): Promise<DescribeStreamSummaryOutput> {
  const req = validateInput<DescribeStreamSummaryInput>(input, shape);
  const stream = findStream(ctx, req);
  return {
    StreamDescriptionSummary: {
      StreamName: stream.name,
      StreamARN: ctx.engine.streamArn(stream.name),
      StreamStatus: stream.status,
      StreamModeDetails: modeDetails(stream),
      RetentionPeriodHours: stream.retentionHours,
      StreamCreationTimestamp: new Date(Math.floor(stream.createdAt / 1000) * 1000),
      EnhancedMonitoring: enhancedMonitoring(stream),
      EncryptionType: stream.encryptionType,
      ...(stream.keyId !== undefined ? { KeyId: stream.keyId } : {}),
      OpenShardCount: stream.shards.filter((s) => s.closedAt === undefined).length,
      ConsumerCount: stream.consumers.length,
      MaxRecordSizeInKiB: stream.maxRecordSizeKiB,
    },
  };
}

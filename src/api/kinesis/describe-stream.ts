// DescribeStream: the stream and a page of its shards (Limit, default 100; ExclusiveStartShardId).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStream.html
import { shardIndexOf } from '../../core/ids.js';
import { validateInput, SHARD_ID, STREAM_REF } from '../validate.js';
import { findStream, modeDetails, toShard } from './common.js';
import type { KinesisContext } from './context.js';
import type { DescribeStreamInput, DescribeStreamOutput } from './shapes.js';
import { enhancedMonitoring } from './monitoring.js';

const shape = {
  type: 'structure',
  members: {
    ...STREAM_REF,
    Limit: { type: 'integer', min: 1, max: 10000 },
    ExclusiveStartShardId: SHARD_ID,
  },
} as const;

export async function describeStream(ctx: KinesisContext, input: DescribeStreamInput): Promise<DescribeStreamOutput> {
  const req = validateInput<DescribeStreamInput>(input, shape);
  const stream = findStream(ctx, req);
  const limit = req.Limit ?? 100;
  const after = req.ExclusiveStartShardId === undefined ? -1 : (shardIndexOf(req.ExclusiveStartShardId) ?? -1);
  const shards = stream.shards.filter((s) => s.index > after).sort((a, b) => a.index - b.index);
  const page = shards.slice(0, limit);
  return {
    StreamDescription: {
      StreamName: stream.name,
      StreamARN: ctx.engine.streamArn(stream.name),
      StreamStatus: stream.status,
      StreamModeDetails: modeDetails(stream),
      Shards: page.map((s) => toShard(stream, s)),
      HasMoreShards: shards.length > page.length,
      RetentionPeriodHours: stream.retentionHours,
      StreamCreationTimestamp: new Date(Math.floor(stream.createdAt / 1000) * 1000),
      EnhancedMonitoring: enhancedMonitoring(stream),
      EncryptionType: stream.encryptionType,
      ...(stream.keyId !== undefined ? { KeyId: stream.keyId } : {}),
    },
  };
}

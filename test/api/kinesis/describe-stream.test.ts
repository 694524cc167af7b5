import { describe, expect, it } from 'vitest';
import { failure, openMillrace } from './helpers.js';

describe('DescribeStream', () => {
  it('pages shards with Limit and ExclusiveStartShardId', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 5 });
    const p1 = await mr.kinesis.describeStream({ StreamName: 'a', Limit: 2 });
    expect(p1.StreamDescription.Shards.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(p1.StreamDescription.HasMoreShards).toBe(true);
    const p2 = await mr.kinesis.describeStream({ StreamName: 'a', ExclusiveStartShardId: 'shardId-000000000003' });
    expect(p2.StreamDescription.Shards.map((s) => s.ShardId)).toEqual(['shardId-000000000004']);
    expect(p2.StreamDescription.HasMoreShards).toBe(false);
  });

  it('validates its input', async () => {
    const mr = await openMillrace();
    expect((await failure(mr.kinesis.describeStream({ StreamName: 'a', Limit: 0 }))).name).toBe('ValidationException');
    expect((await failure(mr.kinesis.describeStream({ StreamName: 'a', Limit: '1' as never }))).name).toBe('SerializationException');
    expect((await failure(mr.kinesis.describeStream({ StreamARN: 'arn:aws:s3:::bucket' }))).name).toBe('ValidationException');
  });
});

describe('DescribeStreamSummary', () => {
  it('counts open shards and consumers', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 3 });
    await mr.kinesis.registerStreamConsumer({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/a', ConsumerName: 'c' });
    const { StreamDescriptionSummary: s } = await mr.kinesis.describeStreamSummary({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/a' });
    expect(s).toMatchObject({ StreamName: 'a', StreamStatus: 'ACTIVE', OpenShardCount: 3, ConsumerCount: 1, RetentionPeriodHours: 24, MaxRecordSizeInKiB: 1024 });
    expect(s.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(s.EnhancedMonitoring).toEqual([{ ShardLevelMetrics: [] }]);
  });

  it('refuses a StreamName that contradicts the StreamARN', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    const e = await failure(mr.kinesis.describeStreamSummary({ StreamName: 'b', StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/a' }));
    expect(e.name).toBe('InvalidArgumentException');
  });
});

import { describe, expect, it } from 'vitest';
import { Millrace } from '../../src/millrace.js';
import { tempDir } from '../helpers/tmp.js';

const text = (b: Uint8Array) => Buffer.from(b).toString();

describe('StreamsEngine restart', () => {
  it('finishes changes that were pending at close', async () => {
    const dataDir = tempDir();
    const first = await Millrace.open({ dataDir, retentionIntervalMs: 0, createStreamDelayMs: 60_000, updateStreamDelayMs: 60_000 });
    await first.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    await first.kinesis.createStream({ StreamName: 'b', ShardCount: 1 });
    expect((await first.kinesis.describeStream({ StreamName: 'a' })).StreamDescription.StreamStatus).toBe('CREATING');
    await first.close();

    const second = await Millrace.open({ dataDir, retentionIntervalMs: 0, updateStreamDelayMs: 60_000 });
    expect((await second.kinesis.describeStream({ StreamName: 'a' })).StreamDescription.StreamStatus).toBe('ACTIVE');
    await second.kinesis.putRecord({ StreamName: 'b', Data: Buffer.from('x'), PartitionKey: 'k' });
    await second.kinesis.splitShard({ StreamName: 'b', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' });
    expect((await second.kinesis.describeStream({ StreamName: 'b' })).StreamDescription.StreamStatus).toBe('UPDATING');
    await second.close();

    const third = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    try {
      const d = (await third.kinesis.describeStream({ StreamName: 'b' })).StreamDescription;
      expect(d.StreamStatus).toBe('ACTIVE');
      expect(d.Shards).toHaveLength(3);
      const it = await third.kinesis.getShardIterator({ StreamName: 'b', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
      const res = await third.kinesis.getRecords({ ShardIterator: it.ShardIterator! });
      expect(res.Records.map((r) => text(r.Data))).toEqual(['x']);
      expect(res.ChildShards).toHaveLength(2);
    } finally {
      await third.close();
    }
  });

  it('keeps consumers, tags, settings and epochs across restarts', async () => {
    const dataDir = tempDir();
    const first = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    await first.kinesis.createStream({ StreamName: 's', ShardCount: 2, Tags: { a: 'b' } });
    const { Consumer } = await first.kinesis.registerStreamConsumer({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', ConsumerName: 'c' });
    await first.kinesis.increaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 72 });
    await first.kinesis.enableEnhancedMonitoring({ StreamName: 's', ShardLevelMetrics: ['IncomingRecords'] });
    const before = await first.kinesis.describeStream({ StreamName: 's' });
    await first.close();

    const second = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    try {
      expect(await second.kinesis.describeStream({ StreamName: 's' })).toEqual(before);
      expect((await second.kinesis.describeStreamConsumer({ ConsumerARN: Consumer.ConsumerARN })).ConsumerDescription.ConsumerStatus).toBe('ACTIVE');
      expect((await second.kinesis.listTagsForStream({ StreamName: 's' })).Tags).toEqual([{ Key: 'a', Value: 'b' }]);
      // A new stream of another name gets a fresh epoch, so old sequence numbers never match it.
      await second.kinesis.deleteStream({ StreamName: 's', EnforceConsumerDeletion: true });
      await second.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
      const after = await second.kinesis.describeStream({ StreamName: 's' });
      expect(after.StreamDescription.Shards[0]!.SequenceNumberRange.StartingSequenceNumber).not.toBe(
        before.StreamDescription.Shards[0]!.SequenceNumberRange.StartingSequenceNumber,
      );
    } finally {
      await second.close();
    }
  });
});

describe('StreamsEngine recovery', () => {
  it('removes log directories of streams the catalog no longer has', async () => {
    const { mkdirSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dataDir = tempDir();
    const first = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    await first.kinesis.createStream({ StreamName: 'keep.me', ShardCount: 1 });
    await first.kinesis.putRecord({ StreamName: 'keep.me', Data: Buffer.from('x'), PartitionKey: 'k' });
    await first.close();
    mkdirSync(join(dataDir, 'streams', 'gone.99', 'shardId-000000000000'), { recursive: true });
    const second = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    try {
      expect(existsSync(join(dataDir, 'streams', 'gone.99'))).toBe(false);
      const it = await second.kinesis.getShardIterator({ StreamName: 'keep.me', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
      expect((await second.kinesis.getRecords({ ShardIterator: it.ShardIterator! })).Records).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

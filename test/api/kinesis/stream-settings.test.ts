// Retention, enhanced monitoring, encryption, stream mode, limits and account settings.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { bytes, failure, openMillrace } from './helpers.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';

describe('retention period', () => {
  it('increases and decreases within AWS bounds', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.increaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 168 });
    expect((await mr.kinesis.describeStreamSummary({ StreamName: 's' })).StreamDescriptionSummary.RetentionPeriodHours).toBe(168);
    expect(await failure(mr.kinesis.increaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 48 }))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Requested retention period (48 hours) for stream s can not be shorter than existing retention period (168 hours). Use DecreaseRetentionPeriod API.',
    });
    expect((await failure(mr.kinesis.decreaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 200 }))).message).toContain('Use IncreaseRetentionPeriod API.');
    expect((await failure(mr.kinesis.decreaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 12 }))).message).toBe(
      'Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.',
    );
    expect((await failure(mr.kinesis.increaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 8761 }))).name).toBe('ValidationException');
    await mr.kinesis.decreaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 24 });
  });

  it('forgets closed shards once their retention has passed', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('x'), PartitionKey: 'k' });
    await mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' });
    await mr.enforceRetention();
    expect((await mr.kinesis.listShards({ StreamName: 's' })).Shards).toHaveLength(3);
    clock.advance(25 * 3_600_000);
    await mr.enforceRetention();
    expect((await mr.kinesis.listShards({ StreamName: 's' })).Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
  });
});

describe('enhanced monitoring', () => {
  it('enables and disables shard-level metrics, expanding ALL', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const on = await mr.kinesis.enableEnhancedMonitoring({ StreamName: 's', ShardLevelMetrics: ['IncomingBytes'] });
    expect(on).toEqual({ StreamName: 's', StreamARN: ARN, CurrentShardLevelMetrics: [], DesiredShardLevelMetrics: ['IncomingBytes'] });
    const all = await mr.kinesis.enableEnhancedMonitoring({ StreamName: 's', ShardLevelMetrics: ['ALL'] });
    expect(all.DesiredShardLevelMetrics).toHaveLength(7);
    const off = await mr.kinesis.disableEnhancedMonitoring({ StreamName: 's', ShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'] });
    expect(off.DesiredShardLevelMetrics).toHaveLength(5);
    expect((await mr.kinesis.describeStream({ StreamName: 's' })).StreamDescription.EnhancedMonitoring[0]!.ShardLevelMetrics).toEqual(off.DesiredShardLevelMetrics);
    expect((await failure(mr.kinesis.enableEnhancedMonitoring({ StreamName: 's', ShardLevelMetrics: ['Bogus' as never] }))).name).toBe('ValidationException');
  });
});

describe('stream encryption', () => {
  it('records KMS encryption and reports it on records', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    const d = (await mr.kinesis.describeStream({ StreamName: 's' })).StreamDescription;
    expect(d).toMatchObject({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis', StreamStatus: 'ACTIVE' });
    expect((await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('x'), PartitionKey: 'k' })).EncryptionType).toBe('KMS');
    const it = await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    expect((await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! })).Records[0]!.EncryptionType).toBe('KMS');
    expect((await failure(mr.kinesis.stopStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'other' }))).name).toBe('InvalidArgumentException');
    await mr.kinesis.stopStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    expect((await mr.kinesis.describeStreamSummary({ StreamName: 's' })).StreamDescriptionSummary.EncryptionType).toBe('NONE');
  });

  it('validates the request', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'NONE', KeyId: 'k' }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS' } as never))).name).toBe('ValidationException');
  });
});

describe('UpdateStreamMode', () => {
  it('switches capacity modes', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.updateStreamMode({ StreamARN: ARN, StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    expect((await mr.kinesis.describeStreamSummary({ StreamName: 's' })).StreamDescriptionSummary.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    expect((await mr.kinesis.describeLimits()).OnDemandStreamCount).toBe(1);
    expect((await failure(mr.kinesis.updateStreamMode({ StreamARN: ARN, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.updateStreamMode({ StreamModeDetails: { StreamMode: 'ON_DEMAND' } } as never))).name).toBe('ValidationException');
  });
});

describe('DescribeLimits', () => {
  it('reports configured limits and current use', async () => {
    const mr = await openMillrace({ shardLimit: 10, onDemandStreamCountLimit: 3 });
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 2 });
    expect(await mr.kinesis.describeLimits()).toEqual({ ShardLimit: 10, OpenShardCount: 2, OnDemandStreamCount: 0, OnDemandStreamCountLimit: 3 });
  });
});

describe('account settings', () => {
  it('tracks the minimum throughput billing commitment', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    expect(await mr.kinesis.describeAccountSettings()).toEqual({});
    const on = await mr.kinesis.updateAccountSettings({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } });
    expect(on.MinimumThroughputBillingCommitment).toEqual({
      Status: 'ENABLED',
      StartedAt: new Date(clock.now()),
      EarliestAllowedEndAt: new Date(clock.now() + 24 * 3_600_000),
    });
    const early = await mr.kinesis.updateAccountSettings({ MinimumThroughputBillingCommitment: { Status: 'DISABLED' } });
    expect(early.MinimumThroughputBillingCommitment!.Status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END');
    expect((await mr.kinesis.describeAccountSettings()).MinimumThroughputBillingCommitment!.Status).toBe('ENABLED_UNTIL_EARLIEST_ALLOWED_END');
    expect((await failure(mr.kinesis.updateAccountSettings({ MinimumThroughputBillingCommitment: { Status: 'MAYBE' as never } }))).name).toBe('ValidationException');
  });
});

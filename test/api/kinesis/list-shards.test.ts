import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { failure, openMillrace } from './helpers.js';

describe('ListShards', () => {
  it('pages with MaxResults and NextToken', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 5 });
    const p1 = await mr.kinesis.listShards({ StreamName: 's', MaxResults: 2 });
    expect(p1.Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const p2 = await mr.kinesis.listShards({ NextToken: p1.NextToken! });
    expect(p2.Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000002', 'shardId-000000000003']);
    const p3 = await mr.kinesis.listShards({ NextToken: p2.NextToken! });
    expect(p3.Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000004']);
    expect(p3.NextToken).toBeUndefined();
    expect((await mr.kinesis.listShards({ StreamName: 's', ExclusiveStartShardId: 'shardId-000000000003' })).Shards).toHaveLength(1);
  });

  it('filters by ShardFilter after a reshard', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    clock.advance(60_000);
    const before = new Date(clock.now());
    clock.advance(60_000);
    await mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' });
    clock.advance(60_000);
    const ids = async (Type: 'AT_LATEST' | 'AT_TRIM_HORIZON' | 'FROM_TRIM_HORIZON' | 'AT_TIMESTAMP' | 'FROM_TIMESTAMP' | 'AFTER_SHARD_ID', extra = {}) =>
      (await mr.kinesis.listShards({ StreamName: 's', ShardFilter: { Type, ...extra } })).Shards!.map((s) => s.ShardId.slice(-1));
    expect(await ids('AT_LATEST')).toEqual(['1', '2', '3']);
    expect(await ids('AT_TRIM_HORIZON')).toEqual(['0', '1']);
    expect(await ids('FROM_TRIM_HORIZON')).toEqual(['0', '1', '2', '3']);
    expect(await ids('AT_TIMESTAMP', { Timestamp: before })).toEqual(['0', '1']);
    expect(await ids('AT_TIMESTAMP', { Timestamp: new Date(clock.now()) })).toEqual(['1', '2', '3']);
    expect(await ids('FROM_TIMESTAMP', { Timestamp: before })).toEqual(['0', '1', '2', '3']);
    expect(await ids('AFTER_SHARD_ID', { ShardId: 'shardId-000000000001' })).toEqual(['2', '3']);
    expect((await failure(mr.kinesis.listShards({ StreamName: 's', ShardFilter: { Type: 'AFTER_SHARD_ID' } }))).name).toBe('InvalidArgumentException');
  });

  it('enforces its argument rules', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    expect(await failure(mr.kinesis.listShards({}))).toEqual({ name: 'InvalidArgumentException', message: 'Either NextToken or StreamName should be provided.' });
    const { NextToken } = await mr.kinesis.listShards({ StreamName: 's', MaxResults: 1 });
    expect(await failure(mr.kinesis.listShards({ StreamName: 's', NextToken: NextToken! }))).toEqual({
      name: 'InvalidArgumentException',
      message: 'NextToken and StreamName cannot be provided together.',
    });
    expect((await failure(mr.kinesis.listShards({ NextToken: 'forged.token' }))).name).toBe('InvalidArgumentException');
    clock.advance(300_001);
    expect((await failure(mr.kinesis.listShards({ NextToken: NextToken! }))).name).toBe('ExpiredNextTokenException');
    expect((await failure(mr.kinesis.listShards({ StreamName: 'none' }))).name).toBe('ResourceNotFoundException');
  });
});

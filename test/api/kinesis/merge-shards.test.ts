import { describe, expect, it } from 'vitest';
import { bytes, failure, openMillrace, text } from './helpers.js';

describe('MergeShards', () => {
  it('merges two adjacent shards into one child with both parents', async () => {
    const mr = await openMillrace({ throttling: false });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 3 });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('p'), PartitionKey: 'k', ExplicitHashKey: '0' });
    await mr.kinesis.mergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000000' });
    const shards = (await mr.kinesis.describeStream({ StreamName: 's' })).StreamDescription.Shards;
    const child = shards.find((s) => s.ShardId === 'shardId-000000000003')!;
    expect(child).toMatchObject({
      ParentShardId: 'shardId-000000000001',
      AdjacentParentShardId: 'shardId-000000000000',
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: shards[1]!.HashKeyRange.EndingHashKey },
    });
    expect(shards.filter((s) => s.SequenceNumberRange.EndingSequenceNumber).map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const put = await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('c'), PartitionKey: 'k', ExplicitHashKey: '0' });
    expect(put.ShardId).toBe('shardId-000000000003');

    const it = await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    const res = await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! });
    expect(res.Records.map((r) => text(r.Data))).toEqual(['p']);
    expect(res.NextShardIterator).toBeUndefined();
    expect(res.ChildShards).toEqual([
      { ShardId: 'shardId-000000000003', ParentShards: ['shardId-000000000001', 'shardId-000000000000'], HashKeyRange: child.HashKeyRange },
    ]);
  });

  it('refuses non-adjacent, unknown and closed shards', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 3 });
    expect(await failure(mr.kinesis.mergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000002' }))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Shards shardId-000000000000 and shardId-000000000002 in stream s under account 000000000000 are not an adjacent pair of shards eligible for merging',
    });
    expect((await failure(mr.kinesis.mergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000009' }))).name).toBe('ResourceNotFoundException');
    await mr.kinesis.mergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000001' });
    expect((await failure(mr.kinesis.mergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000002' }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.mergeShards({ StreamName: 's', ShardToMerge: 'shardId-000000000000' } as never))).name).toBe('ValidationException');
  });
});

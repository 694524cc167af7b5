import { describe, expect, it } from 'vitest';
import { evenRanges } from '../../../src/core/hash-key.js';
import { bytes, failure, openMillrace } from './helpers.js';

describe('UpdateShardCount', () => {
  it('scales up and down to even ranges with lineage', async () => {
    const mr = await openMillrace({ throttling: false });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    for (const target of [4, 3, 5, 3]) {
      const out = await mr.kinesis.updateShardCount({ StreamName: 's', TargetShardCount: target, ScalingType: 'UNIFORM_SCALING' });
      expect(out.TargetShardCount).toBe(target);
      const { Shards } = (await mr.kinesis.describeStream({ StreamName: 's', Limit: 10000 })).StreamDescription;
      const open = Shards.filter((s) => !s.SequenceNumberRange.EndingSequenceNumber).sort((a, b) => (BigInt(a.HashKeyRange.StartingHashKey) < BigInt(b.HashKeyRange.StartingHashKey) ? -1 : 1));
      expect(open.map((s) => [s.HashKeyRange.StartingHashKey, s.HashKeyRange.EndingHashKey])).toEqual(
        evenRanges(target).map((r) => [r.start.toString(), r.end.toString()]),
      );
      for (const s of Shards.filter((x) => x.ShardId !== 'shardId-000000000000' && x.ShardId !== 'shardId-000000000001')) {
        expect(s.ParentShardId).toBeDefined();
      }
      const put = await mr.kinesis.putRecords({ StreamName: 's', Records: Array.from({ length: 50 }, (_, i) => ({ Data: bytes('x'), PartitionKey: `k${i}` })) });
      expect(put.Records.every((r) => open.some((s) => s.ShardId === r.ShardId))).toBe(true);
    }
    expect((await mr.kinesis.describeLimits()).OpenShardCount).toBe(3);
  });

  it('applies AWS default limits', async () => {
    const mr = await openMillrace({ shardLimit: 5 });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    expect(await failure(mr.kinesis.updateShardCount({ StreamName: 's', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }))).toEqual({
      name: 'InvalidArgumentException',
      message: 'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2 Target shard count: 5',
    });
    await mr.kinesis.createStream({ StreamName: 't', ShardCount: 2 });
    expect((await failure(mr.kinesis.updateShardCount({ StreamName: 's', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }))).name).toBe('LimitExceededException');
    expect((await failure(mr.kinesis.updateShardCount({ StreamName: 's', TargetShardCount: 2, ScalingType: 'OTHER' as never }))).name).toBe('ValidationException');
    for (let i = 0; i < 10; i++) await mr.kinesis.updateShardCount({ StreamName: 't', TargetShardCount: i % 2 ? 2 : 1, ScalingType: 'UNIFORM_SCALING' });
    expect((await failure(mr.kinesis.updateShardCount({ StreamName: 't', TargetShardCount: 1, ScalingType: 'UNIFORM_SCALING' }))).name).toBe('LimitExceededException');
    await mr.kinesis.createStream({ StreamName: 'u', ShardCount: 1 });
    await mr.kinesis.deleteStream({ StreamName: 't' });
    await mr.kinesis.updateShardCount({ StreamName: 'u', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' });
    expect((await failure(mr.kinesis.updateShardCount({ StreamName: 'u', TargetShardCount: 0, ScalingType: 'UNIFORM_SCALING' }))).name).toBe('ValidationException');
  });

  it('is not available to on-demand streams', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    expect((await failure(mr.kinesis.updateShardCount({ StreamName: 'od', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }))).name).toBe('ValidationException');
  });
});

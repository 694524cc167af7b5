import { describe, expect, it } from 'vitest';
import type { Millrace } from '../../../src/millrace.js';
import { bytes, failure, openMillrace, text } from './helpers.js';

const MID = '170141183460469231731687303715884105728';

async function drain(mr: Millrace, shardId: string) {
  let it = (await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
  const data: string[] = [];
  let last;
  while (it) {
    last = await mr.kinesis.getRecords({ ShardIterator: it });
    data.push(...last.Records.map((r) => text(r.Data)));
    if (!last.Records.length && last.NextShardIterator) break;
    it = last.NextShardIterator;
  }
  return { data, last: last! };
}

describe('SplitShard', () => {
  it('closes the parent, opens two children with lineage, and keeps the parent readable', async () => {
    const mr = await openMillrace({ throttling: false });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.putRecords({ StreamName: 's', Records: [0, 1, 2].map((i) => ({ Data: bytes(`before${i}`), PartitionKey: `k${i}` })) });
    await mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: MID });
    const shards = (await mr.kinesis.describeStream({ StreamName: 's' })).StreamDescription.Shards;
    expect(shards).toHaveLength(3);
    expect(shards[0]!.SequenceNumberRange.EndingSequenceNumber).toMatch(/^\d{56}$/);
    expect(shards.slice(1).map((s) => [s.ShardId, s.ParentShardId, s.HashKeyRange.StartingHashKey, s.HashKeyRange.EndingHashKey])).toEqual([
      ['shardId-000000000001', 'shardId-000000000000', '0', '170141183460469231731687303715884105727'],
      ['shardId-000000000002', 'shardId-000000000000', MID, '340282366920938463463374607431768211455'],
    ]);

    const after = await mr.kinesis.putRecords({ StreamName: 's', Records: [0, 1, 2, 3].map((i) => ({ Data: bytes(`after${i}`), PartitionKey: `k${i}` })) });
    expect(after.Records.every((r) => r.ShardId !== 'shardId-000000000000')).toBe(true);

    const parent = await drain(mr, 'shardId-000000000000');
    expect(parent.data).toEqual(['before0', 'before1', 'before2']);
    expect(parent.last.NextShardIterator).toBeUndefined();
    expect(parent.last.ChildShards).toEqual([
      { ShardId: 'shardId-000000000001', ParentShards: ['shardId-000000000000'], HashKeyRange: { StartingHashKey: '0', EndingHashKey: '170141183460469231731687303715884105727' } },
      { ShardId: 'shardId-000000000002', ParentShards: ['shardId-000000000000'], HashKeyRange: { StartingHashKey: MID, EndingHashKey: '340282366920938463463374607431768211455' } },
    ]);
    const children = [...(await drain(mr, 'shardId-000000000001')).data, ...(await drain(mr, 'shardId-000000000002')).data];
    expect(children.sort()).toEqual(['after0', 'after1', 'after2', 'after3']);
    // The parent's ending number is its last record's, and below every child number.
    const last = BigInt(shards[0]!.SequenceNumberRange.EndingSequenceNumber!);
    for (const r of after.Records) expect(BigInt(r.SequenceNumber!) > last).toBe(true);
  });

  it('reports AWS errors for bad keys, unknown or closed shards, and non-ACTIVE streams', async () => {
    const mr = await openMillrace({ updateStreamDelayMs: 50 });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' }))).message).toBe(
      "NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream s under account 000000000000 is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 340282366920938463463374607431768211455.",
    );
    expect(await failure(mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000007', NewStartingHashKey: MID }))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Could not find shard shardId-000000000007 in stream s under account 000000000000.',
    });
    expect((await failure(mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: 'abc' }))).name).toBe('ValidationException');
    await mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: MID });
    expect((await mr.kinesis.describeStreamSummary({ StreamName: 's' })).StreamDescriptionSummary.StreamStatus).toBe('UPDATING');
    expect(await failure(mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: MID }))).toEqual({
      name: 'ResourceInUseException',
      message: 'Stream s under account 000000000000 not ACTIVE, instead in state UPDATING',
    });
    // Writes keep working while UPDATING.
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('x'), PartitionKey: 'k' });
    await new Promise((r) => setTimeout(r, 120));
    expect((await mr.kinesis.describeStreamSummary({ StreamName: 's' })).StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2 });
    expect((await failure(mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: MID }))).name).toBe('InvalidArgumentException');
  });

  it('respects the account shard limit', async () => {
    const mr = await openMillrace({ shardLimit: 1 });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: MID }))).name).toBe('LimitExceededException');
  });

  it('never acknowledges a write to the parent after its ending sequence number', async () => {
    const mr = await openMillrace({ throttling: false });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    let done = false;
    const split = mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: MID }).finally(() => (done = true));
    const writes: Promise<Awaited<ReturnType<typeof mr.kinesis.putRecords>>>[] = [];
    for (let i = 0; !done && i < 1000; i++) {
      writes.push(mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: bytes(`w${i}`), PartitionKey: `k${i}` }] }));
      await new Promise((r) => setImmediate(r));
    }
    await split;
    const results = await Promise.all(writes);
    const parent = (await mr.kinesis.describeStream({ StreamName: 's' })).StreamDescription.Shards[0]!;
    const end = BigInt(parent.SequenceNumberRange.EndingSequenceNumber!);
    const inParent = results.flatMap((r) => r.Records).filter((r) => r.ShardId === 'shardId-000000000000');
    for (const r of inParent) expect(BigInt(r.SequenceNumber!) <= end).toBe(true);
    expect((await drain(mr, 'shardId-000000000000')).data).toHaveLength(inParent.length);
    expect(results.flatMap((r) => r.Records).length).toBe(writes.length);
  });
});

// put-batch.ts, read-shard.ts, tail-shard.ts through the facade's `mr.fast`.
import { describe, expect, it } from 'vitest';
import { bytes, failure, openMillrace, text } from '../kinesis/helpers.js';

describe('fast path', () => {
  it('puts thousands of records in one call and reads them back zero-copy', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 4 });
    const records = Array.from({ length: 5000 }, (_, i) => ({ data: bytes(`r${i}`), partitionKey: `k${i}` }));
    const res = await mr.fast.put('s', records);
    expect(res.shards.reduce((n, s) => n + s.count, 0)).toBe(5000);
    // Placements agree with the AWS-shaped API's view of the same records.
    const i = 1234;
    const shard = res.shards[res.shardOf[i]!]!;
    const read = await mr.fast.read('s', shard.shardId, { offset: res.offsetOf[i]!, maxRecords: 1 });
    expect(text(read.records[0]!.data)).toBe('r1234');
    expect(read.records[0]!.partitionKey).toBe('k1234');
    const it = await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: shard.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: read.sequenceNumber(res.offsetOf[i]!) });
    expect(text((await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator!, Limit: 1 })).Records[0]!.Data)).toBe('r1234');
    const all = await mr.fast.read('s', shard.shardId);
    expect(all.records).toHaveLength(shard.count);
    expect(all.nextOffset).toBe(all.endOffset);
    expect((await mr.metrics('s')).counters.IncomingRecords).toBe(5000);
  });

  it('tails a shard, pushing new batches', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const tail = await mr.fast.tail('s', 'shardId-000000000000');
    expect((await tail.next()).value.records).toEqual([]);
    const pending = tail.next();
    await mr.fast.put('s', [{ data: bytes('a'), partitionKey: 'k' }, { data: bytes('b'), partitionKey: 'k' }]);
    expect((await pending).value.records.map((r: { data: Uint8Array }) => text(r.data))).toEqual(['a', 'b']);
    await tail.return!();
  });

  it('reports bad arguments', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(mr.fast.put('none', [{ data: bytes('a'), partitionKey: 'k' }]))).name).toBe('ResourceNotFoundException');
    expect((await failure(mr.fast.put('s', []))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.put('s', [{ data: bytes('a'), partitionKey: 'k', explicitHashKey: '-1' }]))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.read('s', 'shardId-000000000009'))).name).toBe('ResourceNotFoundException');
  });
});

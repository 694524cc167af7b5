import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { bytes, failure, openMillrace, text } from './helpers.js';

const SHARD = 'shardId-000000000000';

async function setup(clock = new ManualClock()) {
  // Many reads of one shard at one instant: read throttling would get in the way.
  const mr = await openMillrace({ clock, throttling: false });
  await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
  const seqs: string[] = [];
  for (const v of ['a', 'b', 'c']) {
    seqs.push((await mr.kinesis.putRecord({ StreamName: 's', Data: bytes(v), PartitionKey: 'k' })).SequenceNumber);
    clock.advance(1000);
  }
  const read = async (req: Parameters<typeof mr.kinesis.getShardIterator>[0]) => {
    const { ShardIterator } = await mr.kinesis.getShardIterator(req);
    return (await mr.kinesis.getRecords({ ShardIterator: ShardIterator! })).Records.map((r) => text(r.Data));
  };
  return { mr, seqs, read, clock };
}

describe('GetShardIterator', () => {
  it('supports all five iterator types', async () => {
    const { mr, seqs, read, clock } = await setup();
    const base = { StreamName: 's', ShardId: SHARD };
    expect(await read({ ...base, ShardIteratorType: 'TRIM_HORIZON' })).toEqual(['a', 'b', 'c']);
    expect(await read({ ...base, ShardIteratorType: 'LATEST' })).toEqual([]);
    expect(await read({ ...base, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: seqs[1] })).toEqual(['b', 'c']);
    expect(await read({ ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: seqs[1] })).toEqual(['c']);
    const t0 = clock.now() - 3000;
    expect(await read({ ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(t0 + 1000) })).toEqual(['b', 'c']);
    expect(await read({ ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(t0 + 500) })).toEqual(['b', 'c']);
    // The shard's StartingSequenceNumber reads from the first record.
    const start = (await mr.kinesis.describeStream({ StreamName: 's' })).StreamDescription.Shards[0]!.SequenceNumberRange.StartingSequenceNumber;
    expect(await read({ ...base, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: start })).toEqual(['a', 'b', 'c']);
    expect(await read({ ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: start })).toEqual(['a', 'b', 'c']);
  });

  it('accepts a StreamARN and loose shard ids', async () => {
    const { read } = await setup();
    expect(await read({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', ShardId: '0', ShardIteratorType: 'TRIM_HORIZON' })).toHaveLength(3);
  });

  it('checks type and sequence number agree', async () => {
    const { mr, seqs } = await setup();
    const base = { StreamName: 's', ShardId: SHARD };
    expect((await failure(mr.kinesis.getShardIterator({ ...base, ShardIteratorType: 'AT_SEQUENCE_NUMBER' }))).message).toBe(
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.',
    );
    expect((await failure(mr.kinesis.getShardIterator({ ...base, ShardIteratorType: 'LATEST', StartingSequenceNumber: seqs[0] }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.getShardIterator({ ...base, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: '123' }))).message).toBe(
      'StartingSequenceNumber 123 used in GetShardIterator on shard shardId-000000000000 in stream s under account 000000000000 is invalid.',
    );
    expect((await failure(mr.kinesis.getShardIterator({ ...base, ShardIteratorType: 'BOGUS' as never }))).message).toContain('Member must satisfy enum value set');
  });

  it('refuses sequence numbers of another shard or an earlier stream of the same name', async () => {
    const { mr, seqs } = await setup();
    await mr.kinesis.createStream({ StreamName: 't', ShardCount: 2 });
    const other = await mr.kinesis.putRecord({ StreamName: 't', Data: bytes('x'), PartitionKey: 'k', ExplicitHashKey: '340282366920938463463374607431768211455' });
    const e = await failure(mr.kinesis.getShardIterator({ StreamName: 't', ShardId: SHARD, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: other.SequenceNumber }));
    expect(e.message).toBe('Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000');
    await mr.kinesis.deleteStream({ StreamName: 's' });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const stale = await failure(mr.kinesis.getShardIterator({ StreamName: 's', ShardId: SHARD, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: seqs[0] }));
    expect(stale.message).toContain('because it did not come from this stream');
  });

  it('validates timestamps', async () => {
    const { mr, clock } = await setup();
    const base = { StreamName: 's', ShardId: SHARD, ShardIteratorType: 'AT_TIMESTAMP' as const };
    expect((await failure(mr.kinesis.getShardIterator(base))).message).toBe(
      'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
    );
    expect((await failure(mr.kinesis.getShardIterator({ ...base, Timestamp: new Date(clock.now() + 10_000) }))).message).toMatch(
      /^The timestampInMillis parameter cannot be greater than the currentTimestampInMillis/,
    );
  });

  it('reports unknown shards and streams', async () => {
    const { mr } = await setup();
    expect(await failure(mr.kinesis.getShardIterator({ StreamName: 's', ShardId: 'shardId-000000000009', ShardIteratorType: 'LATEST' }))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Shard shardId-000000000009 in stream s under account 000000000000 does not exist',
    });
    expect((await failure(mr.kinesis.getShardIterator({ StreamName: 'x', ShardId: SHARD, ShardIteratorType: 'LATEST' }))).name).toBe('ResourceNotFoundException');
  });
});

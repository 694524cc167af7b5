import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { Millrace } from '../../../src/millrace.js';
import { tempDir } from '../../helpers/tmp.js';
import { bytes, failure, openMillrace, text } from './helpers.js';

const SHARD = 'shardId-000000000000';

async function iterator(mr: Millrace, type: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON', stream = 's') {
  return (await mr.kinesis.getShardIterator({ StreamName: stream, ShardId: SHARD, ShardIteratorType: type })).ShardIterator!;
}

describe('GetRecords', () => {
  it('follows NextShardIterator with Limit, returning AWS record shapes', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.putRecords({ StreamName: 's', Records: Array.from({ length: 5 }, (_, i) => ({ Data: bytes(`r${i}`), PartitionKey: `p${i}` })) });
    let it = await iterator(mr);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await mr.kinesis.getRecords({ ShardIterator: it, Limit: 2 });
      seen.push(...res.Records.map((r) => text(r.Data)));
      it = res.NextShardIterator!;
    }
    expect(seen).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    const again = await mr.kinesis.getRecords({ ShardIterator: await iterator(mr), Limit: 1 });
    expect(again.Records[0]).toEqual({
      SequenceNumber: expect.stringMatching(/^\d{56}$/),
      ApproximateArrivalTimestamp: new Date(clock.now()),
      Data: expect.any(Uint8Array),
      PartitionKey: 'p0',
    });
    expect(again.MillisBehindLatest).toBe(0);
  });

  it('sees records appended after a LATEST iterator was taken', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const it = await iterator(mr, 'LATEST');
    const empty = await mr.kinesis.getRecords({ ShardIterator: it });
    expect(empty.Records).toEqual([]);
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('new'), PartitionKey: 'k' });
    const res = await mr.kinesis.getRecords({ ShardIterator: empty.NextShardIterator! });
    expect(res.Records.map((r) => text(r.Data))).toEqual(['new']);
  });

  it('expires iterators after 5 minutes with AWS wording', async () => {
    const clock = new ManualClock(Date.UTC(2015, 0, 22, 1, 22, 2));
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const it = await iterator(mr);
    clock.advance(300_000);
    await mr.kinesis.getRecords({ ShardIterator: it });
    clock.advance(1);
    expect(await failure(mr.kinesis.getRecords({ ShardIterator: it }))).toEqual({
      name: 'ExpiredIteratorException',
      message:
        'Iterator expired. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 while right now it is Thu Jan 22 01:27:02 UTC 2015 which is further in the future than the tolerated delay of 300000 milliseconds.',
    });
  });

  it('rejects tampered or foreign iterators', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const it = Buffer.from(await iterator(mr), 'base64');
    it[18]! ^= 0xff;
    expect(await failure(mr.kinesis.getRecords({ ShardIterator: it.toString('base64') }))).toEqual({ name: 'InvalidArgumentException', message: 'Invalid ShardIterator.' });
    const other = await openMillrace();
    await other.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(other.kinesis.getRecords({ ShardIterator: await iterator(mr) }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.getRecords({ ShardIterator: 'x'.repeat(513) }))).name).toBe('ValidationException');
    expect((await failure(mr.kinesis.getRecords({ ShardIterator: await iterator(mr), Limit: 10001 }))).name).toBe('ValidationException');
  });

  it('throttles provisioned shards at 5 calls per second', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const it = await iterator(mr);
    for (let i = 0; i < 5; i++) await mr.kinesis.getRecords({ ShardIterator: it });
    expect(await failure(mr.kinesis.getRecords({ ShardIterator: it }))).toEqual({
      name: 'ProvisionedThroughputExceededException',
      message: 'Rate exceeded for Shard - 000000000000/s/shardId-000000000000',
    });
    clock.advance(200);
    await mr.kinesis.getRecords({ ShardIterator: it });
    expect((await mr.metrics('s')).counters.ReadProvisionedThroughputExceeded).toBe(1);
  });

  it('stops at 10 MiB per call and goes on from NextShardIterator, plain and LZ4 at rest', async () => {
    for (const compression of ['none', 'lz4'] as const) {
      const mr = await openMillrace({ compression, throttling: false });
      await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
      // 14 records of 1 MiB: more than one call may return.
      for (let i = 0; i < 14; i++) {
        await mr.kinesis.putRecord({ StreamName: 's', Data: Buffer.alloc(1024 * 1024, i), PartitionKey: `p${i}` });
      }
      let it = await iterator(mr);
      const calls: number[] = [];
      const firstBytes: number[] = [];
      while (firstBytes.length < 14) {
        const res = await mr.kinesis.getRecords({ ShardIterator: it });
        const bytesOut = res.Records.reduce((n, r) => n + r.Data.byteLength + (r.PartitionKey ?? '').length, 0);
        expect(bytesOut).toBeLessThanOrEqual(10 * 1024 * 1024);
        calls.push(res.Records.length);
        for (const r of res.Records) firstBytes.push(r.Data[0]!);
        it = res.NextShardIterator!;
      }
      expect(calls[0]).toBeGreaterThanOrEqual(8);
      expect(calls[0]).toBeLessThan(14);
      expect(firstBytes).toEqual(Array.from({ length: 14 }, (_, i) => i));
      await mr.close();
    }
  });

  it('reports MillisBehindLatest when it stops short of the tip', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('old'), PartitionKey: 'k' });
    clock.advance(5000);
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('new'), PartitionKey: 'k' });
    clock.advance(1000);
    const res = await mr.kinesis.getRecords({ ShardIterator: await iterator(mr), Limit: 1 });
    expect(res.MillisBehindLatest).toBe(6000);
    expect((await mr.metrics('s')).gauges['GetRecords.IteratorAgeMilliseconds'].last).toBe(6000);
  });

  it('hides records past a shortened retention period', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.increaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 48 });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('old'), PartitionKey: 'k' });
    clock.advance(30 * 3_600_000);
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('new'), PartitionKey: 'k' });
    expect((await mr.kinesis.getRecords({ ShardIterator: await iterator(mr) })).Records.map((r) => text(r.Data))).toEqual(['old', 'new']);
    await mr.kinesis.decreaseStreamRetentionPeriod({ StreamName: 's', RetentionPeriodHours: 24 });
    expect((await mr.kinesis.getRecords({ ShardIterator: await iterator(mr) })).Records.map((r) => text(r.Data))).toEqual(['new']);
    await mr.enforceRetention();
  });

  it('returns the same records and sequence numbers after a restart', async () => {
    const dataDir = tempDir();
    const first = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    await first.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    const put = await first.kinesis.putRecords({ StreamName: 's', Records: Array.from({ length: 20 }, (_, i) => ({ Data: bytes(`r${i}`), PartitionKey: `k${i}` })) });
    const it = await iterator(first);
    await first.close();
    const mr = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    try {
      const res = await mr.kinesis.getRecords({ ShardIterator: it });
      const expected = put.Records.filter((r) => r.ShardId === SHARD).map((r) => r.SequenceNumber);
      expect(res.Records.map((r) => r.SequenceNumber)).toEqual(expected);
      const next = await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('after'), PartitionKey: 'x', ExplicitHashKey: '0' });
      expect(BigInt(next.SequenceNumber) > BigInt(expected[expected.length - 1]!)).toBe(true);
    } finally {
      await mr.close();
    }
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { compareSequenceNumbers } from '../../../src/core/sequence-number.js';
import { bytes, failure, openMillrace } from './helpers.js';

const md5 = (k: string) => BigInt('0x' + createHash('md5').update(k).digest('hex'));

describe('PutRecords', () => {
  it('routes each record to the shard owning its key hash, results in request order', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 4 });
    const { StreamDescription } = await mr.kinesis.describeStream({ StreamName: 's' });
    const records = Array.from({ length: 200 }, (_, i) => ({ Data: bytes(`r${i}`), PartitionKey: `key-${i}` }));
    const out = await mr.kinesis.putRecords({ StreamName: 's', Records: records });
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records).toHaveLength(200);
    const lastSeq = new Map<string, string>();
    out.Records.forEach((r, i) => {
      const shard = StreamDescription.Shards.find((s) => s.ShardId === r.ShardId)!;
      const h = md5(`key-${i}`);
      expect(h >= BigInt(shard.HashKeyRange.StartingHashKey) && h <= BigInt(shard.HashKeyRange.EndingHashKey)).toBe(true);
      const prev = lastSeq.get(r.ShardId!);
      if (prev) expect(compareSequenceNumbers(prev, r.SequenceNumber!)).toBe(-1);
      lastSeq.set(r.ShardId!, r.SequenceNumber!);
    });
  });

  it('honours ExplicitHashKey', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    const out = await mr.kinesis.putRecords({
      StreamName: 's',
      Records: [
        { Data: bytes('a'), PartitionKey: 'k', ExplicitHashKey: '0' },
        { Data: bytes('b'), PartitionKey: 'k', ExplicitHashKey: '340282366920938463463374607431768211455' },
      ],
    });
    expect(out.Records.map((r) => r.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const e = await failure(mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: bytes('a'), PartitionKey: 'k', ExplicitHashKey: '340282366920938463463374607431768211456' }] }));
    expect(e).toEqual({
      name: 'InvalidArgumentException',
      message: 'Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456',
    });
  });

  it('validates the batch as AWS does', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const many = Array.from({ length: 501 }, () => ({ Data: bytes('x'), PartitionKey: 'k' }));
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: many }))).message).toContain('Member must have length less than or equal to 500');
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: [] }))).message).toContain('Member must have length greater than or equal to 1');
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: bytes('x'), PartitionKey: '' }] }))).message).toContain("at 'records.1.member.partitionKey'");
    const big = new Uint8Array(1024 * 1024 + 1);
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: big, PartitionKey: 'k' }] }))).message).toContain('Member must have length less than or equal to 1048576');
    const nine = Array.from({ length: 11 }, () => ({ Data: new Uint8Array(1024 * 1024), PartitionKey: 'k' }));
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: nine }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.putRecords({ StreamName: 'nope', Records: [{ Data: bytes('x'), PartitionKey: 'k' }] }))).name).toBe('ResourceNotFoundException');
    // Well-formed records take a quicker check; the rest of the request is still validated in full.
    const ok = [{ Data: bytes('x'), PartitionKey: 'k' }];
    expect(await failure(mr.kinesis.putRecords({ StreamName: 'bad name', Records: ok }))).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    });
    expect((await failure(mr.kinesis.putRecords({ StreamName: 7 as never, Records: ok }))).name).toBe('SerializationException');
    expect((await failure(mr.kinesis.putRecords({ Records: ok }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: [{ ...ok[0]!, ExplicitHashKey: '01' }] }))).message).toContain(
      "at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
  });

  it('refuses a request over 10 MiB of data and keys whole, before writing or throttling any record', async () => {
    const mr = await openMillrace({ clock: new ManualClock() });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const MiB = 1024 * 1024;
    // Exactly 10 MiB with the keys counted passes the limit; one byte more of key does not.
    const exact = Array.from({ length: 10 }, (_, i) => ({ Data: new Uint8Array(MiB - 2), PartitionKey: `k${i}` }));
    const over = exact.map((r, i) => (i === 9 ? { ...r, PartitionKey: 'k9x' } : r));
    expect(await failure(mr.kinesis.putRecords({ StreamName: 's', Records: over }))).toEqual({ name: 'InvalidArgumentException', message: 'Records size exceeds 10 MB limit' });
    // 500 records of 21,000 B: a provisioned shard would admit the first ~50 of them; refused
    // whole, they take none of its 1 MB/s, so a small record right after is admitted.
    const wide = Array.from({ length: 500 }, (_, i) => ({ Data: new Uint8Array(21_000), PartitionKey: `w${i}` }));
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: wide }))).name).toBe('InvalidArgumentException');
    expect((await mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: bytes('x'), PartitionKey: 'k' }] })).FailedRecordCount).toBe(0);
    const it = await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    const { Records } = await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! });
    expect(Records.map((r) => Buffer.from(r.Data).toString())).toEqual(['x']);
    expect((await mr.metrics('s')).counters['PutRecords.Bytes']).toBe(2);

    const big = await openMillrace({ throttling: false });
    await big.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    const out = await big.kinesis.putRecords({ StreamName: 's', Records: exact });
    expect(out.FailedRecordCount).toBe(0);
    expect((await big.metrics('s')).counters['PutRecords.Bytes']).toBe(10 * MiB);
  });

  it('accepts records up to a larger configured size', async () => {
    const mr = await openMillrace({ maxRecordBytes: 2 * 1024 * 1024 });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const out = await mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: new Uint8Array(1_500_000), PartitionKey: 'k' }] });
    expect(out.FailedRecordCount).toBe(0);
  });

  it('fails individual records past the provisioned shard limit, in order', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const batch = Array.from({ length: 500 }, (_, i) => ({ Data: bytes('x'), PartitionKey: `k${i}` }));
    expect((await mr.kinesis.putRecords({ StreamName: 's', Records: batch })).FailedRecordCount).toBe(0);
    expect((await mr.kinesis.putRecords({ StreamName: 's', Records: batch.slice(0, 300) })).FailedRecordCount).toBe(0);
    const third = await mr.kinesis.putRecords({ StreamName: 's', Records: batch });
    expect(third.FailedRecordCount).toBe(300);
    expect(third.Records.slice(0, 200).every((r) => r.SequenceNumber)).toBe(true);
    expect(third.Records[200]).toEqual({
      ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage: 'Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.',
    });
    clock.advance(1000);
    expect((await mr.kinesis.putRecords({ StreamName: 's', Records: batch })).FailedRecordCount).toBe(0);
    const m = await mr.metrics('s');
    expect(m.counters.WriteProvisionedThroughputExceeded).toBe(300);
    expect(m.counters.IncomingRecords).toBe(1500);
    expect(m.counters['PutRecords.FailedRecords']).toBe(300);
    expect(m.shards['shardId-000000000000']!.counters.IncomingRecords).toBe(1500);
  });

  it('does not throttle on-demand streams or when throttling is off', async () => {
    const mr = await openMillrace({ clock: new ManualClock() });
    await mr.kinesis.createStream({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    const batch = Array.from({ length: 500 }, () => ({ Data: bytes('x'), PartitionKey: 'same' }));
    for (let i = 0; i < 4; i++) expect((await mr.kinesis.putRecords({ StreamName: 'od', Records: batch })).FailedRecordCount).toBe(0);
    const off = await openMillrace({ clock: new ManualClock(), throttling: false });
    await off.kinesis.createStream({ StreamName: 'p', ShardCount: 1 });
    for (let i = 0; i < 4; i++) expect((await off.kinesis.putRecords({ StreamName: 'p', Records: batch })).FailedRecordCount).toBe(0);
  });

  it('accepts base64 strings for Data, as the JSON face delivers them', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: 'aGVsbG8=' as never, PartitionKey: 'k' }] });
    const it = await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    const { Records } = await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! });
    expect(Buffer.from(Records[0]!.Data).toString()).toBe('hello');
  });
});

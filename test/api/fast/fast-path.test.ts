// put-batch.ts, read-shard.ts, tail-shard.ts through the facade's `mr.fast`.
import { describe, expect, it } from 'vitest';
import { hashKeyToBytes } from '../../../src/core/hash-key.js';
import { packRecords } from '../../../src/storage/record-pack.js';
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

  it('ends a tail after its lifetime, and at once on a signal that was already aborted', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const timed = await mr.fast.tail('s', 'shardId-000000000000', { lifetimeMs: 50 });
    expect((await timed.next()).done).toBe(false); // the first batch comes at once, empty
    const ended = await Promise.race([timed.next(), new Promise((r) => setTimeout(() => r('still waiting'), 3000))]);
    expect(ended).toEqual({ done: true, value: undefined });
    const gone = AbortSignal.abort(new Error('gone'));
    const aborted = await mr.fast.tail('s', 'shardId-000000000000', { signal: gone });
    await expect(aborted.next()).rejects.toThrow('gone');
    expect((await failure(mr.fast.tail('s', 'shardId-000000000000', { lifetimeMs: -1 }))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.tail('s', 'shardId-000000000000', { lifetimeMs: 1.5 }))).name).toBe('InvalidArgumentError');
  });

  it('reports bad arguments', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(mr.fast.put('none', [{ data: bytes('a'), partitionKey: 'k' }]))).name).toBe('ResourceNotFoundException');
    expect((await failure(mr.fast.put('s', []))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.put('s', [{ data: bytes('a'), partitionKey: 'k', explicitHashKey: '-1' }]))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.read('s', 'shardId-000000000009'))).name).toBe('ResourceNotFoundException');
  });

  it('puts a packed payload, as is on one shard and split across four', async () => {
    const mr = await openMillrace();
    for (const [name, shards] of [['one', 1], ['four', 4]] as const) {
      await mr.kinesis.createStream({ StreamName: name, ShardCount: shards });
      const records = Array.from({ length: 300 }, (_, i) => ({ data: bytes(`p${i}`), partitionKey: `key-${i}` }));
      records[7] = { ...records[7]!, explicitHashKey: hashKeyToBytes(0n) } as never;
      const res = await mr.fast.putPacked(name, packRecords(records, 1 << 20), records.length);
      expect(res.shards).toHaveLength(shards);
      const byObjects = await mr.fast.put(name, records.map((r, i) => (i === 7 ? { ...r, explicitHashKey: '0' } : r)));
      for (let i = 0; i < records.length; i++) {
        // Same routing as the record-object path, and the record reads back where reported.
        expect(res.shards[res.shardOf[i]!]!.shardId).toBe(byObjects.shards[byObjects.shardOf[i]!]!.shardId);
        const read = await mr.fast.read(name, res.shards[res.shardOf[i]!]!.shardId, { offset: res.offsetOf[i]!, maxRecords: 1 });
        expect([text(read.records[0]!.data), read.records[0]!.partitionKey]).toEqual([`p${i}`, `key-${i}`]);
      }
    }
  });

  it('stores a batch aimed at one shard only when every record hashes into it', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 4 });
    const records = Array.from({ length: 400 }, (_, i) => ({ data: bytes(`t${i}`), partitionKey: `key-${i}` }));
    const routed = await mr.fast.put('s', records);
    // The records of one shard, as a producer that routes itself would send them.
    const target = routed.shards[0]!.shardId;
    const mine = records.filter((_, i) => routed.shards[routed.shardOf[i]!]!.shardId === target);
    const res = await mr.fast.putPacked('s', packRecords(mine, 1 << 20), mine.length, { shardId: target });
    expect(res.shards.map((x) => [x.shardId, x.count])).toEqual([[target, mine.length]]);
    // One record of another shard among them: refused whole, naming the record; nothing stored.
    const before = (await mr.fast.read('s', target, { offset: 0, maxRecords: 10_000 })).records.length;
    const stray = records.findIndex((_, i) => routed.shards[routed.shardOf[i]!]!.shardId !== target);
    const mixed = [...mine.slice(0, 5), records[stray]!, ...mine.slice(5)];
    const err = await failure(mr.fast.putPacked('s', packRecords(mixed, 1 << 20), mixed.length, { shardId: target }));
    expect([err.name, err.message]).toEqual(['InvalidArgumentException', `record 5 hashes outside shard ${target}: the shard map is stale`]);
    expect((await mr.fast.read('s', target, { offset: 0, maxRecords: 10_000 })).records).toHaveLength(before);
    // A shard that is not open.
    const closed = await failure(mr.fast.putPacked('s', packRecords(mine, 1 << 20), mine.length, { shardId: 'shardId-000000000009' }));
    expect([closed.name, closed.message]).toEqual(['InvalidArgumentException', 'shard shardId-000000000009 of stream s is not open']);
  });

  it('refuses a malformed packed payload', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    const payload = packRecords([{ data: bytes('a'), partitionKey: 'k' }], 100);
    expect((await failure(mr.fast.putPacked('s', payload, 2))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.putPacked('s', Buffer.concat([payload, Buffer.alloc(3)]), 1))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.putPacked('s', payload.subarray(0, 10), 1))).name).toBe('InvalidArgumentError');
    expect((await failure(mr.fast.putPacked('s', payload, 0))).name).toBe('InvalidArgumentError');
  });

  it('keeps every record intact across many concurrent puts (pooled packing buffers)', async () => {
    const mr = await openMillrace({ throttling: false });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 3 });
    const calls = Array.from({ length: 24 }, (_, c) => {
      const records = Array.from({ length: 200 }, (_, i) => ({ data: bytes(`c${c}-r${i}-${'x'.repeat((c * 7 + i) % 300)}`), partitionKey: `k${(c * 31 + i) % 97}` }));
      return c % 2 ? mr.fast.put('s', records) : mr.kinesis.putRecords({ StreamName: 's', Records: records.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })) });
    });
    await Promise.all(calls);
    const seen: string[] = [];
    for (const shardId of ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']) {
      for (const r of (await mr.fast.read('s', shardId)).records) seen.push(text(r.data));
    }
    const expected = Array.from({ length: 24 }, (_, c) => Array.from({ length: 200 }, (_, i) => `c${c}-r${i}-${'x'.repeat((c * 7 + i) % 300)}`)).flat();
    expect(seen.sort()).toEqual(expected.sort());
  });
});

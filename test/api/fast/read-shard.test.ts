// read-shard.ts and tail-shard.ts with `packed: true`: the records as the stored batches' packed
// bytes, checked against the record-object reads of the same shard.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { RecordCursor } from '../../../src/core/record-pack.js';
import type { FastBatch } from '../../../src/api/fast/read-shard.js';
import { bytes, failure, openMillrace, text } from '../kinesis/helpers.js';

const SHARD = 'shardId-000000000000';

function unpack(batches: FastBatch[]): Array<[number, string, string]> {
  const out: Array<[number, string, string]> = [];
  for (const b of batches) {
    const c = new RecordCursor(b.payload, 0, b.payload.length, b.firstOffset, b.baseTimestamp);
    while (c.next()) out.push([c.offset, c.partitionKey(), c.data().toString()]);
  }
  return out;
}

async function filled(batches: number, per: number, options = {}) {
  const mr = await openMillrace(options);
  await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
  for (let b = 0; b < batches; b++) await mr.fast.put('s', Array.from({ length: per }, (_, i) => ({ data: bytes(`b${b}r${i}`), partitionKey: `k${i}` })));
  return mr;
}

describe('fast packed reads', () => {
  it('return the records read() returns, batch by batch, from any offset and within the limits', async () => {
    const mr = await filled(4, 10);
    const records = (await mr.fast.read('s', SHARD)).records.map((r) => [r.offset, r.partitionKey, text(r.data)]);
    const whole = await mr.fast.read('s', SHARD, { packed: true });
    expect(whole.records).toEqual([]);
    expect(whole.batches!.map((b) => [b.firstOffset, b.recordCount])).toEqual([[0, 10], [10, 10], [20, 10], [30, 10]]);
    expect(unpack(whole.batches!)).toEqual(records);
    expect([whole.nextOffset, whole.endOffset, whole.atShardEnd]).toEqual([40, 40, false]);
    const part = await mr.fast.read('s', SHARD, { packed: true, offset: 7, maxRecords: 15 });
    expect(unpack(part.batches!)).toEqual(records.slice(7, 22));
    expect(part.nextOffset).toBe(22);
  });

  it('follow retention: a trimmed offset reads from the oldest record kept, expired records are left out', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const mr = await filled(2, 5, { clock });
    clock.advance(25 * 3_600_000);
    await mr.fast.put('s', [{ data: bytes('fresh'), partitionKey: 'k' }]);
    const res = await mr.fast.read('s', SHARD, { packed: true, offset: 0 });
    expect(unpack(res.batches!)).toEqual([[10, 'k', 'fresh']]);
    expect(res.nextOffset).toBe(11);
  });

  it('tail pushes packed batches as they are appended', async () => {
    const mr = await filled(0, 0);
    const tail = await mr.fast.tail('s', SHARD, { packed: true });
    expect((await tail.next()).value).toMatchObject({ records: [], batches: [] });
    const pending = tail.next();
    await mr.fast.put('s', [{ data: bytes('a'), partitionKey: 'k' }, { data: bytes('b'), partitionKey: 'k' }]);
    const got = (await pending).value;
    expect(got.records).toEqual([]);
    expect(unpack(got.batches)).toEqual([[0, 'k', 'a'], [1, 'k', 'b']]);
    expect(got.nextOffset).toBe(2);
    await tail.return!();
  });

  it('report a bad packed option', async () => {
    const mr = await filled(1, 1);
    expect(await failure(mr.fast.read('s', SHARD, { packed: 'yes' as unknown as boolean }))).toMatchObject({ name: 'InvalidArgumentError' });
    expect(await failure(mr.fast.tail('s', SHARD, { packed: 1 as unknown as boolean }))).toMatchObject({ name: 'InvalidArgumentError' });
  });
});

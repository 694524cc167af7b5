// Stored batches out to wire batches: views of the log, cut at record boundaries by the limits.
import { afterEach, describe, expect, it } from 'vitest';
import { recordsOf } from '../../../src/client/index.js';
import { Millrace } from '../../../src/millrace.js';
import { checkPackedRecords } from '../../../src/protocol/index.js';
import { BATCH_OVERHEAD, slicePacked } from '../../../src/server/tcp/record-views.js';
import { tempDir } from '../../helpers/tmp.js';

let mr: Millrace | undefined;
afterEach(async () => {
  await mr?.close();
  mr = undefined;
});

const NO_LIMIT = { maxRecords: 1e9, maxBytes: 1e9, overshoot: false, frameBudget: 1e9 };

async function stored(batches: number, perBatch: number) {
  mr = await Millrace.open({ dataDir: tempDir(), throttling: false, log: { durability: 'never' } });
  await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
  for (let b = 0; b < batches; b++) {
    await mr.fast.put('s', Array.from({ length: perBatch }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from(`b${b}r${i}`) })));
  }
  const packed = await mr.fast.read('s', 'shardId-000000000000', { offset: 0, packed: true });
  const { records } = await mr.fast.read('s', 'shardId-000000000000', { offset: 0 });
  return { batches: packed.batches!, records };
}

const shape = (rs: Iterable<{ offset: number; timestamp: number; partitionKey: string; data: Buffer }>) => [...rs].map((r) => [r.offset, r.timestamp, r.partitionKey, r.data.toString()]);

describe('slicePacked', () => {
  it('sends each stored batch as it is: the same bytes, no copy', async () => {
    const { batches, records } = await stored(3, 50);
    const slice = slicePacked(batches, 0, NO_LIMIT);
    expect([slice.count, slice.taken, slice.rest, slice.batches.length]).toEqual([150, 3, undefined, 3]);
    slice.batches.forEach((b, i) => {
      expect(b.payload).toBe(batches[i]!.payload);
      checkPackedRecords(b.payload, b.recordCount);
    });
    expect(shape(recordsOf(slice.batches))).toEqual(shape(records));
  });

  it('cuts a batch at the record and byte limits, overshooting by one record only when asked, and hands back the rest', async () => {
    const { batches, records } = await stored(1, 10);
    const size = 16 + 2 + 4; // header, key "kN", data "b0rN"
    const three = slicePacked(batches, 0, { ...NO_LIMIT, maxRecords: 3 });
    expect([three.count, three.bytes, three.taken, three.rest!.firstOffset, three.rest!.recordCount]).toEqual([3, 3 * size, 0, 3, 7]);
    const next = slicePacked([three.rest!], 0, NO_LIMIT);
    expect(shape([...recordsOf(three.batches), ...recordsOf(next.batches)])).toEqual(shape(records));
    expect(slicePacked(batches, 0, { ...NO_LIMIT, maxBytes: size * 2 + 1 }).count).toBe(2);
    expect(slicePacked(batches, 0, { ...NO_LIMIT, maxBytes: size * 2 + 1, overshoot: true }).count).toBe(3);
    expect(slicePacked(batches, 0, { ...NO_LIMIT, maxBytes: 1 }).count).toBe(1);
    expect(slicePacked(batches, 0, { ...NO_LIMIT, frameBudget: BATCH_OVERHEAD + 4 * size }).count).toBe(4);
    expect(() => slicePacked(batches, 0, { ...NO_LIMIT, frameBudget: 10 })).toThrow(/frame limit/);
  });

  it('stops between batches when the next one does not fit, leaving it whole', async () => {
    const { batches } = await stored(3, 5);
    const slice = slicePacked(batches, 1, { ...NO_LIMIT, maxRecords: 5 });
    expect([slice.count, slice.taken, slice.rest]).toEqual([5, 1, undefined]);
    expect(slice.batches[0]!.firstOffset).toBe(5);
    expect(slice.lastTimestamp).toBe(batches[1]!.baseTimestamp);
  });
});

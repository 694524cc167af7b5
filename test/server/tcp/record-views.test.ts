// Records between the engine's fast API and wire batches: reads leave as views of the log, not copies.
import { afterEach, describe, expect, it } from 'vitest';
import { recordsOf } from '../../../src/client/index.js';
import { Millrace } from '../../../src/millrace.js';
import { checkPackedRecords } from '../../../src/protocol/index.js';
import { sliceRecords, unpackRecords } from '../../../src/server/tcp/record-views.js';
import { packRecords } from '../../../src/client/records.js';
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
  return (await mr.fast.read('s', 'shardId-000000000000', { offset: 0 })).records;
}

describe('sliceRecords', () => {
  it('sends each stored batch as one view of the log', async () => {
    const records = await stored(3, 50);
    const slice = sliceRecords(records, 0, NO_LIMIT);
    expect(slice.count).toBe(150);
    expect(slice.batches.length).toBe(3);
    for (const b of slice.batches) {
      expect(b.payload.buffer).toBe(records[0]!.data.buffer);
      checkPackedRecords(b.payload, b.recordCount);
    }
    const back = [...recordsOf(slice.batches)];
    expect(back.map((r) => [r.offset, r.timestamp, r.partitionKey, r.data.toString()])).toEqual(records.map((r) => [r.offset, r.timestamp, r.partitionKey, r.data.toString()]));
  });

  it('packs a copy of records that are not laid out in memory, with their times', async () => {
    const records = (await stored(1, 3)).map((r, i) => ({ ...r, data: Buffer.from(r.data), timestamp: r.timestamp + i }));
    const slice = sliceRecords(records, 0, NO_LIMIT);
    expect(slice.batches.length).toBe(1);
    expect([...recordsOf(slice.batches)].map((r) => [r.offset, r.timestamp, r.data.toString()])).toEqual(records.map((r) => [r.offset, r.timestamp, r.data.toString()]));
  });

  it('stops at the record and byte limits, and overshoots by one record only when asked', async () => {
    const records = await stored(1, 10);
    const size = 16 + 2 + 4; // header, key "kN", data "b0rN"
    expect(sliceRecords(records, 2, { ...NO_LIMIT, maxRecords: 3 }).count).toBe(3);
    expect(sliceRecords(records, 0, { ...NO_LIMIT, maxBytes: size * 2 + 1 }).count).toBe(2);
    expect(sliceRecords(records, 0, { ...NO_LIMIT, maxBytes: size * 2 + 1, overshoot: true }).count).toBe(3);
    expect(sliceRecords(records, 0, { ...NO_LIMIT, maxBytes: 1 }).count).toBe(1);
    expect(() => sliceRecords(records, 0, { ...NO_LIMIT, frameBudget: 10 })).toThrow(/frame limit/);
  });
});

describe('unpackRecords', () => {
  it('turns a packed payload into records whose data views it', () => {
    const { payload, count } = packRecords([
      { partitionKey: 'ä', data: 'one' },
      { partitionKey: 'k', data: 'two', explicitHashKey: 12345n },
    ]);
    const out = unpackRecords(payload, count);
    expect(out.map((r) => [r.partitionKey, Buffer.from(r.data).toString(), r.explicitHashKey])).toEqual([
      ['ä', 'one', undefined],
      ['k', 'two', '12345'],
    ]);
    expect(out[0]!.data.buffer).toBe(payload.buffer);
  });
});

// PutRecords over entries a face handed over packed (the HTTP face's JSON scanner does): the same
// placements, stored records, errors and throttling as over the same entries as objects.
import { describe, expect, it } from 'vitest';
import { PackedPutEntries, packedPutInput, payloadBuffer } from '../../../src/api/kinesis/packed-put.js';
import type { PutRecordsInput } from '../../../src/api/kinesis/shapes.js';
import { ManualClock } from '../../../src/core/clock.js';
import { packedRecordSize, writePackedRecord } from '../../../src/core/record-pack.js';
import { bytes, failure, openMillrace } from './helpers.js';

interface Entry {
  Data: Uint8Array;
  PartitionKey: string;
}

/** Counts how often the objects were built from the packed bytes: 0 means the packed path ran. */
class Counted extends PackedPutEntries {
  built = 0;
  override toEntries() {
    this.built++;
    return super.toEntries();
  }
}

function packed(entries: Entry[], rest: Record<string, unknown> = { StreamName: 's' }): { input: PutRecordsInput; counted: Counted } {
  const size = entries.reduce((n, e) => n + packedRecordSize(e.PartitionKey.length, e.Data.length, false), 0);
  const payload = Buffer.alloc(size);
  let pos = 0;
  for (const e of entries) pos = writePackedRecord(payload, pos, e.Data, e.PartitionKey, e.PartitionKey.length);
  const bytesOf = entries.reduce((n, e) => n + e.Data.length + e.PartitionKey.length, 0);
  const counted = new Counted(payload, entries.length, bytesOf, Math.max(...entries.map((e) => e.Data.length)));
  return { input: packedPutInput({ ...rest }, counted) as unknown as PutRecordsInput, counted };
}

async function readAll(mr: Awaited<ReturnType<typeof openMillrace>>, stream: string): Promise<Map<string, { data: string; key: string }[]>> {
  const out = new Map<string, { data: string; key: string }[]>();
  const { Shards } = await mr.kinesis.listShards({ StreamName: stream });
  for (const s of Shards!) {
    const it = await mr.kinesis.getShardIterator({ StreamName: stream, ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' });
    const { Records } = await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! });
    out.set(s.ShardId, Records.map((r) => ({ data: Buffer.from(r.Data).toString(), key: r.PartitionKey! })));
  }
  return out;
}

describe('PutRecords over packed entries', () => {
  it('places and stores every record as PutRecords over objects does, without building the objects', async () => {
    const entries = Array.from({ length: 300 }, (_, i) => ({ Data: bytes(`data-${i}`), PartitionKey: `key-${i % 97}` }));
    const results = [];
    const stored = [];
    for (const form of ['objects', 'packed'] as const) {
      const mr = await openMillrace({ throttling: false });
      await mr.kinesis.createStream({ StreamName: 's', ShardCount: 4 });
      const p = packed(entries);
      const out = await mr.kinesis.putRecords(form === 'packed' ? p.input : { StreamName: 's', Records: entries });
      if (form === 'packed') expect(p.counted.built).toBe(0);
      results.push(out);
      stored.push(await readAll(mr, 's'));
      const m = await mr.metrics('s');
      expect(m.counters.IncomingRecords).toBe(300);
      expect(m.counters['PutRecords.Bytes']).toBe(entries.reduce((n, e) => n + e.Data.length + e.PartitionKey.length, 0));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[1]!.FailedRecordCount).toBe(0);
    expect(stored[1]).toEqual(stored[0]);
  });

  it('gives a pooled payload back once the appends settled, having stored the records', async () => {
    const mr = await openMillrace({ throttling: false });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    const entries = Array.from({ length: 50 }, (_, i) => ({ Data: bytes(`data-${i}`), PartitionKey: `key-${i}` }));
    const size = entries.reduce((n, e) => n + packedRecordSize(e.PartitionKey.length, e.Data.length, false), 0);
    const pooled = payloadBuffer(size);
    let pos = 0;
    for (const e of entries) pos = writePackedRecord(pooled, pos, e.Data, e.PartitionKey, e.PartitionKey.length);
    const packedEntries = new PackedPutEntries(pooled.subarray(0, size), entries.length, 0, 10, pooled);
    expect((await mr.kinesis.putRecords(packedPutInput({ StreamName: 's' }, packedEntries) as unknown as PutRecordsInput)).FailedRecordCount).toBe(0);
    // Given back: the next payload is the same buffer, and writing over it changes nothing stored.
    expect(payloadBuffer(size)).toBe(pooled);
    pooled.fill(0xee);
    const stored = [...(await readAll(mr, 's')).values()].flat();
    expect(stored.map((r) => r.key).sort()).toEqual(entries.map((e) => e.PartitionKey).sort());
    expect(stored.every((r) => r.data === `data-${r.key.slice(4)}`)).toBe(true);
    expect(() => packedEntries.toEntries()).toThrow(/given back/);
  });

  it('reads as its objects to anything that looks at Records', () => {
    const entries = [
      { Data: bytes('a'), PartitionKey: 'k' },
      { Data: new Uint8Array(0), PartitionKey: 'K'.repeat(256) },
    ];
    const { input } = packed(entries);
    expect(input).toEqual({ StreamName: 's', Records: entries.map((e) => ({ Data: Buffer.from(e.Data), PartitionKey: e.PartitionKey })) });
  });

  it('keeps per-record throttling on provisioned streams', async () => {
    const clock = new ManualClock();
    const mr = await openMillrace({ clock });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const batch = Array.from({ length: 500 }, (_, i) => ({ Data: bytes('x'), PartitionKey: `k${i}` }));
    expect((await mr.kinesis.putRecords(packed(batch).input)).FailedRecordCount).toBe(0);
    expect((await mr.kinesis.putRecords(packed(batch.slice(0, 300)).input)).FailedRecordCount).toBe(0);
    const p = packed(batch);
    const third = await mr.kinesis.putRecords(p.input);
    expect(p.counted.built).toBe(1);
    expect(third.FailedRecordCount).toBe(300);
    expect(third.Records.slice(0, 200).every((r) => r.SequenceNumber)).toBe(true);
    expect(third.Records[200]).toEqual({
      ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage: 'Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.',
    });
  });

  it('words errors as PutRecords over objects does', async () => {
    const mr = await openMillrace({ throttling: false });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const cases: Array<[Entry[], Record<string, unknown>]> = [
      [[{ Data: new Uint8Array(1024 * 1024 + 1), PartitionKey: 'k' }], { StreamName: 's' }],
      [Array.from({ length: 11 }, () => ({ Data: new Uint8Array(1024 * 1024), PartitionKey: 'k' })), { StreamName: 's' }],
      [[{ Data: bytes('x'), PartitionKey: 'k' }], { StreamName: 'bad name' }],
      [[{ Data: bytes('x'), PartitionKey: 'k' }], { StreamName: 'nope' }],
      [[{ Data: bytes('x'), PartitionKey: 'k' }], {}],
    ];
    for (const [entries, rest] of cases) {
      const expected = await failure(mr.kinesis.putRecords({ ...rest, Records: entries } as PutRecordsInput));
      expect(await failure(mr.kinesis.putRecords(packed(entries, rest).input))).toEqual(expected);
    }
  });
});

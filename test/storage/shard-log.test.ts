import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ClosedError, InvalidArgumentError, OffsetOutOfRangeError, RecordTooLargeError } from '../../src/errors.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import type { IoMode } from '../../src/storage/types.js';
import { tempDir } from '../helpers/tmp.js';

const rec = (i: number, size = 100) => ({ partitionKey: `pk-${i % 13}`, data: Buffer.alloc(size, i % 251) });

describe.each<IoMode>(['io_uring', 'pwrite'])('ShardLog over %s', (io) => {
  test('round trip: offsets, keys, hash keys, data and timestamps come back', async () => {
    const log = await ShardLog.open(tempDir(), { io, durability: 'always' });
    expect(log.io).toBe(io);
    const hash = Buffer.alloc(16, 0xab);
    const a = await log.append([
      { partitionKey: 'ünïcode-key', data: Buffer.from('first') },
      { partitionKey: 'k', data: new Uint8Array(0), explicitHashKey: hash },
    ], { timestamp: 1_000 });
    expect(a).toEqual({ firstOffset: 0, lastOffset: 1, timestamp: 1_000 });
    const b = await log.append([rec(7)], { timestamp: 2_000 });
    expect(b.firstOffset).toBe(2);
    const { records, nextOffset } = log.read({ offset: 0 });
    expect(nextOffset).toBe(3);
    expect(records.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(records[0].partitionKey).toBe('ünïcode-key');
    expect(records[0].data.toString()).toBe('first');
    expect(records[0].explicitHashKey).toBeUndefined();
    expect(Buffer.from(records[1].explicitHashKey!)).toEqual(hash);
    expect(records[1].data.length).toBe(0);
    expect(records[2].timestamp).toBe(2_000);
    expect(records[2].data).toEqual(Buffer.alloc(100, 7));
    await log.close();
  });

  test('reads honour record and byte limits and continue from nextOffset', async () => {
    const log = await ShardLog.open(tempDir(), { io, durability: 'never' });
    for (let i = 0; i < 20; i++) await log.append(Array.from({ length: 50 }, (_, j) => rec(i * 50 + j)));
    let offset = 0;
    const seen: number[] = [];
    while (offset < log.endOffset) {
      const { records, nextOffset } = log.read({ offset }, { maxRecords: 37 });
      expect(records.length).toBeLessThanOrEqual(37);
      seen.push(...records.map((r) => r.offset));
      offset = nextOffset;
    }
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const byBytes = log.read({ offset: 10 }, { maxBytes: 250 });
    expect(byBytes.records.map((r) => r.offset)).toEqual([10, 11]);
    // A first record larger than maxBytes still comes back, so a reader never stalls.
    expect(log.read({ offset: 5 }, { maxBytes: 1 }).records.length).toBe(1);
    await log.close();
  });

  test('segments roll at segmentBytes and reads cross them', async () => {
    const dir = tempDir();
    const log = await ShardLog.open(dir, { io, segmentBytes: 64 * 1024, durability: 'never' });
    for (let i = 0; i < 100; i++) await log.append(Array.from({ length: 10 }, (_, j) => rec(i * 10 + j, 200)));
    const segs = readdirSync(dir).filter((f) => f.endsWith('.log'));
    expect(segs.length).toBeGreaterThan(3);
    expect(segs[0]).toBe('00000000000000000000.log');
    for (const s of segs) expect(statSync(join(dir, s)).size).toBeLessThanOrEqual(64 * 1024);
    const all = log.read({ offset: 0 }, { maxRecords: 1000 });
    expect(all.records.length).toBeGreaterThan(300); // follows several segments in one call
    expect(all.records.every((r, i) => r.offset === i && r.data[0] === i % 251)).toBe(true);
    const mid = log.read({ offset: 777 }, { maxRecords: 1 });
    expect(mid.records[0].offset).toBe(777);
    expect(log.stats().segments).toBe(segs.length);
    await log.close();
    const again = await ShardLog.open(dir, { io, segmentBytes: 64 * 1024 });
    expect(again.endOffset).toBe(1000);
    expect(again.read({ offset: 999 }).records[0].data[0]).toBe(999 % 251);
    await again.append([rec(1000)]);
    expect(again.endOffset).toBe(1001);
    await again.close();
  });

  test('timestamp seeks find the first record at or after a time', async () => {
    const log = await ShardLog.open(tempDir(), { io, segmentBytes: 64 * 1024, indexIntervalBytes: 512 });
    for (let i = 0; i < 200; i++) await log.append([rec(i, 300)], { timestamp: 10_000 + i * 10 });
    expect(log.read({ timestamp: 0 }, { maxRecords: 1 }).records[0].offset).toBe(0);
    expect(log.read({ timestamp: 10_000 + 1234 }, { maxRecords: 1 }).records[0].offset).toBe(124);
    expect(log.read({ timestamp: 10_000 + 1990 }, { maxRecords: 5 }).records.map((r) => r.offset)).toEqual([199]);
    expect(log.read({ timestamp: 99_999 }).records).toEqual([]);
    await log.close();
  });

  test('arrival times never go backwards within a log', async () => {
    const log = await ShardLog.open(tempDir(), { io });
    await log.append([rec(1)], { timestamp: 5_000 });
    const r = await log.append([rec(2)], { timestamp: 4_000 });
    expect(r.timestamp).toBe(5_000);
    await log.close();
  });
});

describe('ShardLog', () => {
  test('retention removes whole old segments and moves the start offset', async () => {
    const dir = tempDir();
    const log = await ShardLog.open(dir, { segmentBytes: 64 * 1024, durability: 'always' });
    for (let i = 0; i < 100; i++) await log.append(Array.from({ length: 10 }, (_, j) => rec(i * 10 + j, 200)), { timestamp: 1_000 + i });
    const before = log.stats();
    // Keep a zero-copy view of the oldest data alive across the removal of its segment.
    const held = log.read({ offset: 0 }, { maxRecords: 5 }).records;
    const removed = await log.trim({ olderThan: 1_050 });
    expect(removed).toBeGreaterThan(0);
    const after = log.stats();
    expect(after.segments).toBe(before.segments - removed);
    expect(after.startOffset).toBeGreaterThan(0);
    expect(after.startOffset).toBeLessThanOrEqual(500);
    expect(() => log.read({ offset: 0 })).toThrow(OffsetOutOfRangeError);
    expect(log.read({ offset: after.startOffset }).records[0].offset).toBe(after.startOffset);
    expect(held.map((r) => r.data[0])).toEqual([0, 1, 2, 3, 4]);
    // Size cap: at most ~3 segments' worth remains.
    await log.trim({ maxBytes: 3 * 64 * 1024 });
    expect(log.stats().bytes).toBeLessThanOrEqual(3 * 64 * 1024);
    // Everything older than the newest record: the active segment stays, but its data goes.
    await log.trim({ olderThan: 10_000 });
    expect(log.startOffset).toBe(log.endOffset);
    expect(log.read({ offset: log.endOffset }).records).toEqual([]);
    await log.append([rec(1)], { timestamp: 20_000 });
    expect(log.read({ offset: 1000 }).records[0].offset).toBe(1000);
    await log.close();
  });

  test('retention recycles an unviewed segment file for the next roll', async () => {
    const dir = tempDir();
    const log = await ShardLog.open(dir, { segmentBytes: 64 * 1024, durability: 'always' });
    for (let i = 0; i < 80; i++) await log.append(Array.from({ length: 10 }, () => rec(i, 200)), { timestamp: 1 + i });
    expect(await log.trim({ beforeOffset: 600 })).toBeGreaterThan(0);
    expect(readdirSync(dir)).toContain('recycled.spare');
    for (let i = 0; i < 40; i++) await log.append(Array.from({ length: 10 }, () => rec(i, 200)));
    expect(readdirSync(dir)).not.toContain('recycled.spare');
    const r = log.read({ offset: 1000 }, { maxRecords: 200 });
    expect(r.records[0].offset).toBe(1000);
    await log.close();
    const again = await ShardLog.open(dir, { segmentBytes: 64 * 1024 });
    expect(again.endOffset).toBe(1200);
    expect(again.read({ offset: 1199 }).records[0].offset).toBe(1199);
    await again.close();
  });

  test('concurrent appends under always share syncs and keep order', async () => {
    const log = await ShardLog.open(tempDir(), { durability: 'always' });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append([rec(i), rec(i)])));
    expect(results.map((r) => r.firstOffset)).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
    expect(log.read({ offset: 0 }, { maxRecords: 400 }).records.length).toBe(400);
    await log.close();
  });

  test('thousands of logs stay open at once', async () => {
    const root = tempDir();
    const logs = await Promise.all(Array.from({ length: 2000 }, (_, i) => ShardLog.open(join(root, `s${i}`), { segmentBytes: 64 * 1024, durability: 'never' })));
    await Promise.all(logs.map((l, i) => l.append([rec(i)])));
    expect(logs.every((l, i) => l.read({ offset: 0 }).records[0].data[0] === i % 251)).toBe(true);
    await Promise.all(logs.map((l) => l.close()));
  }, 60_000);

  test('bad input gets typed errors, never a crash', async () => {
    const log = await ShardLog.open(tempDir(), { maxRecordBytes: 1000 });
    await expect(log.append([])).rejects.toThrow(InvalidArgumentError);
    await expect(log.append([{ partitionKey: '', data: Buffer.from('x') }])).rejects.toThrow(InvalidArgumentError);
    await expect(log.append([{ partitionKey: 'x'.repeat(257), data: Buffer.from('x') }])).rejects.toThrow(InvalidArgumentError);
    await expect(log.append([{ partitionKey: 'k', data: 'text' as unknown as Uint8Array }])).rejects.toThrow(InvalidArgumentError);
    await expect(log.append([{ partitionKey: 'k', data: Buffer.alloc(1001) }])).rejects.toThrow(RecordTooLargeError);
    await expect(log.append([{ partitionKey: 'k', data: Buffer.alloc(1), explicitHashKey: Buffer.alloc(3) }])).rejects.toThrow(InvalidArgumentError);
    await expect(log.append(null as never)).rejects.toThrow(InvalidArgumentError);
    // A hand-packed payload whose lengths lie is refused before it reaches the disk.
    const bogus = Buffer.alloc(40);
    bogus.writeUInt32LE(9999, 0);
    await expect(log.appendPacked({ payload: bogus, count: 1 })).rejects.toMatchObject({ code: 'MR_INVALID_ARGUMENT' });
    await expect(log.appendPacked({ payload: Buffer.alloc(16), count: 2 })).rejects.toMatchObject({ code: 'MR_INVALID_ARGUMENT' });
    expect(() => log.read({ offset: -1 })).toThrow(InvalidArgumentError);
    expect(() => log.read({ offset: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => log.read({ offset: 5 })).toThrow(OffsetOutOfRangeError);
    expect(() => log.read({} as never)).toThrow(InvalidArgumentError);
    expect(() => log.read({ offset: 0 }, { maxRecords: 0 })).toThrow(InvalidArgumentError);
    expect(log.read({ offset: 0 }).records).toEqual([]);
    await expect(ShardLog.open(tempDir(), { durability: 'sometimes' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(ShardLog.open(tempDir(), { segmentBytes: 10 })).rejects.toThrow(InvalidArgumentError);
    await expect(ShardLog.open('')).rejects.toThrow(InvalidArgumentError);
    await log.close();
    await expect(log.append([rec(1)])).rejects.toThrow(ClosedError);
    expect(() => log.read({ offset: 0 })).toThrow(ClosedError);
    await log.close(); // idempotent
  });

  test('onAppend fires after each acknowledged append', async () => {
    const log = await ShardLog.open(tempDir());
    const seen: number[] = [];
    const off = log.onAppend((r) => seen.push(r.firstOffset));
    await log.append([rec(1), rec(2)]);
    await log.append([rec(3)]);
    off();
    await log.append([rec(4)]);
    expect(seen).toEqual([0, 2]);
    await log.close();
  });
});

import { expect, test } from 'vitest';
import { ShardLog } from '../../src/storage/shard-log.js';
import { tempDir } from '../helpers/tmp.js';

const rec = (i: number, size = 100) => ({ partitionKey: `pk-${i % 13}`, data: Buffer.alloc(size, i % 251) });

test('reads of one segment are views of one ArrayBuffer over its mapping', async () => {
  const log = await ShardLog.open(tempDir(), { durability: 'never' });
  for (let i = 0; i < 10; i++) await log.append([rec(i), rec(i + 100)]);
  const a = log.read({ offset: 0 }, { maxRecords: 4 }).records;
  const b = log.read({ offset: 4 }, { maxRecords: 4 }).records;
  // One external ArrayBuffer per mapping, not one per read: V8 counts each new one's length.
  expect(b[0]!.data.buffer).toBe(a[0]!.data.buffer);
  expect(b[0]!.data.byteOffset).toBeGreaterThan(a[3]!.data.byteOffset);
  expect(a.map((r) => r.data[0])).toEqual([0, 100, 1, 101]);
  expect(b.map((r) => r.data[0])).toEqual([2, 102, 3, 103]);
  expect(b.every((r) => Buffer.isBuffer(r.data) && r.data.length === 100)).toBe(true);
  await log.close();
});

test('a view keeps its bytes after retention removed its segment and later segments were read', async () => {
  const log = await ShardLog.open(tempDir(), { segmentBytes: 64 * 1024, durability: 'never' });
  for (let i = 0; i < 60; i++) await log.append(Array.from({ length: 10 }, (_, j) => rec(i * 10 + j, 200)), { timestamp: 1_000 + i });
  const held = log.read({ offset: 0 }, { maxRecords: 3 }).records;
  expect(await log.trim({ olderThan: 1_040 })).toBeGreaterThan(0);
  const later = log.read({ offset: log.startOffset }, { maxRecords: 3 }).records;
  expect(later[0]!.data.buffer).not.toBe(held[0]!.data.buffer);
  expect(held.map((r) => r.data[0])).toEqual([0, 1, 2]);
  expect(held[2]!.data.equals(Buffer.alloc(200, 2))).toBe(true);
  await log.close();
});

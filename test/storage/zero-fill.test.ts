// Durable logs zero-fill ahead of their tail on a thread of their own (native/zero_fill.h). The
// filler and the writer share files, so these tests look for the one thing that must never
// happen: zeros landing on data, whether the writer is far behind the filler, right on its heels,
// rolling segments, or recycling a trimmed segment file the filler was working on.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { native } from '../../src/storage/native.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import type { Durability } from '../../src/storage/types.js';
import { tempDir } from '../helpers/tmp.js';

const payloadOf = (i: number, size: number) => Buffer.alloc(size, (i * 7 + 1) % 251);

function checkAll(log: ShardLog, from: number, sizes: Map<number, number>): void {
  for (let offset = from; offset < log.endOffset;) {
    const { records, nextOffset } = log.read({ offset }, { maxRecords: 10_000 });
    for (const r of records) expect(r.data.equals(payloadOf(r.offset, sizes.get(r.offset)!)), `record ${r.offset}`).toBe(true);
    offset = nextOffset;
  }
}

describe.each<Durability>(['always', 'interval'])('zero-fill under %s', (durability) => {
  test('concurrent appends, segment rolls and recycling never lose a byte to zeros', async () => {
    const dir = tempDir();
    const log = await ShardLog.open(dir, { durability, segmentBytes: 256 * 1024, syncIntervalMs: 5 });
    const before = native.ioStats();
    const sizes = new Map<number, number>();
    let next = 0;
    for (let round = 0; round < 40; round++) {
      // Many batches in flight at once, of varied sizes, so rounds write far ahead.
      const pending = [];
      for (let b = 0; b < 8; b++) {
        const count = 1 + ((round * 8 + b) % 50);
        const size = 10 + ((round * 31 + b * 17) % 2000);
        const records = Array.from({ length: count }, (_, i) => ({ partitionKey: 'k', data: payloadOf(next + i, size) }));
        for (let i = 0; i < count; i++) sizes.set(next + i, size);
        next += count;
        pending.push(log.append(records));
      }
      await Promise.all(pending);
      // Retention every few rounds renames a sealed segment to recycled.spare; the next roll reuses it.
      if (round % 5 === 4) await log.trim({ beforeOffset: Math.floor(next / 2) });
    }
    checkAll(log, log.startOffset, sizes);
    expect(native.ioStats().fillBytes).toBeGreaterThan(before.fillBytes);
    await log.close();
    const reopened = await ShardLog.open(dir, { durability, segmentBytes: 256 * 1024 });
    expect(reopened.endOffset).toBe(next);
    checkAll(reopened, reopened.startOffset, sizes);
    await reopened.close();
  });

  test('the active segment is zero-filled ahead of its tail, within its capacity', async () => {
    const dir = tempDir();
    const log = await ShardLog.open(dir, { durability, segmentBytes: 4 * 1024 * 1024 });
    await log.append([{ partitionKey: 'k', data: Buffer.alloc(1000, 1) }]);
    // The filler works in the background: wait until the file has grown to its capacity.
    const file = join(dir, '00000000000000000000.log');
    for (let i = 0; i < 200 && statSync(file).size < 4 * 1024 * 1024; i++) await new Promise((r) => setTimeout(r, 10));
    expect(statSync(file).size).toBe(4 * 1024 * 1024);
    await log.append([{ partitionKey: 'k', data: Buffer.alloc(1000, 2) }]);
    const { records } = log.read({ offset: 0 });
    expect(records.map((r) => r.data[0])).toEqual([1, 2]);
    await log.close();
  });
});

test('past half of a segment the next one is prepared, zero-filled, and taken over at the roll', async () => {
  const dir = tempDir();
  const MiB = 1024 * 1024;
  const log = await ShardLog.open(dir, { durability: 'always', segmentBytes: MiB });
  const batch = (i: number) => Array.from({ length: 10 }, (_, j) => ({ partitionKey: 'k', data: payloadOf(i * 10 + j, 5000) }));
  let i = 0;
  do await log.append(batch(i++));
  while (log.stats().bytes < 0.6 * MiB);
  const spare = join(dir, 'prepared.spare');
  for (let t = 0; t < 200 && !(existsSync(spare) && statSync(spare).size === MiB); t++) await new Promise((r) => setTimeout(r, 10));
  expect(statSync(spare).size).toBe(MiB);
  while (log.stats().segments < 2) await log.append(batch(i++));
  // The new segment is the prepared file: already at full size when its first batch lands.
  const second = readdirSync(dir).filter((f) => f.endsWith('.log')).sort()[1]!;
  expect(statSync(join(dir, second)).size).toBe(MiB);
  const sizes = new Map<number, number>();
  for (let o = 0; o < i * 10; o++) sizes.set(o, 5000);
  checkAll(log, 0, sizes);
  await log.close();
});

test('a prepared spare left by a crash is reused at the next roll', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'prepared.spare'), Buffer.alloc(4096, 0xee));  // partly filled, stale bytes
  const log = await ShardLog.open(dir, { durability: 'always', segmentBytes: 64 * 1024 });
  const sizes = new Map<number, number>();
  for (let o = 0; o < 300; o++) sizes.set(o, 1000);
  for (let b = 0; b < 30; b++) await log.append(Array.from({ length: 10 }, (_, j) => ({ partitionKey: 'k', data: payloadOf(b * 10 + j, 1000) })));
  expect(log.stats().segments).toBeGreaterThan(2);
  await log.close();
  const reopened = await ShardLog.open(dir, { durability: 'always', segmentBytes: 64 * 1024 });
  expect(reopened.endOffset).toBe(300);
  checkAll(reopened, 0, sizes);
  await reopened.close();
});

test('logs under `never` are not zero-filled', async () => {
  const dir = tempDir();
  const log = await ShardLog.open(dir, { durability: 'never', segmentBytes: 4 * 1024 * 1024 });
  await log.append([{ partitionKey: 'k', data: Buffer.alloc(1000, 1) }]);
  await log.flush();
  await new Promise((r) => setTimeout(r, 50));
  expect(statSync(join(dir, '00000000000000000000.log')).size).toBeLessThan(64 * 1024);
  await log.close();
});

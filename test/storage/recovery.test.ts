// Recovery on open: torn and corrupt tails are cut, corruption in the middle raises a typed
// error naming the file and position, and a missing or stale index is rebuilt.
import { openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BATCH_HEADER_SIZE, SEGMENT_HEADER_SIZE } from '../../src/core/constants.js';
import { CorruptBatchError } from '../../src/errors.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import type { Durability } from '../../src/storage/types.js';
import { tempDir } from '../helpers/tmp.js';

const batch = (i: number) => Array.from({ length: 10 }, (_, j) => ({ partitionKey: `k${j}`, data: Buffer.alloc(100, (i * 10 + j) % 251) }));
// Each batch of 10 records of 100 bytes with 2-byte keys: 64 + 10 * (16 + 2 + 100) = 1244, padded to 1248.
const BATCH_BYTES = 1248;

async function writeLog(dir: string, batches: number, durability: Durability = 'always', segmentBytes = 1 << 20) {
  const log = await ShardLog.open(dir, { durability, segmentBytes, indexIntervalBytes: 4096 });
  for (let i = 0; i < batches; i++) await log.append(batch(i));
  await log.close();
}

function flip(file: string, pos: number) {
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  b[0] = readFileSync(file)[pos] ^ 0x40;
  writeSync(fd, b, 0, 1, pos);
  closeSync(fd);
}

const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => join(dir, f));

describe('recovery', () => {
  test('a flipped byte in the last batch is a corrupt tail: cut, and appends continue', async () => {
    const dir = tempDir();
    await writeLog(dir, 20);
    const [seg] = segmentFiles(dir);
    flip(seg, SEGMENT_HEADER_SIZE + 19 * BATCH_BYTES + BATCH_HEADER_SIZE + 500);
    const log = await ShardLog.open(dir);
    expect(log.endOffset).toBe(190);
    expect(log.read({ offset: 180 }, { maxRecords: 100 }).records.length).toBe(10);
    const r = await log.append(batch(99));
    expect(r.firstOffset).toBe(190);
    expect(log.read({ offset: 190 }).records[0].data[0]).toBe(990 % 251);
    await log.close();
    const again = await ShardLog.open(dir);
    expect(again.endOffset).toBe(200);
    await again.close();
  });

  test('a torn final write (half a batch, then zeros) is cut', async () => {
    const dir = tempDir();
    await writeLog(dir, 20, 'never');
    const [seg] = segmentFiles(dir);
    const fd = openSync(seg, 'r+');
    writeSync(fd, Buffer.alloc(700), 0, 700, SEGMENT_HEADER_SIZE + 19 * BATCH_BYTES + 600);
    closeSync(fd);
    const log = await ShardLog.open(dir);
    expect(log.endOffset).toBe(190);
    await log.close();
  });

  test('a file cut short in the middle of the last batch is cut back to whole batches', async () => {
    const dir = tempDir();
    await writeLog(dir, 20, 'never');
    const [seg] = segmentFiles(dir);
    const data = readFileSync(seg).subarray(0, SEGMENT_HEADER_SIZE + 19 * BATCH_BYTES + 100);
    writeFileSync(seg, data);
    const log = await ShardLog.open(dir);
    expect(log.endOffset).toBe(190);
    await log.append(batch(1));
    expect(log.endOffset).toBe(200);
    await log.close();
  });

  // A roll creates the next segment before the round's writes to the sealed one are done. Killed
  // in between: the sealed segment's last batch is torn and the new segment holds only its
  // header. Its base must not be taken as the log's end: the torn batch's offsets would be a hole
  // under every later append (the crash test found one).
  test('an empty last segment after a torn sealed tail is dropped: the log ends at its data', async () => {
    const dir = tempDir();
    await writeLog(dir, 60, 'never', 64 * 1024);
    const segs = segmentFiles(dir);
    expect(segs.length).toBe(2);
    const nextBase = Number(segs[1]!.slice(-24, -4));
    const inFirst = nextBase / 10; // batches in the sealed segment
    // The new segment as a roll leaves it: its header, no batch, no index entries.
    writeFileSync(segs[1]!, readFileSync(segs[1]!).subarray(0, SEGMENT_HEADER_SIZE));
    unlinkSync(segs[1]!.replace(/\.log$/, '.idx'));
    // The sealed segment's last batch torn (half written, then zeros).
    const fd = openSync(segs[0]!, 'r+');
    writeSync(fd, Buffer.alloc(700), 0, 700, SEGMENT_HEADER_SIZE + (inFirst - 1) * BATCH_BYTES + 600);
    closeSync(fd);
    const log = await ShardLog.open(dir, { segmentBytes: 64 * 1024 });
    const end = (inFirst - 1) * 10;
    expect(log.endOffset).toBe(end);
    expect(segmentFiles(dir)).toEqual([segs[0]]);
    for (let offset = 0; offset < end; ) {
      const { records, nextOffset } = log.read({ offset }, { maxRecords: 100 });
      expect(records[0]!.offset).toBe(offset);
      offset = nextOffset;
    }
    expect((await log.append(batch(7))).firstOffset).toBe(end);
    expect(log.read({ offset: end }).records[0]!.data[0]).toBe(70 % 251);
    await log.close();
    const again = await ShardLog.open(dir, { segmentBytes: 64 * 1024 });
    expect(again.endOffset).toBe(end + 10);
    await again.close();
  });

  test('corruption in the middle of the active segment raises a typed error naming file and position', async () => {
    const dir = tempDir();
    await writeLog(dir, 20);
    const [seg] = segmentFiles(dir);
    const bad = SEGMENT_HEADER_SIZE + 15 * BATCH_BYTES;
    flip(seg, bad + BATCH_HEADER_SIZE + 300);
    const log = await ShardLog.open(dir);
    // Later batches are intact: nothing acknowledged after the damage is thrown away.
    expect(log.endOffset).toBe(200);
    let err: unknown;
    try {
      log.read({ offset: 140 }, { maxRecords: 100 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CorruptBatchError);
    expect((err as CorruptBatchError).code).toBe('MR_CORRUPT_BATCH');
    expect((err as CorruptBatchError).details.file).toBe(seg);
    expect((err as CorruptBatchError).details.position).toBe(bad);
    // Data before and after the damaged batch is still served.
    expect(log.read({ offset: 0 }, { maxRecords: 150 }).records.length).toBe(150);
    expect(log.read({ offset: 160 }, { maxRecords: 100 }).records.map((r) => r.offset)[0]).toBe(160);
    await log.append(batch(1));
    expect(log.endOffset).toBe(210);
    await log.close();
  });

  test('corruption in a sealed segment is found when read, never returned as data', async () => {
    const dir = tempDir();
    await writeLog(dir, 60, 'always', 64 * 1024);
    const segs = segmentFiles(dir);
    expect(segs.length).toBeGreaterThan(1);
    const bad = SEGMENT_HEADER_SIZE + 3 * BATCH_BYTES;
    flip(segs[0], bad + BATCH_HEADER_SIZE + 10);
    const log = await ShardLog.open(dir, { segmentBytes: 64 * 1024 });
    expect(() => log.read({ offset: 0 }, { maxRecords: 100 })).toThrow(CorruptBatchError);
    try {
      log.read({ offset: 35 });
    } catch (e) {
      expect((e as CorruptBatchError).details).toMatchObject({ file: segs[0], position: bad });
    }
    expect(log.read({ offset: 0 }, { maxRecords: 30 }).records.length).toBe(30);
    await log.close();
  });

  test('a missing index is rebuilt and reads still find every offset', async () => {
    const dir = tempDir();
    await writeLog(dir, 60, 'never', 64 * 1024);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.idx'))) unlinkSync(join(dir, f));
    const log = await ShardLog.open(dir, { segmentBytes: 64 * 1024 });
    for (const off of [0, 7, 333, 555, 599]) expect(log.read({ offset: off }, { maxRecords: 1 }).records[0].offset).toBe(off);
    await log.close();
    for (const f of segmentFiles(dir)) expect(statSync(f.replace(/\.log$/, '.idx')).size).toBeGreaterThan(0);
  });

  test('a stale index (entries that point nowhere) is dropped and rebuilt', async () => {
    const dir = tempDir();
    await writeLog(dir, 30);
    const idx = segmentFiles(dir)[0].replace(/\.log$/, '.idx');
    const garbage = Buffer.alloc(16 * 50);
    for (let i = 0; i < 50; i++) {
      garbage.writeUInt32LE(i * 10, i * 16);
      garbage.writeUInt32LE(999_999 + i, i * 16 + 4);
    }
    writeFileSync(idx, garbage);
    const log = await ShardLog.open(dir);
    expect(log.endOffset).toBe(300);
    for (const off of [0, 150, 299]) expect(log.read({ offset: off }, { maxRecords: 1 }).records[0].offset).toBe(off);
    await log.close();
  });
});

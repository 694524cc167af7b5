// The I/O thread writes a log's appends that follow one another in a round as one write
// (native/io_service.cc, IoService::Round): one writev copies its iovecs in order, so a crash leaves
// a prefix of them, where separate io_uring writes could complete out of order and leave an intact
// batch after a torn one (which recovery keeps, as a hole). Checked on both backends, with
// segments small enough that rounds cross rolls.
import { expect, test } from 'vitest';
import { native } from '../../src/storage/native.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import { tempDir } from '../helpers/tmp.js';

const dataOf = (offset: number) => Buffer.alloc(40 + (offset % 700), offset % 251);
const recordsFrom = (first: number, count: number) => Array.from({ length: count }, (_, i) => ({ partitionKey: `k${(first + i) % 7}`, data: dataOf(first + i) }));

test.each(['pwrite', 'io_uring'] as const)('appends queued behind a sync share writes, in order (%s)', async (io) => {
  let log: ShardLog;
  try {
    log = await ShardLog.open(tempDir(), { durability: 'always', io, segmentBytes: 64 * 1024 });
  } catch (err) {
    // Kernels or sandboxes without io_uring: the pwrite case still runs.
    expect(io, String(err)).toBe('io_uring');
    return;
  }
  const before = native.ioStats();
  // Not awaited one by one: while the first round syncs, the rest queue up for the next rounds.
  const results = await Promise.all(Array.from({ length: 120 }, (_, i) => log.append(recordsFrom(i * 5, 5))));
  const after = native.ioStats();
  expect(results.map((r) => r.firstOffset)).toEqual(Array.from({ length: 120 }, (_, i) => i * 5));
  expect(after.appendsWritten - before.appendsWritten).toBe(120);
  // Merged: far fewer writes than appends (one per round and segment).
  expect(after.writes - before.writes).toBeLessThan(60);
  for (let offset = 0; offset < 600; ) {
    const { records, nextOffset } = log.read({ offset }, { maxRecords: 10_000 });
    records.forEach((r, i) => {
      expect(r.offset).toBe(offset + i);
      expect(r.data.equals(dataOf(r.offset)), `record ${r.offset}`).toBe(true);
    });
    offset = nextOffset;
  }
  await log.close();
  // Reopened (recovery scans the active segment): every record is still there, densely.
  const again = await ShardLog.open(log.dir, { durability: 'always', io, segmentBytes: 64 * 1024 });
  expect(again.endOffset).toBe(600);
  await again.close();
});

// Page-cache writes of 2 MiB and more ran 5-10x slower than 1 MiB ones on Linux 6.18 (PMD-sized
// folios), so no write carries more than 1 MiB (kMaxWriteBytes, native/io_backend.h): merging
// stops there, and a larger append goes out as linked writes of 1 MiB.
test.each(['pwrite', 'io_uring'] as const)('no write carries more than 1 MiB, merged or split (%s)', async (io) => {
  let log: ShardLog;
  try {
    log = await ShardLog.open(tempDir(), { durability: 'always', io });
  } catch (err) {
    expect(io, String(err)).toBe('io_uring');
    return;
  }
  const big = (seed: number, bytes: number) => {
    const b = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i += 4096) b[i] = (seed + i / 4096) % 256;
    return b;
  };
  // 24 appends of 300 KB queued behind syncs: at most three share a write.
  let before = native.ioStats();
  await Promise.all(Array.from({ length: 24 }, (_, i) => log.append([{ partitionKey: 'k', data: big(i, 300_000) }])));
  let after = native.ioStats();
  expect(after.appendsWritten - before.appendsWritten).toBe(24);
  expect(after.writes - before.writes).toBeGreaterThanOrEqual(8);
  // One append of 3.5 MB (four records): four writes of at most 1 MiB.
  before = native.ioStats();
  await log.append(Array.from({ length: 4 }, (_, i) => ({ partitionKey: 'k', data: big(100 + i, 875_000) })));
  after = native.ioStats();
  expect(after.writes - before.writes).toBe(4);
  expect(after.appendsWritten - before.appendsWritten).toBe(1);
  const check = (l: ShardLog) => {
    for (let offset = 0; offset < 28; offset++) {
      const [r] = l.read({ offset }, { maxRecords: 1 }).records;
      expect(r!.data.equals(offset < 24 ? big(offset, 300_000) : big(100 + offset - 24, 875_000)), `record ${offset}`).toBe(true);
    }
  };
  check(log);
  await log.close();
  const again = await ShardLog.open(log.dir, { durability: 'always', io });
  expect(again.endOffset).toBe(28);
  check(again);
  await again.close();
});

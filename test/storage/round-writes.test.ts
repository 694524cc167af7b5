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

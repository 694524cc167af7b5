// `never` and `interval` logs on the pwrite backend write a small append to an idle log on the
// appending thread (native/log.cc, Log::Append) instead of handing it to the I/O thread: no thread
// hop either way. `interval` appends that need a roll, a reopen or a wait for the zero-filler still
// go to the I/O thread.
// The I/O thread's rounds, its interval timer and its idle sweeps claim a log before touching its
// files, so these tests mix inline and queued appends with trims, sweeps, reads and reopens, and
// look for lost, reordered or misplaced records.
import { afterAll, describe, expect, test } from 'vitest';
import { native } from '../../src/storage/native.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import type { Durability } from '../../src/storage/types.js';
import { tempDir } from '../helpers/tmp.js';

const dataOf = (offset: number) => Buffer.alloc(50 + (offset % 300), offset % 251);
const recordsFrom = (first: number, count: number) => Array.from({ length: count }, (_, i) => ({ partitionKey: `k${(first + i) % 13}`, data: dataOf(first + i) }));

function checkRange(log: ShardLog, from: number, to: number): void {
  for (let offset = from; offset < to; ) {
    const { records, nextOffset } = log.read({ offset }, { maxRecords: 10_000 });
    for (const r of records) expect(r.data.equals(dataOf(r.offset)), `record ${r.offset}`).toBe(true);
    expect(nextOffset).toBeGreaterThan(offset);
    offset = nextOffset;
  }
}

describe('inline writes', () => {
  afterAll(() => native.setIdleMs(30_000));

  test.each<[Durability, boolean]>([
    ['never', true],
    ['always', false],
  ])('a %s log appending one batch at a time writes inline: %s', async (durability, inline) => {
    const log = await ShardLog.open(tempDir(), { durability });
    const before = native.ioStats().inlineRounds;
    for (let i = 0; i < 20; i++) expect((await log.append(recordsFrom(i * 3, 3))).firstOffset).toBe(i * 3);
    const inlined = native.ioStats().inlineRounds - before;
    if (inline) expect(inlined).toBe(20);
    else expect(inlined).toBe(0);
    checkRange(log, 0, 60);
    await log.close();
  });

  test.each<[Durability, boolean]>([
    ['never', true],
    ['always', false],
  ])('a %s append settles without waiting for an event-loop turn: %s', async (durability, now) => {
    // An inline write's completion is settled by the append call itself (native/log_wrap.cc), not
    // by the thread-safe function's callback, which needs a turn of the event loop: on a busy loop
    // that turn comes after every I/O callback already queued. Only microtasks run here.
    const log = await ShardLog.open(tempDir(), { durability });
    await log.append(recordsFrom(0, 3));
    let settled = false;
    const appended = log.append(recordsFrom(3, 3)).then((r) => {
      settled = true;
      return r;
    });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(settled).toBe(now);
    expect((await appended).firstOffset).toBe(3);
    checkRange(log, 0, 6);
    await log.close();
  });

  test('an interval log writes inline once the zero-filler is ahead of its tail', async () => {
    const log = await ShardLog.open(tempDir(), { durability: 'interval' });
    expect(log.io).toBe('pwrite');
    let before = native.ioStats().inlineRounds;
    await log.append(recordsFrom(0, 3));
    // The first append finds no zeroed range yet: it goes to the I/O thread, which starts the filler.
    expect(native.ioStats().inlineRounds - before).toBe(0);
    let next = 3;
    const until = Date.now() + 10_000;
    for (;;) {
      before = native.ioStats().inlineRounds;
      await log.append(recordsFrom(next, 3));
      next += 3;
      if (native.ioStats().inlineRounds > before) break;
      expect(Date.now()).toBeLessThan(until);
      await new Promise((r) => setTimeout(r, 5));
    }
    before = native.ioStats().inlineRounds;
    for (let i = 0; i < 20; i++, next += 3) expect((await log.append(recordsFrom(next, 3))).firstOffset).toBe(next);
    expect(native.ioStats().inlineRounds - before).toBe(20);
    checkRange(log, 0, next);
    await log.close();
  });

  test.each<Durability>(['never', 'interval'])('%s: many appends in flight, trims, segment rolls and idle sweeps keep every record in order', async (durability) => {
    // Sweeps close the active segment's descriptors and unmap idle files every second; 1 ms makes
    // each timer tick a sweep, racing the inline writes for the log's files.
    native.setIdleMs(1);
    const dir = tempDir();
    const log = await ShardLog.open(dir, { durability, segmentBytes: 64 * 1024 });
    const before = native.ioStats();
    let next = 0;
    let trimmedTo = 0;
    for (let round = 0; round < 60; round++) {
      // A burst (the first inline, the rest queued behind it), then single awaited appends.
      const burst = [];
      for (let b = 0; b < 1 + (round % 6); b++) {
        const count = 1 + ((round * 7 + b) % 40);
        burst.push(log.append(recordsFrom(next, count)).then((r) => r.firstOffset));
        next += count;
      }
      const firsts = await Promise.all(burst);
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
      expect((await log.append(recordsFrom(next, 5))).firstOffset).toBe(next);
      next += 5;
      if (round % 10 === 9) {
        trimmedTo = Math.floor(next / 3);
        await log.trim({ beforeOffset: trimmedTo });
      }
      if (round % 15 === 14) await new Promise((r) => setTimeout(r, 25)); // let sweeps run
      checkRange(log, Math.max(log.startOffset, next - 200), next);
    }
    const after = native.ioStats();
    expect(after.inlineRounds).toBeGreaterThan(before.inlineRounds);
    expect(after.rounds - after.inlineRounds).toBeGreaterThan(before.rounds - before.inlineRounds); // queued ones too
    expect(log.endOffset).toBe(next);
    checkRange(log, log.startOffset, next);
    await log.close();

    const reopened = await ShardLog.open(dir, { durability });
    expect(reopened.endOffset).toBe(next);
    expect(reopened.startOffset).toBeLessThanOrEqual(trimmedTo);
    checkRange(reopened, reopened.startOffset, next);
    await reopened.close();
  });
});

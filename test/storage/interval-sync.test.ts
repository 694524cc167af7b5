// `interval` logs are synced on a syncer thread of their own (native/io_service.cc), not on the I/O
// thread that writes every log's appends: these tests check that the syncs happen, that appends
// go on being acknowledged while they run, and that what was written is all there after a reopen.
import { describe, expect, test } from 'vitest';
import { native } from '../../src/storage/native.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import { tempDir } from '../helpers/tmp.js';

const record = (i: number) => ({ partitionKey: `k${i % 7}`, data: Buffer.alloc(200, i % 251) });

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 5))) if (check()) return true;
  return check();
}

describe('interval syncs', () => {
  test('a dirty interval log is synced within its interval, on the syncer thread', async () => {
    const log = await ShardLog.open(tempDir(), { durability: 'interval', syncIntervalMs: 20 });
    const before = native.ioStats().intervalSyncs;
    await log.append([record(1)]);
    expect(await until(() => native.ioStats().intervalSyncs > before, 2000)).toBe(true);
    await log.close();
  });

  test('a log dirtied while the I/O thread sleeps (it wakes only when something falls due) is still synced within its interval', async () => {
    const log = await ShardLog.open(tempDir(), { durability: 'interval', syncIntervalMs: 20 });
    // Three rounds, each after a quiet spell long enough for the thread to plan its next wake-up
    // at the idle sweep, up to a second away: each write must bring that wake-up forward.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 60));
      const before = native.ioStats().intervalSyncs;
      await log.append([record(i)]);
      expect(await until(() => native.ioStats().intervalSyncs > before, 250)).toBe(true);
    }
    await log.close();
  });

  test('a never log is not synced by the interval timer', async () => {
    const log = await ShardLog.open(tempDir(), { durability: 'never', syncIntervalMs: 1 });
    const before = native.ioStats().intervalSyncs;
    for (let i = 0; i < 20; i++) await log.append([record(i)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(native.ioStats().intervalSyncs).toBe(before);
    await log.close();
  });

  test('appends to several logs are acknowledged in order while syncs run, and survive a reopen', async () => {
    const dirs = [tempDir(), tempDir(), tempDir()];
    const logs = await Promise.all(dirs.map((d) => ShardLog.open(d, { durability: 'interval', syncIntervalMs: 1, segmentBytes: 256 * 1024 })));
    const before = native.ioStats().intervalSyncs;
    const written = [0, 0, 0];
    const end = Date.now() + 300;
    while (Date.now() < end) {
      const results = await Promise.all(logs.map((log, l) => log.append(Array.from({ length: 20 }, (_, i) => record(written[l]! + i)))));
      results.forEach((r, l) => {
        expect(r.firstOffset).toBe(written[l]);
        written[l]! += 20;
      });
    }
    expect(native.ioStats().intervalSyncs - before).toBeGreaterThan(1);
    await Promise.all(logs.map((log) => log.close()));
    for (const [l, dir] of dirs.entries()) {
      const reopened = await ShardLog.open(dir, { durability: 'interval' });
      expect(reopened.endOffset).toBe(written[l]);
      const { records } = reopened.read({ offset: written[l]! - 1 });
      expect(records[0]!.data.equals(record(written[l]! - 1).data)).toBe(true);
      await reopened.close();
    }
  });
});

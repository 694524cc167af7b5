// SIGKILL at arbitrary moments while a real child process changes the catalog; every change the
// child acknowledged must be there after a restart, and the catalog must be consistent.
import { describe, expect, it } from 'vitest';
import { Millrace } from '../../src/millrace.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnChild } from './helpers/spawn.js';

const ROUNDS = Number(process.env.MILLRACE_CRASH_ROUNDS ?? 3);

describe('catalog survives SIGKILL', () => {
  it(`keeps every acknowledged change (${ROUNDS} rounds)`, async () => {
    const dir = tempDir();
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawnChild('churn', dir);
      const target = 3 + Math.floor(Math.random() * 8);
      await child.waitFor((_l, all) => all.filter((x) => x.startsWith('ack ')).length >= target);
      // Let it run on a little so the kill lands at a random point of a write.
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      child.proc.kill('SIGKILL');
      await child.exited;
      const acked = child.lines.filter((l) => l.startsWith('ack '));

      const mr = await Millrace.open({ dataDir: dir, retentionIntervalMs: 0 });
      try {
        for (const line of acked) {
          const [, what, name] = line.split(' ');
          const d = await mr.kinesis.describeStream({ StreamName: name! });
          expect(d.StreamDescription.StreamStatus).toBe('ACTIVE');
          if (what === 'tag') {
            const t = await mr.kinesis.listTagsForStream({ StreamName: name! });
            expect(t.Tags.map((x) => x.Key)).toContain('n');
          }
          if (what === 'split') {
            expect(d.StreamDescription.Shards.filter((s) => s.ParentShardId === 'shardId-000000000000')).toHaveLength(2);
          }
        }
        // Whatever was not acknowledged is either fully there or absent; every stream is usable.
        const { StreamNames } = await mr.kinesis.listStreams({ Limit: 10000 });
        for (const name of StreamNames) {
          const d = await mr.kinesis.describeStream({ StreamName: name });
          expect(d.StreamDescription.StreamStatus).toBe('ACTIVE');
          const open = d.StreamDescription.Shards.filter((s) => !s.SequenceNumberRange.EndingSequenceNumber);
          expect(open.length).toBeGreaterThan(0);
        }
        // Remove this round's streams so the next round's names start free.
        for (const name of StreamNames) await mr.kinesis.deleteStream({ StreamName: name });
      } finally {
        await mr.close();
      }
    }
  }, 120_000);
});

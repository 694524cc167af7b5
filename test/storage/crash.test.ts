// Crash safety: a child appends under `always` and reports each acknowledged batch; we SIGKILL it
// at random moments, reopen, and check that every acknowledged record is there, intact.
// MILLRACE_CRASH_ROUNDS raises the number of rounds (npm run test:crash).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { ShardLog } from '../../src/storage/shard-log.js';
import { tempDir } from '../helpers/tmp.js';

const child = fileURLToPath(new URL('./fixtures/crash-child.mjs', import.meta.url));
const rounds = Number(process.env.MILLRACE_CRASH_ROUNDS ?? 20);

interface Ack { offset: number; count: number; seq: number }

function runAndKill(dir: string, seqBase: number, io: string): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(seqBase), io], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let buf = '';
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (line[0] === 'ready') setTimeout(() => p.kill('SIGKILL'), 20 + Math.random() * 200);
        if (line[0] === 'ack') acks.push({ offset: Number(line[1]), count: Number(line[2]), seq: Number(line[3]) });
      }
    });
    p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(acks) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

test(`every acknowledged record survives SIGKILL (${rounds} rounds, both write paths)`, async () => {
  const dir = tempDir();
  const acked: Ack[] = [];
  let seqBase = 0;
  for (let round = 0; round < rounds; round++) {
    const acks = await runAndKill(dir, seqBase, round % 2 === 0 ? 'auto' : 'pwrite');
    seqBase += 1_000_000;
    acked.push(...acks);
    const log = await ShardLog.open(dir, { segmentBytes: 256 * 1024 });
    for (const a of acks) {
      const { records } = log.read({ offset: a.offset }, { maxRecords: a.count });
      expect(records.length).toBe(a.count);
      records.forEach((r, i) => {
        expect(r.offset).toBe(a.offset + i);
        expect(r.data.toString().startsWith(`record-${a.seq + i}-`)).toBe(true);
        expect(r.data.length).toBe(20 + ((a.seq + i) % 300));
      });
    }
    await log.close();
  }
  expect(acked.length).toBeGreaterThan(rounds);
  // After all the kills the whole log reads back densely, with no gaps before the last ack.
  const log = await ShardLog.open(dir, { segmentBytes: 256 * 1024 });
  const last = Math.max(...acked.map((a) => a.offset + a.count));
  let offset = 0;
  while (offset < last) {
    const { records, nextOffset } = log.read({ offset }, { maxRecords: 10_000 });
    expect(records[0].offset).toBe(offset);
    offset = nextOffset;
  }
  await log.close();
}, 600_000);

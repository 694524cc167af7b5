// Crash safety: a child appends under `always` and reports each acknowledged batch; we SIGKILL it
// at random moments, reopen, and check that every acknowledged record is there, intact.
// MILLRACE_CRASH_ROUNDS raises the number of rounds (npm run test:crash).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { Keyring } from '../../src/storage/keyring.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import { tempDir } from '../helpers/tmp.js';

const child = fileURLToPath(new URL('./fixtures/crash-child.mjs', import.meta.url));
const rounds = Number(process.env.MILLRACE_CRASH_ROUNDS ?? 20);

interface Ack { offset: number; count: number; seq: number }

function runAndKill(dir: string, seqBase: number, io: string, keyDir?: string, rootKey?: Buffer): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const args = [child, dir, String(seqBase), io, ...(keyDir ? [keyDir] : [])];
    const env = rootKey ? { ...process.env, MILLRACE_ROOT_KEY: rootKey.toString('hex') } : process.env;
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
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

/**
 * `count` rounds of: run the child, kill it, reopen, check every record it acknowledged; then the
 * whole log must read back densely up to the last acknowledgement.
 */
async function killAndCheck(count: number, encrypted: boolean): Promise<void> {
  const dir = tempDir();
  const keyDir = encrypted ? tempDir() : undefined;
  const rootKey = randomBytes(32);
  const acked: Ack[] = [];
  const reopen = async () => {
    const keyring = keyDir ? await Keyring.open({ dataDir: keyDir, rootKey }) : undefined;
    const log = await ShardLog.open(dir, { segmentBytes: 256 * 1024, keyring, logId: keyDir ? 'crash-stream/shardId-000000000000' : undefined });
    return { log, close: async () => { await log.close(); await keyring?.close(); } };
  };
  let seqBase = 0;
  for (let round = 0; round < count; round++) {
    const acks = await runAndKill(dir, seqBase, round % 2 === 0 ? 'auto' : 'pwrite', keyDir, rootKey);
    seqBase += 1_000_000;
    for (const a of acks) acked.push(a);
    const { log, close } = await reopen();
    for (const a of acks) {
      const { records } = log.read({ offset: a.offset }, { maxRecords: a.count });
      expect(records.length).toBe(a.count);
      records.forEach((r, i) => {
        expect(r.offset).toBe(a.offset + i);
        expect(r.data.toString().startsWith(`record-${a.seq + i}-`)).toBe(true);
        expect(r.data.length).toBe(20 + ((a.seq + i) % 300));
      });
    }
    await close();
  }
  expect(acked.length).toBeGreaterThan(count);
  // After all the kills the whole log reads back densely, with no gaps before the last ack.
  const { log, close } = await reopen();
  // Not Math.max(...): on a fast machine 200 rounds ack more appends than a call takes arguments
  // (this threw RangeError: Maximum call stack size exceeded).
  const last = acked.reduce((m, a) => Math.max(m, a.offset + a.count), 0);
  let offset = 0;
  while (offset < last) {
    const { records, nextOffset } = log.read({ offset }, { maxRecords: 10_000 });
    expect(records[0]!.offset).toBe(offset);
    offset = nextOffset;
  }
  await close();
  // Encrypted: nothing of the records reached the disk in the clear.
  if (encrypted) for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name)).includes('record-'), name).toBe(false);
}

test(`every acknowledged record survives SIGKILL (${rounds} rounds, both write paths)`, () => killAndCheck(rounds, false), 600_000);

// The same under LZ4 + encryption: SIGKILL lands while data keys are being generated and stored
// (small segments: a new run every 256 KiB) as well as mid-write. Fewer rounds in the default run.
const encryptedRounds = Math.max(4, Math.floor(rounds / 3));
test(`every acknowledged encrypted record survives SIGKILL, keys included (${encryptedRounds} rounds)`, () => killAndCheck(encryptedRounds, true), 600_000);

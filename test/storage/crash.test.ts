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

/** Extra bytes per record of the large variant (batches of up to 40 records: 2.4 MB), passed to the child. */
const LARGE_EXTRA = 60_000;

function runAndKill(dir: string, seqBase: number, io: string, large: boolean, keyDir?: string, rootKey?: Buffer): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const args = [child, dir, String(seqBase), io, ...(keyDir ? [keyDir] : [])];
    const env = { ...process.env, MILLRACE_CRASH_LARGE: String(large ? LARGE_EXTRA : 0), ...(rootKey ? { MILLRACE_ROOT_KEY: rootKey.toString('hex') } : {}) };
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

/** Every offset from the log's start to its end reads back: no hole. */
function expectDense(log: ShardLog, when: string): void {
  const end = log.endOffset;
  for (let offset = log.startOffset; offset < end; ) {
    const { records, nextOffset } = log.read({ offset }, { maxRecords: 10_000 });
    expect(records[0]?.offset, `${when}: first record at or after ${offset} (log end ${end})`).toBe(offset);
    offset = nextOffset;
  }
}

/**
 * `count` rounds of: run the child, kill it, reopen, check every record it acknowledged and that
 * the log reads back densely to its end.
 */
async function killAndCheck(count: number, encrypted: boolean, large = false): Promise<void> {
  const dir = tempDir();
  const keyDir = encrypted ? tempDir() : undefined;
  const rootKey = randomBytes(32);
  const acked: Ack[] = [];
  const reopen = async () => {
    const keyring = keyDir ? await Keyring.open({ dataDir: keyDir, rootKey }) : undefined;
    const log = await ShardLog.open(dir, { segmentBytes: large ? 4 << 20 : 256 * 1024, keyring, logId: keyDir ? 'crash-stream/shardId-000000000000' : undefined });
    return { log, close: async () => { await log.close(); await keyring?.close(); } };
  };
  let seqBase = 0;
  for (let round = 0; round < count; round++) {
    const acks = await runAndKill(dir, seqBase, round % 2 === 0 ? 'auto' : 'pwrite', large, keyDir, rootKey);
    seqBase += 1_000_000;
    for (const a of acks) acked.push(a);
    const { log, close } = await reopen();
    for (const a of acks) {
      const { records } = log.read({ offset: a.offset }, { maxRecords: a.count });
      expect(records.length).toBe(a.count);
      records.forEach((r, i) => {
        expect(r.offset).toBe(a.offset + i);
        expect(r.data.toString().startsWith(`record-${a.seq + i}-`)).toBe(true);
        expect(r.data.length).toBe(20 + ((a.seq + i) % 300) + (large ? LARGE_EXTRA : 0));
      });
    }
    // Dense up to its end after every reopen: a hole (offsets counted but unreadable) would sit
    // under every later append. An empty segment left by a roll before a torn write made one.
    expectDense(log, `round ${round} (${round % 2 === 0 ? 'auto' : 'pwrite'})`);
    await close();
  }
  expect(acked.length).toBeGreaterThan(count);
  // After all the kills the whole log reads back densely, with no gaps before the last ack.
  const { log, close } = await reopen();
  // Not Math.max(...): on a fast machine 200 rounds ack more appends than a call takes arguments
  // (this threw RangeError: Maximum call stack size exceeded).
  const last = acked.reduce((m, a) => Math.max(m, a.offset + a.count), 0);
  expect(log.endOffset).toBeGreaterThanOrEqual(last);
  expectDense(log, 'at the end');
  await close();
  // Encrypted: nothing of the records reached the disk in the clear.
  if (encrypted) for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name)).includes('record-'), name).toBe(false);
}

test(`every acknowledged record survives SIGKILL (${rounds} rounds, both write paths)`, () => killAndCheck(rounds, false), 600_000);

// The same under LZ4 + encryption: SIGKILL lands while data keys are being generated and stored
// (small segments: a new run every 256 KiB) as well as mid-write. Fewer rounds in the default run.
const encryptedRounds = Math.max(4, Math.floor(rounds / 3));
test(`every acknowledged encrypted record survives SIGKILL, keys included (${encryptedRounds} rounds)`, () => killAndCheck(encryptedRounds, true), 600_000);

// Batches of up to 2.4 MB: rounds merge a log's appends up to the 1 MiB write cap and split larger
// appends into linked writes of 1 MiB (native/io_service.cc); a kill between two of them must
// leave a prefix that recovery cuts at the last whole batch. Fewer rounds in the default run.
const largeRounds = Math.max(4, Math.floor(rounds / 4));
test(`every acknowledged record of large batches survives SIGKILL (${largeRounds} rounds, both write paths)`, () => killAndCheck(largeRounds, false, true), 600_000);

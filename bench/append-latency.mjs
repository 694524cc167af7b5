// Put latency on the storage engine alone: 4 shard logs, a put of 500 records of 100 B (125 per
// log, all four appends awaited together) every 2 ms for SECS seconds, with each log's durability
// DUR (default interval, synced every second) and write path IO (auto, pwrite or io_uring). Prints latency percentiles and the syncer thread's
// interval syncs. Shows whether appends wait for anything but their own write (e.g. another log's
// fdatasync). Files go to a temporary directory, removed at the end.
//
//   npm run build && DUR=interval SECS=8 node bench/append-latency.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native } from '../dist/storage/native.js';
import { packRecords } from '../dist/storage/record-pack.js';
import { ShardLog } from '../dist/storage/shard-log.js';

const durability = process.env.DUR ?? 'interval';
const seconds = Number(process.env.SECS ?? 8);
const io = process.env.IO ?? 'auto';
const root = mkdtempSync(join(tmpdir(), 'millrace-append-latency-'));
const logs = [];
for (let i = 0; i < 4; i++) logs.push(await ShardLog.open(join(root, `log-${i}`), { durability, io, syncIntervalMs: 1000 }));
const payload = packRecords(Array.from({ length: 125 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.alloc(100, i) })), 1 << 20);

const latencies = [];
const before = native.ioStats();
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  const t = performance.now();
  await Promise.all(logs.map((log) => log.appendPacked({ payload, count: 125 })));
  latencies.push(performance.now() - t);
  await new Promise((r) => setTimeout(r, 2));
}
const after = native.ioStats();
for (const log of logs) await log.close();
rmSync(root, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const q = (p) => `${latencies[Math.floor(p * (latencies.length - 1))].toFixed(3)} ms`;
console.log(JSON.stringify({
  durability,
  io: logs[0].io,
  puts: latencies.length,
  p50: q(0.5),
  p99: q(0.99),
  p999: q(0.999),
  max: q(1),
  inlineRounds: after.inlineRounds - before.inlineRounds,
  intervalSyncs: (after.intervalSyncs ?? 0) - (before.intervalSyncs ?? 0),
  intervalSyncMs: Number(((after.intervalSyncMs ?? 0) - (before.intervalSyncMs ?? 0)).toFixed(1)),
}));

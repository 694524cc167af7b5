#!/usr/bin/env node
// Process-level storage benchmark: every trial runs in a fresh process (no JIT or page-cache
// state carried between scenarios), 3 trials per scenario, the median is reported.
//   node bench/storage.mjs                 all scenarios, table + bench/out/storage.json
//   node bench/storage.mjs --only append   scenarios whose name contains "append"
//   node bench/storage.mjs --trial NAME    one trial of one scenario (used internally)
// Needs `npm run build` first (imports dist/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TRIALS = Number(process.env.TRIALS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 3);

function scenarios() {
  const list = [];
  for (const size of [100, 1024]) {
    for (const logs of [1, 2]) {
      for (const durability of ['never', 'interval', 'always']) {
        list.push({ name: `append ${durability} ${size}B x1000 logs=${logs}`, kind: 'append', size, batch: 1000, logs, durability, inflight: durability === 'always' ? 16 : 4 });
      }
      list.push({ name: `read zero-copy ${size}B logs=${logs}`, kind: 'read', size, batch: 1000, logs });
    }
  }
  list.push({ name: 'append always 100B x100 logs=1 (small batches)', kind: 'append', size: 100, batch: 100, logs: 1, durability: 'always', inflight: 64 });
  list.push({ name: 'append never 100B x1000 logs=1 io=pwrite', kind: 'append', size: 100, batch: 1000, logs: 1, durability: 'never', inflight: 4, io: 'pwrite' });
  list.push({ name: 'append always 100B x1000 logs=1 io=pwrite', kind: 'append', size: 100, batch: 1000, logs: 1, durability: 'always', inflight: 16, io: 'pwrite' });
  list.push({ name: 'append(records) never 100B x1000 logs=1 (JS packing)', kind: 'append-records', size: 100, batch: 1000, logs: 1, durability: 'never', inflight: 4 });
  list.push({ name: 'read objects (ShardLog.read) 100B logs=1', kind: 'read-objects', size: 100, batch: 1000, logs: 1 });
  list.push({ name: 'noop native call', kind: 'noop' });
  return list;
}

async function trial(s) {
  const { ShardLog } = await import('../dist/storage/shard-log.js');
  const { packRecords, forEachBatch, RecordCursor } = await import('../dist/storage/record-pack.js');
  const { native } = await import('../dist/storage/native.js');
  if (s.kind === 'noop') {
    const n = 20_000_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) native.noop();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { opsPerSec: n / secs };
  }
  const root = mkdtempSync(join(os.tmpdir(), 'mr-bench-'));
  try {
    const logs = await Promise.all(Array.from({ length: s.logs }, (_, i) => ShardLog.open(join(root, `log${i}`), { durability: s.durability ?? 'never', io: s.io ?? 'auto' })));
    const records = Array.from({ length: s.batch }, (_, i) => ({ partitionKey: `user-${i % 1000}`, data: Buffer.alloc(s.size, i % 251) }));
    const payload = packRecords(records, 1 << 20);
    const deadline = Date.now() + SECONDS * 1000;
    if (s.kind.startsWith('append')) {
      let batches = 0;
      const t0 = process.hrtime.bigint();
      await Promise.all(logs.map(async (log) => {
        const inflight = new Set();
        while (Date.now() < deadline) {
          const p = (s.kind === 'append-records' ? log.append(records) : log.appendPacked({ payload, count: s.batch })).then(() => {
            batches++;
            inflight.delete(p);
          });
          inflight.add(p);
          if (inflight.size >= s.inflight) await Promise.race(inflight);
        }
        await Promise.all(inflight);
      }));
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      await Promise.all(logs.map((l) => l.close()));
      const recs = batches * s.batch;
      return { recordsPerSec: recs / secs, mbPerSec: (recs * s.size) / secs / 1e6, batches, io: logs[0].io };
    }
    // Reads: fill ~200 MB (or 2M records) per log first, then read it back in a loop.
    const target = Math.min(2_000_000, Math.floor(200e6 / s.size));
    for (const log of logs) {
      const pend = [];
      for (let n = 0; n < target; n += s.batch) pend.push(log.appendPacked({ payload, count: s.batch }));
      await Promise.all(pend);
    }
    let read = 0;
    let checksum = 0;
    const t0 = process.hrtime.bigint();
    while (Date.now() < deadline) {
      for (const log of logs) {
        const end = log.endOffset;
        for (let off = 0; off < end;) {
          if (s.kind === 'read-objects') {
            const r = log.read({ offset: off }, { maxRecords: 10_000 });
            read += r.records.length;
            checksum += r.records[0].data[0];
            off = r.nextOffset;
          } else {
            // The zero-copy path: one native call per 10,000 records, a cursor over the view.
            const v = log['nativeLog'].read(off, 10_000, 1 << 30);
            forEachBatch(v.buffer, (h, start) => {
              const c = new RecordCursor(v.buffer, start, h.payloadSize, h.firstOffset, h.baseTimestamp);
              while (c.next()) {
                checksum += c.dataLength;
                read++;
              }
              off = h.firstOffset + h.recordCount;
            });
          }
        }
      }
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    await Promise.all(logs.map((l) => l.close()));
    return { recordsPerSec: read / secs, mbPerSec: (read * s.size) / secs / 1e6, checksum };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.floor(a.length / 2)];
}

function machine() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model, cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version };
}

const args = process.argv.slice(2);
if (args[0] === '--trial') {
  const s = scenarios().find((x) => x.name === args[1]);
  process.stdout.write(JSON.stringify(await trial(s)) + '\n');
} else {
  const only = args[0] === '--only' ? args[1] : '';
  const results = [];
  for (const s of scenarios().filter((x) => x.name.includes(only))) {
    const runs = [];
    for (let t = 0; t < TRIALS; t++) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--trial', s.name], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${s.name}: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
    const key = s.kind === 'noop' ? 'opsPerSec' : 'recordsPerSec';
    const med = median(runs.map((r) => r[key]));
    const row = { scenario: s.name, median: Math.round(med), unit: s.kind === 'noop' ? 'calls/s' : 'records/s', mbPerSec: runs[0].mbPerSec ? Math.round(median(runs.map((r) => r.mbPerSec))) : undefined, io: runs[0].io, trials: runs.map((r) => Math.round(r[key])) };
    results.push(row);
    console.log(`${s.name.padEnd(58)} ${String(row.median.toLocaleString('en-US')).padStart(14)} ${row.unit}${row.mbPerSec ? `  ${row.mbPerSec} MB/s` : ''}  trials=${row.trials.join(',')}`);
  }
  mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./out/storage.json', import.meta.url), JSON.stringify({ machine: machine(), seconds: SECONDS, trials: TRIALS, results }, null, 2));
}

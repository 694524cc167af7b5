#!/usr/bin/env node
// Process-level storage benchmark: every trial runs in a fresh process (no JIT or page-cache
// state carried between scenarios), 3 trials per scenario, the median is reported.
//   node bench/storage.mjs                 all scenarios, table + bench/out/storage.json
//   node bench/storage.mjs --only append   scenarios whose name contains "append"
//   node bench/storage.mjs --trial NAME    one trial of one scenario (used internally)
// Needs `npm run build` first (imports dist/).
// The `at rest` scenarios append and read realistic JSON records (bench/micro/clickstream.mjs:
// ~100 B compact events, ~1 KiB full events) as they are (plain), LZ4-compressed per batch (lz4),
// encrypted (aes: AES-256-GCM under a fresh data key) or both (lz4+aes), and report the
// compression ratio: packed record bytes appended / bytes stored in segment files. Their reads go
// through ShardLog.readBatchesAsync, READ_RECORDS (10,000) records per call, one call ahead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { jsonRecords } from './micro/clickstream.mjs';

const READ_RECORDS = Number(process.env.READ_RECORDS ?? 10_000);

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
  for (const size of [100, 1024]) {
    for (const mode of ['plain', 'lz4', 'aes', 'lz4+aes']) {
      list.push({ name: `at rest: append ${mode} json ${size}B x1000 never`, kind: 'append', json: true, mode, size, batch: 1000, logs: 1, durability: 'never', inflight: 4 });
      list.push({ name: `at rest: read ${mode} json ${size}B`, kind: 'read', json: true, mode, size, batch: 1000, logs: 1 });
    }
  }
  list.push({ name: 'at rest: append lz4+aes json 100B x1000 always', kind: 'append', json: true, mode: 'lz4+aes', size: 100, batch: 1000, logs: 1, durability: 'always', inflight: 16 });
  list.push({ name: 'noop native call', kind: 'noop' });
  return list;
}

async function trial(s) {
  const { ShardLog } = await import('../dist/storage/shard-log.js');
  const { packRecords, forEachBatch, RecordCursor } = await import('../dist/storage/record-pack.js');
  const { native } = await import('../dist/storage/native.js');
  const { Keyring } = await import('../dist/storage/keyring.js');
  const { FLAG_CODEC_MASK, FLAG_ENCRYPTED } = await import('../dist/core/constants.js');
  if (s.kind === 'noop') {
    const n = 20_000_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) native.noop();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { opsPerSec: n / secs };
  }
  const root = mkdtempSync(join(os.tmpdir(), 'mr-bench-'));
  try {
    const atRest = {};
    let keyring;
    if (s.mode?.includes('lz4')) atRest.compression = 'lz4';
    if (s.mode?.includes('aes')) {
      keyring = await Keyring.open({ dataDir: root, rootKey: randomBytes(32) });
      const key = await keyring.createKey();
      atRest.encryption = { keyring, keyId: key.keyId };
    }
    const logs = await Promise.all(Array.from({ length: s.logs }, (_, i) => ShardLog.open(join(root, `log${i}`), { durability: s.durability ?? 'never', io: s.io ?? 'auto', ...atRest })));
    const datas = s.json ? jsonRecords(s.batch, s.size) : undefined;
    const records = Array.from({ length: s.batch }, (_, i) => ({ partitionKey: `user-${i % 1000}`, data: datas ? datas[i] : Buffer.alloc(s.size, i % 251) }));
    const payload = packRecords(records, 1 << 20);
    const recordBytes = records.reduce((n, r) => n + r.data.length, 0) / records.length;
    const storedBytes = () => logs.reduce((n, l) => n + l.stats().bytes, 0);
    const deadline = Date.now() + SECONDS * 1000;
    if (s.kind.startsWith('append')) {
      let batches = 0;
      // ioStats is missing from builds before it existed (A/B runs against an older addon).
      const ioStats = () => native.ioStats?.() ?? { writeMs: 0, syncMs: 0, fillMs: 0, fillWaitMs: 0, rounds: 0, unfilledBytes: 0 };
      const io0 = ioStats();
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
      // Share of the wall time the I/O thread spent writing, syncing and zero-filling.
      const io1 = ioStats();
      const share = (k) => +((io1[k] - io0[k]) / (secs * 1000)).toFixed(3);
      const ioThread = { write: share('writeMs'), sync: share('syncMs'), fill: share('fillMs'), fillWait: share('fillWaitMs'), rounds: io1.rounds - io0.rounds, unfilledMB: +((io1.unfilledBytes - io0.unfilledBytes) / 1e6).toFixed(1) };
      const ratio = (batches * payload.length) / storedBytes();
      await Promise.all(logs.map((l) => l.close()));
      await keyring?.close();
      const recs = batches * s.batch;
      return { recordsPerSec: recs / secs, mbPerSec: (recs * recordBytes) / secs / 1e6, batches, io: logs[0].io, ratio, recordBytes, ioThread };
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
        let ahead;
        for (let off = 0; off < end;) {
          if (s.kind === 'read-objects') {
            const r = log.read({ offset: off }, { maxRecords: 10_000 });
            read += r.records.length;
            checksum += r.records[0].data[0];
            off = r.nextOffset;
          } else if (s.json) {
            // At rest: ShardLog's packed read (what the TCP face and subscriptions use), which
            // decodes compressed or encrypted batches (large runs of LZ4 off the JS thread, in
            // parallel), then a cursor over each batch's records.
            // One read ahead, as a consumer that prefetches: the next call's batches decode on
            // the pool while this one's records are walked.
            const r = await (ahead ?? log.readBatchesAsync({ offset: off }, { maxRecords: READ_RECORDS }));
            ahead = r.nextOffset < end ? log.readBatchesAsync({ offset: r.nextOffset }, { maxRecords: READ_RECORDS }) : undefined;
            for (const b of r.batches) {
              const c = new RecordCursor(b.payload, 0, b.payload.length, b.firstOffset, b.baseTimestamp);
              while (c.next()) {
                checksum += c.dataLength;
                read++;
              }
            }
            off = r.nextOffset;
          } else {
            // The zero-copy path: one native call per 10,000 records, a cursor over the view.
            const v = log['nativeLog'].read(off, 10_000, 1 << 30);
            forEachBatch(v.buffer, (h, start) => {
              // Compressed or encrypted batches: ShardLog.read's own decode step, then the same cursor.
              const decoded = h.flags & (FLAG_CODEC_MASK | FLAG_ENCRYPTED) ? log['decode'](v, h, start) : undefined;
              const c = decoded
                ? new RecordCursor(decoded, 0, decoded.length, h.firstOffset, h.baseTimestamp)
                : new RecordCursor(v.buffer, start, h.payloadSize, h.firstOffset, h.baseTimestamp);
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
    await keyring?.close();
    return { recordsPerSec: read / secs, mbPerSec: (read * recordBytes) / secs / 1e6, checksum };
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
    if (runs[0].ratio) Object.assign(row, { ratio: +median(runs.map((r) => r.ratio)).toFixed(2), recordBytes: Math.round(runs[0].recordBytes) });
    results.push(row);
    if (runs[0].ioThread) row.ioThread = runs.map((r) => r.ioThread);
    let extra = row.ratio && s.json ? `  ratio=${row.ratio} (${row.recordBytes} B records)` : '';
    if (s.durability === 'always') extra += `  share of wall time write/sync/fillWait (I/O thread) fill (filler), MB unfilled: ${row.ioThread.map((t) => `${t.write}/${t.sync}/${t.fillWait} ${t.fill}, ${t.unfilledMB}`).join('; ')}`;
    console.log(`${s.name.padEnd(58)} ${String(row.median.toLocaleString('en-US')).padStart(14)} ${row.unit}${row.mbPerSec ? `  ${row.mbPerSec} MB/s` : ''}  trials=${row.trials.join(',')}${extra}`);
  }
  mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
  const out = only ? `./out/storage-${only.replace(/[^a-z0-9]+/gi, '-')}.json` : './out/storage.json';
  writeFileSync(new URL(out, import.meta.url), JSON.stringify({ machine: machine(), loadavg: os.loadavg(), seconds: SECONDS, trials: TRIALS, only, results }, null, 2));
}

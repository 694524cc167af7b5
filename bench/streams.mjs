#!/usr/bin/env node
// Process-level Data Streams benchmark: the AWS-shaped API (mr.kinesis) and the fast path
// (mr.fast) over real shard logs. Every trial runs in a fresh process for a bounded time, TRIALS
// trials per scenario, the median is reported beside the spread.
//   node bench/streams.mjs                  all scenarios, table + bench/out/streams.json
//   node bench/streams.mjs --only putRecords scenarios whose name contains "putRecords"
//   node bench/streams.mjs --src            run the TypeScript sources (no build needed)
//   node bench/streams.mjs --list           the scenario names
//   node bench/streams.mjs --trial NAME     one trial of one scenario (used internally)
// Without --src it imports dist/: run `npm run build:ts` first.
// Env: TRIALS (default 3), TRIAL_SECONDS per trial (default 2; not SECONDS, which bash sets itself).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TRIALS = Number(process.env.TRIALS ?? 3);
const SECONDS = Number(process.env.TRIAL_SECONDS ?? 2);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const fromSrc = process.argv.includes('--src');

function scenarios() {
  const list = [{ name: 'baseline: no-op native call', kind: 'noop' }];
  for (const size of [100, 1024]) {
    for (const durability of ['never', 'always']) {
      for (const shards of [1, 4]) {
        const tag = `${size}B shards=${shards} ${durability}`;
        // Closed loops with enough calls in flight to keep every shard's log busy; `always` needs
        // more, since a call only completes after its group commit.
        const inflight = durability === 'always' ? 32 : 8;
        list.push({ name: `putRecords x500 ${tag}`, kind: 'putRecords', size, shards, durability, batch: 500, inflight });
        list.push({ name: `fast put x10000 ${tag}`, kind: 'fastPut', size, shards, durability, batch: 10_000, inflight: durability === 'always' ? 8 : 2 });
        list.push({ name: `fast putPacked x10000 ${tag}`, kind: 'fastPutPacked', size, shards, durability, batch: 10_000, inflight: durability === 'always' ? 8 : 2 });
        list.push({ name: `baseline: appendPacked x1000 ${tag}`, kind: 'appendPacked', size, shards, durability, batch: 1000, inflight: durability === 'always' ? 16 : 4 });
      }
    }
    for (const shards of [1, 4]) {
      list.push({ name: `getRecords ${size}B shards=${shards}`, kind: 'getRecords', size, shards, durability: 'never' });
      list.push({ name: `fast read ${size}B shards=${shards}`, kind: 'fastRead', size, shards, durability: 'never' });
    }
  }
  return list;
}

async function load(path) {
  // A relative specifier, so that the --src loader maps `.js` to the `.ts` beside it.
  return import(`../${fromSrc ? 'src' : 'dist'}/${path}`);
}

/** Keeps `inflight` calls of `op` running until the deadline; returns completed calls per second. */
async function closedLoop(op, inflight, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (Date.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  return { calls: done, secs: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function makeRecords(n, size, shape) {
  // 1,000 distinct partition keys, as a clickstream of users would have.
  return Array.from({ length: n }, (_, i) => {
    const data = Buffer.alloc(size, i % 251);
    const key = `user-${i % 1000}`;
    return shape === 'aws' ? { Data: data, PartitionKey: key } : { data, partitionKey: key };
  });
}

async function trial(s) {
  if (s.kind === 'noop') {
    const { native } = await load('storage/native.js');
    const n = 20_000_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) native.noop();
    return { opsPerSec: n / (Number(process.hrtime.bigint() - t0) / 1e9) };
  }
  const dataDir = mkdtempSync(join(os.tmpdir(), 'mr-bench-streams-'));
  try {
    if (s.kind === 'appendPacked') {
      const { ShardLog } = await load('storage/shard-log.js');
      const { packRecords } = await load('storage/record-pack.js');
      const logs = await Promise.all(Array.from({ length: s.shards }, (_, i) => ShardLog.open(join(dataDir, `log${i}`), { durability: s.durability })));
      const payload = packRecords(makeRecords(s.batch, s.size, 'log'), 1 << 20);
      let i = 0;
      const { calls, secs } = await closedLoop(() => logs[i++ % logs.length].appendPacked({ payload, count: s.batch }), s.inflight * s.shards, SECONDS);
      await Promise.all(logs.map((l) => l.close()));
      return { recordsPerSec: (calls * s.batch) / secs, mbPerSec: (calls * s.batch * s.size) / secs / 1e6 };
    }
    const { Millrace } = await load('millrace.js');
    const mr = await Millrace.open({ dataDir, retentionIntervalMs: 0, throttling: false, log: { durability: s.durability } });
    try {
      await mr.kinesis.createStream({ StreamName: 'bench', ShardCount: s.shards });
      if (s.kind === 'putRecords') {
        const Records = makeRecords(s.batch, s.size, 'aws');
        const { calls, secs } = await closedLoop(async () => {
          const out = await mr.kinesis.putRecords({ StreamName: 'bench', Records });
          if (out.FailedRecordCount) throw new Error(`${out.FailedRecordCount} records failed`);
        }, s.inflight, SECONDS);
        return { recordsPerSec: (calls * s.batch) / secs, mbPerSec: (calls * s.batch * s.size) / secs / 1e6 };
      }
      if (s.kind === 'fastPut') {
        const records = makeRecords(s.batch, s.size, 'log');
        const { calls, secs } = await closedLoop(() => mr.fast.put('bench', records), s.inflight, SECONDS);
        return { recordsPerSec: (calls * s.batch) / secs, mbPerSec: (calls * s.batch * s.size) / secs / 1e6 };
      }
      if (s.kind === 'fastPutPacked') {
        // As the TCP face receives them: one packed payload per call, a fresh buffer each time.
        const { packRecords } = await load('storage/record-pack.js');
        const payload = packRecords(makeRecords(s.batch, s.size, 'log'), 1 << 20);
        const { calls, secs } = await closedLoop(() => mr.fast.putPacked('bench', Buffer.from(payload), s.batch), s.inflight, SECONDS);
        return { recordsPerSec: (calls * s.batch) / secs, mbPerSec: (calls * s.batch * s.size) / secs / 1e6 };
      }
      // Reads: fill about 100 MB (at most 1 M records) through the fast path, then read it back in
      // a loop, starting over at the oldest record when a shard is exhausted.
      const total = Math.min(1_000_000, Math.floor(100e6 / s.size));
      const fill = makeRecords(10_000, s.size, 'log');
      for (let n = 0; n < total; n += fill.length) await mr.fast.put('bench', fill);
      const shardIds = Array.from({ length: s.shards }, (_, i) => `shardId-${String(i).padStart(12, '0')}`);
      let records = 0;
      let bytes = 0;
      const deadline = Date.now() + SECONDS * 1000;
      const t0 = process.hrtime.bigint();
      if (s.kind === 'getRecords') {
        const trim = async (ShardId) => (await mr.kinesis.getShardIterator({ StreamName: 'bench', ShardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
        const its = await Promise.all(shardIds.map(trim));
        for (let k = 0; Date.now() < deadline; k = (k + 1) % shardIds.length) {
          const out = await mr.kinesis.getRecords({ ShardIterator: its[k], Limit: 10_000 });
          for (const r of out.Records) bytes += r.Data.byteLength;
          records += out.Records.length;
          its[k] = out.MillisBehindLatest === 0 && out.Records.length === 0 ? await trim(shardIds[k]) : out.NextShardIterator;
        }
      } else {
        const next = shardIds.map(() => 0);
        for (let k = 0; Date.now() < deadline; k = (k + 1) % shardIds.length) {
          const out = await mr.fast.read('bench', shardIds[k], { offset: next[k], maxRecords: 10_000 });
          for (const r of out.records) bytes += r.data.byteLength;
          records += out.records.length;
          next[k] = out.records.length === 0 ? 0 : out.nextOffset;
        }
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      return { recordsPerSec: records / secs, mbPerSec: bytes / secs / 1e6 };
    } finally {
      await mr.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fmt(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : n.toFixed(0);
}

async function main() {
  const i = process.argv.indexOf('--trial');
  if (i >= 0) {
    const s = scenarios().find((x) => x.name === process.argv[i + 1]);
    if (!s) throw new Error(`unknown scenario ${process.argv[i + 1]}`);
    process.stdout.write(JSON.stringify(await trial(s)) + '\n');
    return;
  }
  if (process.argv.includes('--list')) {
    for (const s of scenarios()) console.log(s.name);
    return;
  }
  const o = process.argv.indexOf('--only');
  const only = o >= 0 ? process.argv[o + 1] : undefined;
  const selected = scenarios().filter((s) => !only || s.name.includes(only));
  const loader = fromSrc ? ['--import', join(ROOT, 'test/streams/helpers/register-ts.mjs')] : [];
  const results = [];
  for (const s of selected) {
    const trials = [];
    for (let t = 0; t < TRIALS; t++) {
      const args = [...loader, fileURLToPath(import.meta.url), '--trial', s.name, ...(fromSrc ? ['--src'] : [])];
      let r;
      // The addon may be mid-rebuild on a shared checkout: wait for it rather than lose the run.
      for (let attempt = 0; attempt < 10; attempt++) {
        r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: ROOT, timeout: (SECONDS + 120) * 1000 });
        if (r.status === 0 || !r.stderr.includes('MR_NATIVE_UNAVAILABLE')) break;
        await new Promise((done) => setTimeout(done, 15_000));
      }
      if (r.status !== 0) throw new Error(`trial "${s.name}" failed:\n${r.stderr}`);
      trials.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
    const key = 'recordsPerSec' in trials[0] ? 'recordsPerSec' : 'opsPerSec';
    const values = trials.map((t) => t[key]);
    const row = { scenario: s.name, median: median(values), unit: key === 'recordsPerSec' ? 'records/s' : 'calls/s', trials: values };
    if (key === 'recordsPerSec') row.mbPerSec = median(trials.map((t) => t.mbPerSec));
    results.push(row);
    console.log(`${s.name.padEnd(46)} ${fmt(row.median).padStart(9)} ${row.unit}${row.mbPerSec ? ` (${row.mbPerSec.toFixed(0)} MB/s)` : ''}  [${values.map(fmt).join(', ')}]`);
  }
  mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    loadavg: os.loadavg(),
    trials: TRIALS,
    seconds: SECONDS,
    source: fromSrc ? 'src' : 'dist',
    results,
  };
  writeFileSync(join(ROOT, 'bench/out/streams.json'), JSON.stringify(report, null, 2) + '\n');
}

await main();

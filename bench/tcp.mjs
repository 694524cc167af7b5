#!/usr/bin/env node
// TCP binary protocol benchmark: `millrace serve` as a child process, this process as the client,
// both on 127.0.0.1. A fresh server (and data directory) per durability.
//   node bench/tcp.mjs                      everything: table + bench/out/tcp.json
//   TRIALS=3 SECONDS=3 RATES=100000,1000000 SIZES=100,1024 DURABILITY=never,always node bench/tcp.mjs
//   SCENARIOS=put,consume node bench/tcp.mjs    a subset (consume reads what put wrote; put always runs)
//   SCENARIOS=put,targeted node bench/tcp.mjs   put, and put with every batch aimed at one shard
//   SCENARIOS=latency RATES=1000000 node bench/tcp.mjs   the latency phase alone (no put before it); targeted runs alone too
// Each trial starts a fresh server per durability; the table shows the median over trials.
// Needs `npm run build` first (runs dist/cli/main.js and imports dist/client).
//
// Scenarios, for 100 B and 1 KiB records:
//   put      packed batches of 1000 records, `INFLIGHT` batches pipelined on one connection,
//            the server routing records to `SHARDS` shards by partition key: acknowledged records/s;
//   targeted the same with each batch of 1000 records aimed at one shard, as a producer that
//            routes itself sends it (the server checks every record's shard in its routing pass);
//   consume  one subscription per shard from TRIM_HORIZON over what `put` wrote, every record
//            walked with a cursor: records/s (subscriptions reuse event buffers unless REUSE=0);
//   latency  records offered at a fixed RATE (records/s) in batches every millisecond, each
//            carrying its INTENDED send time (so a stall counts against every record it delays:
//            no coordinated omission), consumed by subscriptions on a second connection
//            (CONSUMER=process: in a child process of its own, bench/tcp-stamps.mjs);
//            put→consume latency percentiles from an HDR histogram.
// The page cache is flushed (`sync`) before each put, targeted and latency phase.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { connect, packRecords, cursorOf } = await import(join(ROOT, 'dist/client/index.js'));
const { readStamps, finishReading, newHistogram } = await import('./tcp-stamps.mjs');

const SECONDS = Number(process.env.SECONDS ?? 3);
const TRIALS = Number(process.env.TRIALS ?? 3);
const SHARDS = Number(process.env.SHARDS ?? 4);
const INFLIGHT = Number(process.env.INFLIGHT ?? 64);
const RATES = (process.env.RATES ?? '100000,1000000').split(',').map(Number);
const BATCH = 1000;
const SIZES = (process.env.SIZES ?? '100,1024').split(',').map(Number);
const DURABILITIES = (process.env.DURABILITY ?? 'never,always').split(',');
// Consume reads what put wrote, so it runs put too; latency alone runs without put.
const SCENARIOS = new Set((process.env.SCENARIOS ?? 'put,targeted,consume,latency').split(','));
if (SCENARIOS.has('consume')) SCENARIOS.add('put');
// Consumers here only walk each event in its turn, so they let the client reuse event memory.
const REUSE = process.env.REUSE !== '0';
// Where the latency phase reads: 'inline' (this process, a second connection) or 'process' (a child of its own).
const CONSUMER = process.env.CONSUMER ?? 'inline';
if (CONSUMER !== 'inline' && CONSUMER !== 'process') throw new Error('CONSUMER must be inline or process');

/** Starts `millrace serve` and resolves with its TCP port once it logs that it listens. */
function startServer(durability) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'millrace-bench-tcp-'));
  // SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(ROOT, 'dist/cli/main.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--tcp-port', '0', '--data-dir', dataDir, '--durability', durability, '--no-throttling', '--shard-limit', '1000', '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 20 s')), 20_000);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d.toString();
      for (let nl; (nl = buf.indexOf('\n')) >= 0; ) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const e = JSON.parse(line);
          if (e.msg === 'tcp: listening') {
            clearTimeout(timer);
            resolve({ port: e.port, pid: child.pid, stop });
          }
        } catch {
          // Not a log line: the server's own diagnostics (SERVER_NODE_ARGS=--trace-gc, say).
          if (line.trim()) process.stderr.write(`server: ${line}\n`);
        }
      }
    });
    child.once('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`server exited with ${code}`));
    });
  });
}

function payloadOf(size) {
  return packRecords(Array.from({ length: BATCH }, (_, i) => ({ partitionKey: `user-${i}`, data: Buffer.alloc(size, i & 0xff) })));
}

async function putPhase(client, stream, size) {
  const { payload, count } = payloadOf(size);
  let acked = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  const lane = async () => {
    while (performance.now() < end) {
      await client.putPacked(stream, payload, count);
      acked += count;
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, lane));
  const s = (performance.now() - t0) / 1000;
  return { records: acked, seconds: s, recordsPerSec: acked / s, mbPerSec: (acked * size) / s / 1e6 };
}

/**
 * Batches of 1,000 records for each shard, as a producer that routes itself sends them (the
 * client's Producer does): keys placed once by the server on a same-shaped stream, then packed per
 * shard. Returns { shardId, payload, count } per shard.
 */
async function targetedPayloads(client, stream, size) {
  const map = `${stream}-map`;
  await client.createStream(map, { shardCount: SHARDS });
  const keys = Array.from({ length: BATCH * SHARDS * 2 }, (_, i) => `user-${i}`);
  const probe = await client.putRecords(map, keys.map((k) => ({ partitionKey: k, data: 'x' })));
  const byShard = new Map();
  keys.forEach((k, i) => {
    const shardId = probe.results[probe.assignment ? probe.assignment[i] : 0].shardId;
    if (!byShard.has(shardId)) byShard.set(shardId, []);
    const list = byShard.get(shardId);
    if (list.length < BATCH) list.push(k);
  });
  return [...byShard].map(([shardId, ks]) => ({ shardId, ...packRecords(ks.map((k, i) => ({ partitionKey: k, data: Buffer.alloc(size, i & 0xff) }))) }));
}

/** putPhase with each batch aimed at one shard (PutBatch with a shard id): lanes take the shards in turn. */
async function targetedPhase(client, stream, size) {
  const payloads = await targetedPayloads(client, stream, size);
  let acked = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  const lane = async (l) => {
    const { shardId, payload, count } = payloads[l % payloads.length];
    while (performance.now() < end) {
      await client.putPacked(stream, payload, count, { shardId });
      acked += count;
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, (_, l) => lane(l)));
  const s = (performance.now() - t0) / 1000;
  return { records: acked, seconds: s, recordsPerSec: acked / s, mbPerSec: (acked * size) / s / 1e6 };
}

async function consumePhase(client, stream, shards, total) {
  let seen = 0;
  const t0 = performance.now();
  await Promise.all(
    shards.map(async (shardId) => {
      const end = (await client.getBatch(stream, shardId, { position: { type: 'LATEST' } })).nextOffset;
      if (end === 0) return;
      const sub = client.subscribe(stream, shardId, { position: { type: 'TRIM_HORIZON' }, recordWindow: 200_000, byteWindow: 64 * 1024 * 1024, reuseBuffers: REUSE });
      for await (const e of sub) {
        let last = -1;
        for (const b of e.batches) {
          const c = cursorOf(b);
          while (c.next()) seen++;
          last = b.firstOffset + b.recordCount - 1;
        }
        if (last >= end - 1) break;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return { records: seen, expected: total, seconds: s, recordsPerSec: seen / s };
}

/**
 * The reading side of the latency phase: in this process on the `consumer` connection, or with
 * CONSUMER=process in a child process of its own (bench/tcp-stamps.mjs), as a consumer that is
 * another application would run. Both record against the same clock (µs since the epoch).
 */
async function startReader(consumer, port, stream, shards) {
  if (CONSUMER !== 'process') {
    const state = await readStamps(consumer, stream, shards, REUSE);
    return { reset: () => state.histogram.reset(), finish: (sent) => finishReading(state, sent) };
  }
  const child = spawn(process.execPath, [join(ROOT, 'bench/tcp-stamps.mjs'), String(port), stream, shards.join(','), REUSE ? '1' : '0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  if ((await lines.next()).value !== 'ready') throw new Error('the consumer process did not start');
  return {
    reset: () => child.stdin.write('reset\n'),
    async finish(sent) {
      child.stdin.write(`stop ${sent}\n`);
      const out = JSON.parse((await lines.next()).value);
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r()));
      return { received: out.received, histogram: hdr.decodeFromCompressedBase64(out.histogram) };
    },
  };
}

async function latencyPhase(producer, consumer, port, stream, shards, size, RATE) {
  const perTick = Math.max(1, Math.round(RATE / 1000));
  const { payload, count } = packRecords(Array.from({ length: perTick }, (_, i) => ({ partitionKey: `user-${i}`, data: Buffer.alloc(Math.max(size, 8), i & 0xff) })));
  // Each record's data starts with the batch's intended send time (µs since the epoch, f64).
  const stampAt = [];
  for (let p = 0, i = 0; i < count; i++) {
    const recSize = payload.readUInt32LE(p);
    const keyLen = payload.readUInt16LE(p + 12);
    stampAt.push(p + 16 + keyLen);
    p += recSize;
  }
  const reader = await startReader(consumer, port, stream, shards);
  const warmupMs = 500;
  // Put -> acknowledgement from the actual send, apart: it tells the write path's share of the
  // put -> consume latency from the push's.
  const acks = newHistogram();
  const t0 = performance.now();
  const endAt = t0 + SECONDS * 1000;
  let tick = 0;
  let sent = 0;
  const inflight = new Set();
  const free = [];
  // One batch per 1 ms slot. The producer sleeps until about a millisecond before a slot and
  // sends then, a little early (timers fire 0.1–1 ms late here, and a busy-polling producer would
  // take a core from the server it measures). A batch's records carry the intended time when it
  // goes out late (a stall is charged to every record it delays: no coordinated omission), the
  // actual send time when early (a record cannot arrive before it is sent).
  const EARLY_MS = 1;
  for (let intendedMs = t0; intendedMs < endAt; intendedMs = t0 + tick) {
    const wait = intendedMs - performance.now();
    if (wait >= 1 + EARLY_MS) await new Promise((r) => setTimeout(r, wait - EARLY_MS));
    const stamp = (performance.timeOrigin + Math.min(intendedMs, performance.now())) * 1000;
    // A buffer per batch in flight (the socket write references it), taken back at its
    // acknowledgement: a fresh 100 KB buffer per millisecond would make this process collect its
    // external memory every ~100 ms, and its pauses would count against the server.
    const buf = free.pop() ?? Buffer.from(payload);
    for (const at of stampAt) buf.writeDoubleLE(stamp, at);
    const sentAt = performance.now();
    const warm = tick >= warmupMs;
    const p = producer.putPacked(stream, buf, count).then(() => {
      free.push(buf);
      inflight.delete(p);
      if (warm) acks.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
    });
    inflight.add(p);
    sent += count;
    tick++;
    if (tick === warmupMs) reader.reset();
  }
  await Promise.all(inflight);
  const { received, histogram } = await reader.finish(sent);
  const pct = (p) => histogram.getValueAtPercentile(p) / 1000;
  return {
    offeredRecordsPerSec: RATE,
    achievedRecordsPerSec: sent / ((performance.now() - t0) / 1000),
    received,
    sent,
    ms: { p50: pct(50), p90: pct(90), p99: pct(99), p999: pct(99.9), p9999: pct(99.99), max: histogram.maxValue / 1000 },
    ackMs: { p50: acks.getValueAtPercentile(50) / 1000, p99: acks.getValueAtPercentile(99) / 1000, max: acks.maxValue / 1000 },
  };
}

const results = [];

async function trialOf(trial) {
  for (const durability of DURABILITIES) {
    const server = await startServer(durability);
    try {
      const client = await connect({ port: server.port });
      const consumer = await connect({ port: server.port });
      for (const size of SIZES) {
        const stream = `bench-${size}`;
        await client.createStream(stream, { shardCount: SHARDS });
        const shards = (await client.listShards(stream)).shards.map((s) => s.shardId);
        let put;
        if (SCENARIOS.has('put')) {
          // Earlier points left gigabytes in the page cache for the kernel to write back: flushed
          // first, as before the latency phase, so that a point does not pay for another's.
          spawnSync('sync');
          put = await putPhase(client, stream, size);
          results.push({ trial, scenario: 'put', durability, size, shards: SHARDS, batch: BATCH, inflight: INFLIGHT, ...put });
          console.log(`put      ${durability.padEnd(6)} ${String(size).padStart(5)} B  ${(put.recordsPerSec / 1e6).toFixed(2)} M rec/s  ${put.mbPerSec.toFixed(0)} MB/s`);
        }
        if (SCENARIOS.has('targeted')) {
          spawnSync('sync');
          const tstream = `targeted-${size}`;
          await client.createStream(tstream, { shardCount: SHARDS });
          const t = await targetedPhase(client, tstream, size);
          results.push({ trial, scenario: 'targeted', durability, size, shards: SHARDS, batch: BATCH, inflight: INFLIGHT, ...t });
          console.log(`targeted ${durability.padEnd(6)} ${String(size).padStart(5)} B  ${(t.recordsPerSec / 1e6).toFixed(2)} M rec/s  ${t.mbPerSec.toFixed(0)} MB/s`);
        }
        if (put && SCENARIOS.has('consume')) {
          const consume = await consumePhase(client, stream, shards, put.records);
          results.push({ trial, scenario: 'consume', durability, size, shards: SHARDS, ...consume });
          console.log(`consume  ${durability.padEnd(6)} ${String(size).padStart(5)} B  ${(consume.recordsPerSec / 1e6).toFixed(2)} M rec/s  (${consume.records} of ${consume.expected})`);
        }
        for (const rate of SCENARIOS.has('latency') ? RATES : []) {
          // The put phase left gigabytes for the kernel to write back; flushed first, so that the
          // latency at a steady rate is not measured against the writeback of an earlier burst.
          spawnSync('sync');
          const lstream = `lat-${size}-${rate}`;
          await client.createStream(lstream, { shardCount: SHARDS });
          const lat = await latencyPhase(client, consumer, server.port, lstream, shards, size, rate);
          results.push({ trial, scenario: 'latency', durability, size, shards: SHARDS, ...lat });
          console.log(
            `latency  ${durability.padEnd(6)} ${String(size).padStart(5)} B  at ${(rate / 1e6).toFixed(2)} M rec/s offered (${(lat.achievedRecordsPerSec / 1e6).toFixed(2)} sent): ` +
              `p50 ${lat.ms.p50.toFixed(2)}  p99 ${lat.ms.p99.toFixed(2)}  p99.9 ${lat.ms.p999.toFixed(2)}  max ${lat.ms.max.toFixed(1)} ms; ` +
              `put -> ack p50 ${lat.ackMs.p50.toFixed(2)}  p99 ${lat.ackMs.p99.toFixed(2)} ms`,
          );
        }
      }
      await client.close();
      await consumer.close();
    } finally {
      await server.stop();
    }
  }
}

for (let trial = 0; trial < TRIALS; trial++) await trialOf(trial);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const groups = new Map();
for (const r of results) {
  const key = `${r.scenario} ${r.durability} ${r.size}B${r.scenario === 'latency' ? ` @${r.offeredRecordsPerSec / 1e6}M/s` : ''}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
const f = (x, d = 2) => Number(x.toFixed(d));
const summary = [...groups].map(([key, rs]) =>
  rs[0].scenario === 'latency'
    ? { key, trials: rs.length, 'sent M rec/s': f(median(rs.map((r) => r.achievedRecordsPerSec / 1e6))), 'p50 ms': f(median(rs.map((r) => r.ms.p50))), 'p99 ms': f(median(rs.map((r) => r.ms.p99))), 'p99.9 ms': f(median(rs.map((r) => r.ms.p999))) }
    : { key, trials: rs.length, 'M rec/s': f(median(rs.map((r) => r.recordsPerSec / 1e6))), 'MB/s': f((rs[0].size * median(rs.map((r) => r.recordsPerSec))) / 1e6, 0) },
);
console.log(`\nmedian of ${TRIALS} trial(s):`);
console.table(summary);

const report = {
  benchmark: 'tcp',
  date: new Date().toISOString(),
  node: process.version,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30) },
  summary,
  parameters: { trials: TRIALS, seconds: SECONDS, shards: SHARDS, inflight: INFLIGHT, batch: BATCH, rates: RATES, serverNodeArgs: process.env.SERVER_NODE_ARGS ?? '' },
  results,
};
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(join(ROOT, 'bench/out/tcp.json'), JSON.stringify(report, null, 2));

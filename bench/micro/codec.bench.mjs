#!/usr/bin/env node
// LZ4 on batch payloads: lz4-napi's inline (sync) API against its async API (libuv threadpool),
// and the compression ratio of clickstream JSON. Decides LZ4_ASYNC_MIN_BYTES in src/storage/codec.ts.
//
//   node bench/micro/codec.bench.mjs [--trials 3] [--sizes 1,4,...,4096 (KiB)] [--json]
//
// Every payload size runs in a fresh process per trial (tinybench, 200 ms per task after warm-up);
// figures are medians over trials. "x4" tasks compress four different batches: sequentially for
// sync, all in flight at once for async, which is what a server with several busy shards sees.
// "main-thread busy" is the event-loop utilisation while the async x4 task runs back to back: the
// share of the JS thread that async compression still costs (sync costs 100%).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compress, compressSync, uncompress, uncompressSync } from 'lz4-napi';
import { Bench } from 'tinybench';
import { arg, childOrMain, flag, kib, medianRowsPerSize, sizesArg } from './trials.mjs';
import { clickstreamBatch, clickstreamBatchOfSize } from './clickstream.mjs';

const SIZES = sizesArg('1,4,16,64,128,256,512,1024,4096');

async function child(size) {
  const inputs = [1, 2, 3, 4].map((seed) => clickstreamBatchOfSize(size, seed));
  const packed = inputs.map((b) => compressSync(b));
  const bench = new Bench({ time: 200, warmupTime: 50 });
  bench
    .add('compress sync', () => { compressSync(inputs[0]); })
    .add('compress async', async () => { await compress(inputs[0]); })
    .add('compress sync x4', () => { for (const b of inputs) compressSync(b); })
    .add('compress async x4', async () => { await Promise.all(inputs.map((b) => compress(b))); })
    .add('decompress sync', () => { uncompressSync(packed[0]); })
    .add('decompress async', async () => { await uncompress(packed[0]); })
    .add('decompress sync x4', () => { for (const b of packed) uncompressSync(b); })
    .add('decompress async x4', async () => { await Promise.all(packed.map((b) => uncompress(b))); });
  await bench.run();
  const out = { size, ratio: size / packed[0].length };
  for (const task of bench.tasks) out[task.name] = task.result.latency.p50 * 1000; // µs
  for (const [name, fn, list] of [['compress', compress, inputs], ['decompress', uncompress, packed]]) {
    const until = performance.now() + 200;
    const before = performance.eventLoopUtilization();
    while (performance.now() < until) await Promise.all(list.map((b) => fn(b)));
    out[`${name} async x4 busy`] = performance.eventLoopUtilization(before).utilization;
  }
  process.stdout.write(JSON.stringify(out));
}

function ratios() {
  const rows = [];
  for (const size of ['small', 'large']) {
    for (const count of [1, 10, 100, 500, 1000]) {
      const raw = clickstreamBatch(count, { size });
      rows.push({ records: size === 'small' ? '~100 B JSON' : '~870 B JSON', perBatch: count, rawBytes: raw.length, ratio: raw.length / compressSync(raw).length });
    }
  }
  return rows;
}

async function main() {
  const trials = Number(arg('--trials', 3));
  const rows = medianRowsPerSize(fileURLToPath(import.meta.url), SIZES, trials);
  const report = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, threadpool: Number(process.env.UV_THREADPOOL_SIZE ?? 4), loadavg: os.loadavg().map((x) => +x.toFixed(2)) },
    trials,
    sizes: rows,
    ratios: ratios(),
  };
  if (flag('--json')) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const m = report.machine;
  console.log(`${m.model}, ${m.cpus} CPUs, Node ${m.node}, libuv threadpool ${m.threadpool}, load ${m.loadavg.join(' ')}; ${trials} trials per size (median)`);
  const mbps = (bytes, us) => ((bytes / us) * 1e6 / (1 << 20)).toFixed(0);
  for (const op of ['compress', 'decompress']) {
    console.log(`\n${op} (p50 µs; MiB/s of raw payload; busy = JS-thread share while async x4 runs)`);
    console.table(rows.map((r) => ({
      payload: kib(r.size),
      'sync µs': r[`${op} sync`].toFixed(1),
      'async µs': r[`${op} async`].toFixed(1),
      'sync x4 MiB/s': mbps(4 * r.size, r[`${op} sync x4`]),
      'async x4 MiB/s': mbps(4 * r.size, r[`${op} async x4`]),
      'async x4 busy': `${(100 * r[`${op} async x4 busy`]).toFixed(0)}%`,
    })));
  }
  console.log('\ncompression ratio of clickstream JSON batches (raw / lz4)');
  console.table(report.ratios.map((r) => ({ ...r, ratio: r.ratio.toFixed(2) })));
}

await childOrMain(child, main);

#!/usr/bin/env node
// AES-256-GCM on batch payloads: the addon's aeadSeal/aeadOpen (Node's bundled OpenSSL, one
// thread-local EVP context) against node:crypto doing the same work, with a no-op native call as
// the floor, and the full write/read pipelines (lz4 then seal; open then lz4).
//
//   npm run build && node bench/micro/crypto.bench.mjs [--trials 3] [--sizes 1,4,16,64,256,1024 (KiB)] [--json]
//
// The addon is loaded through dist/storage/native.js, the package's only loader. Payloads are
// log-shaped batches of ~100 B clickstream JSON records, so "records/s" is what the crypto alone
// would allow the log for 100 B records. Every size runs in a fresh process per trial (tinybench,
// 200 ms per task after warm-up); figures are medians over trials.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { compressSync, uncompressSync } from 'lz4-napi';
import { Bench } from 'tinybench';
import { arg, childOrMain, flag, kib, medianRowsPerSize, sizesArg } from './trials.mjs';
import { clickstreamBatch } from './clickstream.mjs';

const SIZES = sizesArg('1,4,16,64,256,1024');
const NATIVE = new URL('../../dist/storage/native.js', import.meta.url);

function nodeSeal(key, aad, plain) {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
}

function nodeOpen(key, aad, sealed) {
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
}

async function child(size) {
  const { native } = await import(NATIVE.href);
  const batch = clickstreamBatch(Math.ceil(size / 110) + 1, { size: 'small' });
  const plain = batch.subarray(0, size);
  const records = batch.length ? Math.round((size / batch.length) * (Math.ceil(size / 110) + 1)) : 0;
  const key = randomBytes(32);
  const aad = Buffer.from('log 00000000-0000-0000-0000-000000000001|offset 1234567');
  const sealed = native.aeadSeal(key, aad, plain);
  const packed = native.aeadSeal(key, aad, compressSync(plain));
  const bench = new Bench({ time: 200, warmupTime: 50 });
  bench
    .add('noop (native floor)', () => { native.noop(); })
    .add('seal addon', () => { native.aeadSeal(key, aad, plain); })
    .add('seal node:crypto', () => { nodeSeal(key, aad, plain); })
    .add('open addon', () => { native.aeadOpen(key, aad, sealed); })
    .add('open node:crypto', () => { nodeOpen(key, aad, sealed); })
    .add('lz4+seal addon', () => { native.aeadSeal(key, aad, compressSync(plain)); })
    .add('open+lz4 addon', () => { uncompressSync(native.aeadOpen(key, aad, packed)); });
  await bench.run();
  const out = { size, records };
  for (const task of bench.tasks) out[task.name] = task.result.latency.p50 * 1000; // µs
  process.stdout.write(JSON.stringify(out));
}

async function main() {
  if (!existsSync(fileURLToPath(NATIVE))) {
    console.error('dist/storage/native.js is missing: run `npm run build` first.');
    process.exit(1);
  }
  const trials = Number(arg('--trials', 3));
  const rows = medianRowsPerSize(fileURLToPath(import.meta.url), SIZES, trials);
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, openssl: process.versions.openssl, loadavg: os.loadavg().map((x) => +x.toFixed(2)) };
  if (flag('--json')) {
    console.log(JSON.stringify({ machine, trials, sizes: rows }, null, 2));
    return;
  }
  console.log(`${machine.model}, ${machine.cpus} CPUs, Node ${machine.node}, OpenSSL ${machine.openssl}, load ${machine.loadavg.join(' ')}; ${trials} trials per size (median)`);
  const mib = (bytes, us) => ((bytes / us) * 1e6 / (1 << 20)).toFixed(0);
  const mrec = (recs, us) => ((recs / us)).toFixed(2);
  console.log('\nMiB/s of raw payload (p50); M rec/s = 100 B records per second the step alone allows');
  console.table(rows.map((r) => ({
    payload: kib(r.size),
    'noop µs': r['noop (native floor)'].toFixed(2),
    'seal addon': mib(r.size, r['seal addon']),
    'seal node': mib(r.size, r['seal node:crypto']),
    'open addon': mib(r.size, r['open addon']),
    'open node': mib(r.size, r['open node:crypto']),
    'lz4+seal': mib(r.size, r['lz4+seal addon']),
    'lz4+seal M rec/s': mrec(r.records, r['lz4+seal addon']),
    'open+lz4': mib(r.size, r['open+lz4 addon']),
    'open+lz4 M rec/s': mrec(r.records, r['open+lz4 addon']),
  })));
}

await childOrMain(child, main);

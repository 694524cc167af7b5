// One put's round trip over the TCP face at rest: a `millrace serve` child with durability DUR
// (default never), one connection, PUTS puts of N records of 100 B (default 3,000 × 100) to a
// 4-shard stream, each awaited and followed by a 1 ms pause, the first 500 dropped. Prints
// percentiles in ms. Shows what a put costs when nothing queues behind it: the thread wake-ups
// and the write itself (e.g. N=1000 with DUR=never vs interval: pages the zero-filler already
// allocated vs new ones). 127.0.0.1 only.
//
//   npx tsc -p tsconfig.build.json && N=1000 DUR=never node bench/tcp-rtt.mjs
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.mjs';

const N = Number(process.env.N ?? 100);
const PUTS = Number(process.env.PUTS ?? 3000);
const DUR = process.env.DUR ?? 'never';
const WARMUP = 500;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { connect, packRecords } = await import(join(ROOT, 'dist/client/index.js'));

const dataDir = mkdtempSync(join(tmpdir(), 'millrace-tcp-rtt-'));
const { child, port } = await startChild([join(ROOT, 'dist/cli/main.js'), 'serve', '--port', '0', '--tcp-port', '0', '--durability', DUR, '--data-dir', dataDir], (l) =>
  l.msg === 'millrace listening' ? l.tcp.split(':').pop() : undefined,
);

const client = await connect({ port });
await client.createStream('rtt', { shardCount: 4 });
const { payload, count } = packRecords(Array.from({ length: N }, (_, i) => ({ partitionKey: `user-${i}`, data: Buffer.alloc(100, i) })));
const ms = [];
for (let i = 0; i < WARMUP + PUTS; i++) {
  const t = performance.now();
  // A fresh copy per put, as a producer's batch would be.
  await client.putPacked('rtt', Buffer.from(payload), count);
  if (i >= WARMUP) ms.push(performance.now() - t);
  await new Promise((r) => setTimeout(r, 1));
}
ms.sort((a, b) => a - b);
const q = (p) => Number(ms[Math.floor(p * (ms.length - 1))].toFixed(3));
console.log(JSON.stringify({ records: N, durability: DUR, puts: PUTS, ms: { p10: q(0.1), p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) } }));
await client.close();
child.kill('SIGTERM');
await once(child, 'exit');
rmSync(dataDir, { recursive: true, force: true });

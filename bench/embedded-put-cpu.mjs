// The embedded AWS-shaped PutRecords' CPU: the JS thread's own CPU time per record (from
// /proc/self/task/<pid>/stat, so the I/O thread and GC helpers are not counted) while 4 loops put
// 500 × 100 B through mr.kinesis.putRecords into 4 shards, throttling off. Less noisy on a shared
// host than the records/s of `millrace bench`, since time the host takes away is not counted.
// DIR picks where the data goes (default /dev/shm), ROOT another built checkout (A/B), SECS and
// TRIALS the length. Linux only.
//
//   npm run build && node --single-threaded-gc bench/embedded-put-cpu.mjs
//   ROOT=/tmp/ab-old node --single-threaded-gc bench/embedded-put-cpu.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
const ROOT = process.env.ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const { Millrace } = await import(ROOT + '/dist/index.js');
const DIR = process.env.DIR ?? '/dev/shm';
const SECS = +(process.env.SECS ?? 4);
function mainCpuMs() { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (+f[11] + +f[12]) * 10; }
const dir = mkdtempSync(DIR + '/putcpu-');
const mr = await Millrace.open({ dataDir: dir, throttling: false });
await mr.kinesis.createStream({ StreamName: 's', ShardCount: 4 });
while ((await mr.kinesis.describeStreamSummary({ StreamName: 's' })).StreamDescriptionSummary.StreamStatus !== 'ACTIVE') await new Promise(r => setTimeout(r, 5));
const reqs = [];
for (let q = 0; q < 4; q++) { const buf = randomFillSync(Buffer.alloc(500 * 100)); reqs.push({ StreamName: 's', Records: Array.from({ length: 500 }, (_, i) => ({ Data: buf.subarray(i * 100, i * 100 + 100), PartitionKey: `user-${(q * 500 + i) % 1000}` })) }); }
let n = 0;
async function loop(req, until) { while (performance.now() < until) { const out = await mr.kinesis.putRecords(req); if (out.FailedRecordCount) throw new Error('failed'); n += 500; } }
await Promise.all(reqs.map(r => loop(r, performance.now() + 1000)));
for (let t = 0; t < +(process.env.TRIALS ?? 3); t++) {
  n = 0; const c0 = mainCpuMs(); const t0 = performance.now();
  await Promise.all(reqs.map(r => loop(r, t0 + SECS * 1000)));
  const s = (performance.now() - t0) / 1000, cpu = mainCpuMs() - c0;
  console.log(`${(n / s / 1e6).toFixed(2)} M rec/s  main cpu ${(cpu * 1e6 / n).toFixed(0)} ns/rec  (${(cpu / s / 10).toFixed(0)}% of a core)`);
}
await mr.close(); rmSync(dir, { recursive: true, force: true });

// The HTTP face's PutRecords throughput with as little client as possible: one PutRecords of
// 500 × 100 B as @aws-sdk/client-kinesis signs and serializes it (captured once), replayed over one
// h2c session with INFLIGHT streams for SECS seconds against `millrace serve` (a child process,
// 127.0.0.1, 4 shards, throttling off). The SDK's own client costs ~4 ms of CPU per request and opens
// a connection per request (bench/sdk-cpu.mjs), which hides the server's changes; here the server
// is the busy side. Prints requests and records per second and CPU per request on both sides.
//
// SIDE=null replays against bench/sdk-ceiling.mjs's null server (canned replies) instead, and
// SESSION=request opens a session per request, as the SDK does.
//
//   npm run build && INFLIGHT=16 SECS=5 node bench/http-replay.mjs
//   SESSION=request SIDE=null node bench/http-replay.mjs && SESSION=request node bench/http-replay.mjs
import http2 from 'node:http2';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { KinesisClient, PutRecordsCommand, CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { startChild } from './child.mjs';
const INFLIGHT = Number(process.env.INFLIGHT ?? 16);
const SECS = Number(process.env.SECS ?? 5);
const cap = await new Promise((resolve) => {
  const s = http2.createServer((req, res) => { const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => { resolve({ headers: req.headers, body: Buffer.concat(chunks) }); res.end('{}'); s.close(); }); });
  s.listen(0, '127.0.0.1', async () => {
    const c = new KinesisClient({ endpoint: `http://127.0.0.1:${s.address().port}`, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
    await c.send(new PutRecordsCommand({ StreamName: 'h2', Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(100, i) })) })).catch(() => {});
  });
});
const SIDE = process.env.SIDE ?? 'millrace';
// SESSION=request opens a session per request and closes it after, as the SDK's Kinesis client
// does (it sets disableConcurrentStreams): the per-connection cost counts too.
const PER_REQUEST = process.env.SESSION === 'request';
const dataDir = mkdtempSync(join(os.tmpdir(), 'millrace-h2-'));
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const { child, port } =
  SIDE === 'null'
    ? await startChild([...nodeArgs, join(process.cwd(), 'bench/sdk-ceiling.mjs'), '--null-server'], (l) => l.port)
    : await startChild([...nodeArgs, join(process.cwd(), 'dist/cli/main.js'), 'serve', '--port', '0', '--no-tcp', '--no-throttling', '--data-dir', dataDir, '--log-level', 'info'], (l) => (l.url ? new URL(l.url).port : undefined));
const c = new KinesisClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
await c.send(new CreateStreamCommand({ StreamName: 'h2', ShardCount: 4 }));
await new Promise((r) => setTimeout(r, 700));
const shared = PER_REQUEST ? undefined : http2.connect(`http://127.0.0.1:${port}`);
const headers = { ...cap.headers };
for (const k of Object.keys(headers)) if (k.startsWith(':')) delete headers[k];
headers[':method'] = 'POST';
headers[':path'] = '/';
const one = () =>
  new Promise((resolve, reject) => {
    const session = shared ?? http2.connect(`http://127.0.0.1:${port}`);
    const r = session.request(headers);
    let n = 0;
    r.on('response', (h) => {
      if (h[':status'] !== 200) reject(new Error(`status ${h[':status']}`));
    });
    r.on('data', (d) => (n += d.length));
    r.on('end', () => {
      if (!shared) session.close();
      resolve(n);
    });
    r.on('error', reject);
    r.end(cap.body);
  });
const cpu = () => { const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
for (let i = 0; i < 300; i++) await one();
let done = 0; const end = performance.now() + SECS * 1000; const c0 = cpu(); const my0 = process.cpuUsage(); const t0 = performance.now();
await Promise.all(Array.from({ length: INFLIGHT }, async () => { while (performance.now() < end) { await one(); done++; } }));
const secs = (performance.now() - t0) / 1000; const srv = cpu() - c0; const my = process.cpuUsage(my0);
console.log(JSON.stringify({ reqPerSec: Math.round(done / secs), recPerSec: Math.round((done * 500) / secs), serverCpuMsPerReq: +(srv / done).toFixed(3), clientCpuMsPerReq: +((my.user + my.system) / 1000 / done).toFixed(3) }));
shared?.close(); child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); rmSync(dataDir, { recursive: true, force: true });

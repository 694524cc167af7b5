// The HTTP face's PutRecords throughput with as little client as possible: one PutRecords of
// 500 × 100 B as @aws-sdk/client-kinesis signs and serializes it (captured once), replayed over one
// h2c session with INFLIGHT streams for SECS seconds against `millrace serve` (a child process,
// 127.0.0.1, 4 shards, throttling off). The SDK's own client costs ~4 ms of CPU per request and opens
// a connection per request (bench/sdk-cpu.mjs), which hides the server's changes; here the server
// is the busy side. Prints requests and records per second, latency, and CPU per request on both
// sides.
//
// SIDE=null replays against bench/sdk-ceiling.mjs's null server (canned replies) instead, and
// SESSION=request opens a session per request, as the SDK does.
//
// AGAINST=<another checkout, built> runs that checkout's server beside this one, and the client
// works against the two in turns of BLOCK_MS (500 ms) until each has had SECS. This host's speed
// drifts by ±25 % from one run to the next (CPU steal); turns this short put both servers under
// the same drift, where alternating whole runs does not. AGAINST=null takes the null server as the
// other side. One line per side.
//
//   npm run build && INFLIGHT=16 SECS=5 node bench/http-replay.mjs
//   SESSION=request SIDE=null node bench/http-replay.mjs && SESSION=request node bench/http-replay.mjs
//   INFLIGHT=1 SESSION=request AGAINST=/tmp/ab-old node bench/http-replay.mjs
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { KinesisClient, PutRecordsCommand, CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { startHttpServer } from './child.mjs';
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
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const headers = { ...cap.headers };
for (const k of Object.keys(headers)) if (k.startsWith(':')) delete headers[k];
headers[':method'] = 'POST';
headers[':path'] = '/';

/** A server to replay against: `root` is the checkout whose dist/ runs. */
async function startSide(name, root, kind = SIDE) {
  const { child, url, stop } = await startHttpServer(kind, { root, nodeArgs });
  const c = new KinesisClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
  await c.send(new CreateStreamCommand({ StreamName: 'h2', ShardCount: 4 }));
  c.destroy();
  const shared = PER_REQUEST ? undefined : http2.connect(url);
  const cpu = () => { const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
  const side = { name, cpu };
  side.one = () =>
    new Promise((resolve, reject) => {
      const session = shared ?? http2.connect(url);
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
  side.stop = async () => {
    shared?.close();
    await stop();
  };
  return side;
}

const sides = [await startSide(process.env.AGAINST ? 'this' : SIDE, process.cwd())];
if (process.env.AGAINST === 'null') sides.push(await startSide('null', process.cwd(), 'null'));
else if (process.env.AGAINST) sides.push(await startSide('against', process.env.AGAINST));
await new Promise((r) => setTimeout(r, 700));
for (let i = 0; i < 300; i++) for (const s of sides) await s.one();
for (const s of sides) Object.assign(s, { ms: [], done: 0, secs: 0, serverMs: 0, clientMs: 0 });
/** INFLIGHT request loops against `s` for `ms`; adds requests, latencies and both sides' CPU to `s`. */
async function block(s, ms) {
  const c0 = s.cpu();
  const my0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: INFLIGHT }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        await s.one();
        s.ms.push(performance.now() - started);
        s.done++;
      }
    }),
  );
  s.secs += (performance.now() - t0) / 1000;
  s.serverMs += s.cpu() - c0;
  const my = process.cpuUsage(my0);
  s.clientMs += (my.user + my.system) / 1000;
}
// Alone: one block. Against another checkout: turns of BLOCK_MS in the order this, against,
// against, this, ... until each side has had SECS.
const BLOCK_MS = sides.length === 1 ? SECS * 1000 : Number(process.env.BLOCK_MS ?? 500);
const turns = sides.length * Math.max(1, Math.round((SECS * 1000) / BLOCK_MS));
for (let t = 0; t < turns; t++) await block(sides.length === 1 ? sides[0] : sides[[0, 1, 1, 0][t % 4]], BLOCK_MS);
for (const s of sides) {
  s.ms.sort((a, b) => a - b);
  console.log(JSON.stringify({
    side: s.name,
    reqPerSec: Math.round(s.done / s.secs),
    recPerSec: Math.round((s.done * 500) / s.secs),
    p50Ms: +s.ms[s.ms.length >> 1].toFixed(3),
    meanMs: +(s.ms.reduce((a, b) => a + b, 0) / s.ms.length).toFixed(3),
    serverCpuMsPerReq: +(s.serverMs / s.done).toFixed(3),
    clientCpuMsPerReq: +(s.clientMs / s.done).toFixed(3),
  }));
}
for (const s of sides) await s.stop();

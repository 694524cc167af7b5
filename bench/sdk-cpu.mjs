// Where PutRecords' time goes through @aws-sdk/client-kinesis: the same request loop as
// bench/sdk-ceiling.mjs (500 × 100 B over 4 shards, INFLIGHT requests in flight, SECONDS long),
// against `millrace serve` (SIDE=millrace, the default) or sdk-ceiling's null server (SIDE=null),
// reporting CPU per request on both sides (the client's from process.cpuUsage, the server's from
// /proc/<pid>/stat) and the machine's idle, system and softirq shares (/proc/stat). Linux only;
// 127.0.0.1 only. SERVE_ARGS adds `millrace serve` options; with `--log-level debug` it also
// prints how long requests took from their last body byte to their response. NODE_ARGS go to the
// server's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
//
//   npx tsc -p tsconfig.build.json && INFLIGHT=16 SIDE=null node bench/sdk-cpu.mjs && node bench/sdk-cpu.mjs
import { readFileSync } from 'node:fs';
import { startHttpServer } from './child.mjs';

const SECONDS = Number(process.env.SECONDS ?? 6);
const INFLIGHT = Number(process.env.INFLIGHT ?? 16);
const SIDE = process.env.SIDE ?? 'millrace';

const handlerMs = [];
const server = await startHttpServer(SIDE, {
  nodeArgs: (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean),
  serveArgs: (process.env.SERVE_ARGS ?? '').split(' ').filter(Boolean),
  onLine: (l) => {
    if (l.msg === 'request' && typeof l.afterBodyMs === 'number') handlerMs.push(l.afterBodyMs);
  },
});
const { child, url } = server;

/** utime + stime of the server, in clock ticks (1/100 s). */
function serverTicks() {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'latin1').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
/** The machine's cpu line of /proc/stat: user nice system idle iowait irq softirq steal … */
function machine() {
  return readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
}

const { KinesisClient, CreateStreamCommand, PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
const client = new KinesisClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
const StreamName = 'sdk-cpu';
await client.send(new CreateStreamCommand({ StreamName, ShardCount: 4 })).catch(() => {});
const Records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(100, i) }));
for (let i = 0; i < 50; i++) await client.send(new PutRecordsCommand({ StreamName, Records })); // warm-up
handlerMs.length = 0;

let requests = 0;
const ticks0 = serverTicks();
const cpu0 = process.cpuUsage();
const m0 = machine();
const started = performance.now();
const end = Date.now() + SECONDS * 1000;
await Promise.all(
  Array.from({ length: INFLIGHT }, async () => {
    while (Date.now() < end) {
      await client.send(new PutRecordsCommand({ StreamName, Records }));
      requests++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const ticks = serverTicks() - ticks0;
const cpu = process.cpuUsage(cpu0);
const m = machine().map((v, i) => v - m0[i]);
const total = m.reduce((a, b) => a + b, 0);
const pct = (v) => Number(((100 * v) / total).toFixed(1));
const out = {
  side: SIDE,
  inFlight: INFLIGHT,
  recordsPerSec: Math.round((requests * 500) / seconds),
  requestsPerSec: Math.round(requests / seconds),
  serverCpuMsPerRequest: Number(((ticks * 10) / requests).toFixed(2)),
  clientCpuMsPerRequest: Number(((cpu.user + cpu.system) / 1000 / requests).toFixed(2)),
  machine: { idlePct: pct(m[3] + m[4]), systemPct: pct(m[2]), softirqPct: pct(m[6]), stealCentiseconds: m[7] },
};
if (handlerMs.length > 0) {
  handlerMs.sort((a, b) => a - b);
  const q = (p) => handlerMs[Math.floor(p * (handlerMs.length - 1))];
  out.serverAfterBodyMs = { p50: q(0.5), p90: q(0.9), p99: q(0.99) };
}
console.log(JSON.stringify(out));
client.destroy();
await server.stop();

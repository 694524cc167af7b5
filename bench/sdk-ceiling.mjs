// The AWS SDK's own ceiling: @aws-sdk/client-kinesis against a null HTTP/2 server that answers
// PutRecords and GetRecords with canned replies (no storage, no validation), next to the same
// client against `millrace serve`. Issue 5's target is a share of this ceiling, so both are
// measured in the same run. 127.0.0.1 only; bounded by SECONDS per point.
//
// The Kinesis client opens a new HTTP/2 session, so a new TCP connection, for every request
// (@aws-sdk/client-kinesis sets disableConcurrentStreams), and the client side closes it: each
// request leaves a socket in TIME_WAIT for 60 s. With thousands of them, connect() costs the client
// more and more (on the 2-vCPU EPYC host the null server's rate fell from 113 k to 87 k rec/s over
// three back-to-back points), so whichever side ran second was measured slower. Every point now
// waits for the TIME_WAIT sockets to drain first, and the two sides alternate which goes first.
//
// Even so, this host's speed drifts by ±25 % from one minute to the next (CPU steal), more than the
// gap being measured. So by default (MODE=interleaved) both servers run side by side and the client
// works against them in turns of BLOCK_MS (1 s), in the order null, millrace, millrace, null, ...,
// until each has had SECONDS: both sides see the same drift and the same TIME_WAIT load, and the
// share compares them over the same minutes. MODE=sequential measures one side after the other.
//
//   npx tsc -p tsconfig.build.json && SECONDS=8 ROUNDS=2 node bench/sdk-ceiling.mjs
import { existsSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { startHttpServer } from './child.mjs';

const SECONDS = Number(process.env.SECONDS ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const WORKLOADS = (process.env.WORKLOADS ?? 'put:1,put:4,put:16,get:1').split(',').map((w) => w.split(':'));
const MODE = process.env.MODE ?? 'interleaved';
const BLOCK_MS = Number(process.env.BLOCK_MS ?? 1000);

if (process.argv[2] === '--null-server') {
  const data = Buffer.alloc(100, 1).toString('base64');
  const get = JSON.stringify({
    Records: Array.from({ length: 10_000 }, (_, i) => ({ SequenceNumber: `4960${String(i).padStart(52, '0')}`, ApproximateArrivalTimestamp: 1.795e9, Data: data, PartitionKey: `k${i}` })),
    NextShardIterator: 'AAAA',
    MillisBehindLatest: 0,
  });
  const put = JSON.stringify({ FailedRecordCount: 0, Records: Array.from({ length: 500 }, (_, i) => ({ SequenceNumber: `49${String(i).padStart(54, '0')}`, ShardId: 'shardId-000000000000' })) });
  const server = http2.createServer({ settings: { initialWindowSize: 16 << 20 } }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      const body = target.endsWith('.GetRecords') ? get : target.endsWith('.PutRecords') ? put : target.endsWith('.GetShardIterator') ? '{"ShardIterator":"AAAA"}' : '{}';
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  // Exit through process.exit so that --cpu-prof (NODE_ARGS in bench/http-replay.mjs) is written.
  process.once('SIGTERM', () => process.exit(0));
} else {
  await main();
}

/** An SDK client on `url`, its stream made (and, for reads, filled), and one state per request loop. */
async function prepare(url, inFlight, workload) {
  const { KinesisClient, CreateStreamCommand, PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
  const client = new KinesisClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
  // Puts spread over 4 shards; reads drain one shard of 50,000 records in calls of 10,000.
  const StreamName = `ceiling-${workload}`;
  await client.send(new CreateStreamCommand({ StreamName, ShardCount: workload === 'put' ? 4 : 1 })).catch(() => {});
  const Records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(100, i) }));
  if (workload === 'get') for (let i = 0; i < 100; i++) await client.send(new PutRecordsCommand({ StreamName, Records }));
  return { client, workload, StreamName, Records, loops: Array.from({ length: inFlight }, () => ({ iterator: undefined })), records: 0, ms: 0 };
}

/** Runs every request loop of `side` until `ms` have passed; adds the records and the time taken. */
async function run(side, ms) {
  const { PutRecordsCommand, GetShardIteratorCommand, GetRecordsCommand } = await import('@aws-sdk/client-kinesis');
  const { client, workload, StreamName, Records } = side;
  let records = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    side.loops.map(async (loop) => {
      while (performance.now() < end) {
        if (workload === 'put') {
          // Await first: `records += await …` would read `records` before the await and lose the
          // other loops' additions.
          const put = await client.send(new PutRecordsCommand({ StreamName, Records }));
          records += put.Records.length;
          continue;
        }
        loop.iterator ??= (await client.send(new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        const got = await client.send(new GetRecordsCommand({ ShardIterator: loop.iterator, Limit: 10_000 }));
        records += got.Records.length;
        loop.iterator = got.Records.length > 0 ? got.NextShardIterator : undefined; // start over at the end
      }
    }),
  );
  side.records += records;
  side.ms += performance.now() - started;
}

function rate(side) {
  return Math.round(side.records / (side.ms / 1000));
}

async function measure(url, inFlight, workload) {
  const side = await prepare(url, inFlight, workload);
  await run(side, SECONDS * 1000);
  side.client.destroy();
  return rate(side);
}

/** The host's steal time so far (the 8th number of /proc/stat's cpu line), or 0 without /proc. */
function stealJiffies() {
  if (!existsSync('/proc/stat')) return 0;
  return Number(readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/)[8] ?? 0);
}

/** Sockets in TIME_WAIT (state 06 in /proc/net/tcp*), or 0 where there is no /proc. */
function timeWaits() {
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'latin1').split('\n').slice(1)) if (line.split(/\s+/)[4] === '06') n++;
  }
  return n;
}

/** Waits (at most 65 s, a TIME_WAIT's life and then some) until few sockets are in TIME_WAIT. */
async function drainTimeWaits() {
  const until = Date.now() + 65_000;
  while (timeWaits() > 50 && Date.now() < until) await new Promise((r) => setTimeout(r, 1000));
}

async function measureOn(kind, inFlight, workload) {
  const server = await startHttpServer(kind);
  try {
    return await measure(server.url, inFlight, workload);
  } finally {
    await server.stop();
  }
}

/** Both servers at once, in turns of BLOCK_MS (null, millrace, millrace, null, ...): [null, millrace] rates. */
async function measureInterleaved(inFlight, workload) {
  const servers = [await startHttpServer('null'), await startHttpServer('millrace')];
  try {
    const sides = [await prepare(servers[0].url, inFlight, workload), await prepare(servers[1].url, inFlight, workload)];
    const blocks = 2 * Math.max(1, Math.round((SECONDS * 1000) / BLOCK_MS));
    for (let b = 0; b < blocks; b++) await run(sides[[0, 1, 1, 0][b % 4]], BLOCK_MS);
    for (const side of sides) side.client.destroy();
    return sides.map(rate);
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function main() {
  const rows = [];
  for (const [workload, n] of WORKLOADS) {
    const inFlight = Number(n);
    const ceilings = [];
    const millraces = [];
    const steal = {};
    for (let round = 0; round < ROUNDS; round++) {
      if (MODE === 'interleaved') {
        await drainTimeWaits();
        const before = stealJiffies();
        const [ceiling, millrace] = await measureInterleaved(inFlight, workload);
        ceilings.push(ceiling);
        millraces.push(millrace);
        steal.both = stealJiffies() - before;
      } else {
        // Alternate which side goes first, so neither always runs on a warmer or colder machine.
        const sides = round % 2 === 0 ? ['null', 'millrace'] : ['millrace', 'null'];
        for (const side of sides) {
          await drainTimeWaits();
          const before = stealJiffies();
          if (side === 'null') ceilings.push(await measureOn('null', inFlight, workload));
          else millraces.push(await measureOn('millrace', inFlight, workload));
          steal[side] = stealJiffies() - before;
        }
      }
      const share = Math.round((100 * millraces.at(-1)) / ceilings.at(-1));
      // Steal: CPU time the hypervisor gave to others while this VM wanted it (1/100 s units); a
      // point with much more of it than its partner was measured on a busier host.
      console.log(JSON.stringify({ workload, inFlight, round: round + 1, ceiling: ceilings.at(-1), millrace: millraces.at(-1), share: `${share} %`, stealCentiseconds: steal }));
    }
    // Rates over all rounds pooled (each round ran for the same time on both sides).
    const ceiling = Math.round(ceilings.reduce((a, b) => a + b) / ROUNDS);
    const millrace = Math.round(millraces.reduce((a, b) => a + b) / ROUNDS);
    rows.push({ workload, inFlight, ceiling, millrace, share: `${Math.round((100 * millrace) / ceiling)} %`, rounds: ROUNDS, mode: MODE });
  }
  console.table(rows);
}

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
//   npx tsc -p tsconfig.build.json && SECONDS=8 ROUNDS=2 node bench/sdk-ceiling.mjs
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.mjs';

const SECONDS = Number(process.env.SECONDS ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const WORKLOADS = (process.env.WORKLOADS ?? 'put:1,put:4,put:16,get:1').split(',').map((w) => w.split(':'));
const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

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
} else {
  await main();
}

async function startServer(args, ready) {
  const { child, port } = await startChild(args, ready);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function measure(url, inFlight, workload) {
  const { KinesisClient, CreateStreamCommand, PutRecordsCommand, GetShardIteratorCommand, GetRecordsCommand } = await import('@aws-sdk/client-kinesis');
  const client = new KinesisClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
  // Puts spread over 4 shards; reads drain one shard of 50,000 records in calls of 10,000.
  const StreamName = `ceiling-${workload}`;
  await client.send(new CreateStreamCommand({ StreamName, ShardCount: workload === 'put' ? 4 : 1 })).catch(() => {});
  const Records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(100, i) }));
  if (workload === 'get') for (let i = 0; i < 100; i++) await client.send(new PutRecordsCommand({ StreamName, Records }));
  let records = 0;
  const started = Date.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      if (workload === 'put') {
        while (Date.now() < end) {
          // Await first: `records += await …` would read `records` before the await and lose the
          // other loops' additions.
          const put = await client.send(new PutRecordsCommand({ StreamName, Records }));
          records += put.Records.length;
        }
        return;
      }
      let iterator;
      while (Date.now() < end) {
        iterator ??= (await client.send(new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        records += got.Records.length;
        iterator = got.Records.length > 0 ? got.NextShardIterator : undefined; // start over at the end
      }
    }),
  );
  client.destroy();
  return Math.round(records / ((Date.now() - started) / 1000));
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

async function measureNull(inFlight, workload) {
  const nul = await startServer([fileURLToPath(import.meta.url), '--null-server'], (l) => l.port);
  try {
    return await measure(nul.url, inFlight, workload);
  } finally {
    nul.child.kill();
  }
}

async function measureMillrace(inFlight, workload) {
  const dataDir = mkdtempSync(join(tmpdir(), 'millrace-ceiling-'));
  const mr = await startServer([MAIN, 'serve', '--port', '0', '--no-tcp', '--no-throttling', '--data-dir', dataDir], (l) => (l.msg === 'millrace listening' ? new URL(l.url).port : undefined));
  try {
    return await measure(mr.url, inFlight, workload);
  } finally {
    mr.child.kill('SIGTERM');
    await once(mr.child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
}

async function main() {
  const rows = [];
  for (const [workload, n] of WORKLOADS) {
    const inFlight = Number(n);
    const ceilings = [];
    const millraces = [];
    const steal = {};
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first, so neither always runs on a warmer or colder machine.
      const sides = round % 2 === 0 ? ['null', 'millrace'] : ['millrace', 'null'];
      for (const side of sides) {
        await drainTimeWaits();
        const before = stealJiffies();
        if (side === 'null') ceilings.push(await measureNull(inFlight, workload));
        else millraces.push(await measureMillrace(inFlight, workload));
        steal[side] = stealJiffies() - before;
      }
      const share = Math.round((100 * millraces.at(-1)) / ceilings.at(-1));
      // Steal: CPU time the hypervisor gave to others while this VM wanted it (1/100 s units); a
      // point with much more of it than its partner was measured on a busier host.
      console.log(JSON.stringify({ workload, inFlight, round: round + 1, ceiling: ceilings.at(-1), millrace: millraces.at(-1), share: `${share} %`, stealCentiseconds: steal }));
    }
    const ceiling = median(ceilings);
    const millrace = median(millraces);
    rows.push({ workload, inFlight, ceiling, millrace, share: `${Math.round((100 * millrace) / ceiling)} %`, rounds: ROUNDS });
  }
  console.table(rows);
}

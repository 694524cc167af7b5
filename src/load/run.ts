// `millrace load`: a `millrace serve` child, N client processes driving a mix of operations at it
// over HTTP (the SDK's HTTP/2 and HTTP/1.1 handlers) and TCP (the millrace client), alternating by
// client, for a bounded time and record count; the server's CPU and memory sampled from /proc; then
// a read-back of every shard and the loss check. All traffic stays on 127.0.0.1.
//
// Test hook: MILLRACE_LOAD_FAULT=drop-one makes client 0 log one record as acknowledged without
// sending it, so the loss check can be shown to catch a lost record.
import { fork, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { distEntry, startServeChild } from '../bench/children.js';
import { pause } from '../bench/faces/face.js';
import { kinesisClient, loadSdk } from '../bench/faces/sdk.js';
import { machineInfo, type MachineInfo } from '../bench/report.js';
import type { LoadOptions } from './options.js';
import { ProcSampler, type ProcSummary } from './proc-stats.js';
import { parseAckLog, payloadIdOf, type ClientConfig, type ClientDone, type ClientGo, type ClientReady } from './protocol.js';
import { mergeReads, verify, type ReadBackRecord, type Verification } from './verify.js';
import { connect, cursorOf } from '../client/index.js';
import { positionId } from './ops.js';

/** Clients still running this long after the deadline are killed (their requests time out at 10 s). */
const CLIENT_GRACE_MS = 30_000;
/** Consecutive empty reads at the tip of a shard before the read-back calls it done. */
const EMPTY_READS_AT_END = 3;

export interface LoadReport {
  format: 'millrace-load-report/1';
  machine: MachineInfo;
  parameters: Omit<LoadOptions, 'dataDir'>;
  /** Traffic phase, from the clients' start to the last one's end. */
  trafficMs: number;
  acknowledged: number;
  /** Completed operations by action, summed over clients. */
  ops: Record<string, number>;
  /** Failed operations, refused records and client failures by type. */
  errors: Record<string, number>;
  verification: Verification;
  server: { resources: ProcSummary; exitCode: number | null; stderrTail: string };
  ok: boolean;
}

type Sdk = Awaited<ReturnType<typeof loadSdk>>['sdk'];

async function createStream(client: KinesisClient, sdk: Sdk, stream: string, shards: number): Promise<string[]> {
  await client.send(new sdk.CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  for (let i = 0; ; i++) {
    const d = await client.send(new sdk.DescribeStreamSummaryCommand({ StreamName: stream }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
    if (i > 500) throw new Error(`stream ${stream} did not become ACTIVE`);
    await pause(20);
  }
  const { Shards } = await client.send(new sdk.ListShardsCommand({ StreamName: stream }));
  return (Shards ?? []).map((s) => s.ShardId!);
}

/** Every shard from its start over TCP: the offsets that TCP acknowledgements name. */
async function readBackTcp(port: number, stream: string, shardIds: string[]): Promise<ReadBackRecord[]> {
  const client = await connect({ host: '127.0.0.1', port, clientName: 'millrace-load-verify' });
  const out: ReadBackRecord[] = [];
  try {
    for (const shardId of shardIds) {
      let offset = 0;
      let empty = 0;
      while (empty < EMPTY_READS_AT_END) {
        const res = await client.getBatch(stream, shardId, { position: { type: 'AT_OFFSET', offset }, maxRecords: 10_000 });
        let n = 0;
        for (const batch of res.batches) {
          const c = cursorOf(batch);
          while (c.next()) {
            const r = c.toRecord();
            out.push({ shardId, sequenceNumber: '', position: positionId(shardId, r.offset), key: r.partitionKey, payloadId: payloadIdOf(r.data) });
            n++;
          }
        }
        offset = res.nextOffset;
        empty = n === 0 && res.millisBehindLatest === 0 ? empty + 1 : 0;
      }
    }
  } finally {
    await client.close();
  }
  return out;
}

/** Every shard from its start over HTTP (GetRecords): the sequence numbers HTTP acknowledgements name. */
async function readBack(client: KinesisClient, sdk: Sdk, stream: string, shardIds: string[]): Promise<ReadBackRecord[]> {
  const out: ReadBackRecord[] = [];
  for (const shardId of shardIds) {
    let iterator = (await client.send(new sdk.GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    let empty = 0;
    while (iterator && empty < EMPTY_READS_AT_END) {
      const res = await client.send(new sdk.GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      iterator = res.NextShardIterator;
      const records = res.Records ?? [];
      empty = records.length === 0 && res.MillisBehindLatest === 0 ? empty + 1 : 0;
      for (const r of records) out.push({ shardId, sequenceNumber: r.SequenceNumber!, key: r.PartitionKey!, payloadId: payloadIdOf(r.Data!) });
    }
  }
  return out;
}

type ClientOutcome = ClientDone | { type: 'failed'; clientId: number; reason: string };

interface RunningClient {
  /** Resolves when the client has loaded the SDK (or has died trying). */
  ready: Promise<void>;
  /** Starts its traffic; resolves with its report. */
  go(deadline: number): Promise<ClientOutcome>;
}

function startClient(entry: string, config: ClientConfig, durationMs: number): RunningClient {
  const child: ChildProcess = fork(entry, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let done: ClientDone | undefined;
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  // Start-up is bounded too: a client that never gets ready is killed with the rest.
  let timer = setTimeout(() => child.kill('SIGKILL'), durationMs + CLIENT_GRACE_MS);
  child.on('message', (m: ClientReady | ClientDone) => {
    if (m.type === 'ready') onReady();
    else done = m;
  });
  const outcome = new Promise<ClientOutcome>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      onReady();
      if (done) resolve(done);
      else resolve({ type: 'failed', clientId: config.clientId, reason: signal === 'SIGKILL' ? 'ClientTimeout' : `ClientCrashed(${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
    });
  });
  child.send(config);
  return {
    ready,
    go(deadline) {
      clearTimeout(timer);
      timer = setTimeout(() => child.kill('SIGKILL'), deadline + CLIENT_GRACE_MS - Date.now());
      if (child.connected) child.send({ type: 'go', deadline } satisfies ClientGo);
      return outcome;
    },
  };
}

export async function runLoad(o: LoadOptions, onProgress?: (line: string) => void): Promise<LoadReport> {
  const runDir = mkdtempSync(join(tmpdir(), 'millrace-load-'));
  const dataDir = o.dataDir ?? join(runDir, 'data');
  const ackDir = join(runDir, 'acks');
  mkdirSync(ackDir);
  const loaded = await loadSdk();
  const { sdk } = loaded;
  const clientEntry = distEntry('load/client.js');
  // Exiting early (a signal, an error) leaves no temporary data behind; the children are reaped by
  // their own hooks (the server's in startServeChild, the clients on losing the IPC channel).
  const removeRunDir = () => rmSync(runDir, { recursive: true, force: true });
  process.on('exit', removeRunDir);
  const tcp = o.protocol !== 'http';
  const server = await startServeChild({ dataDir, durability: o.durability, throttling: o.throttling, tcp });
  const sampler = new ProcSampler(server.pid, o.sampleMs);
  const agent = new http.Agent({ keepAlive: true });
  // The harness's own calls (create, read back) may retry: they are not what is being tested.
  const admin = kinesisClient(loaded, { endpoint: server.url, http: '1.1', agent, maxAttempts: 3 });
  try {
    const stream = 'load';
    const shardIds = await createStream(admin, sdk, stream, o.shards);
    const perClient = Math.ceil(o.records / o.clients);
    const fault = process.env.MILLRACE_LOAD_FAULT === 'drop-one' ? ('drop-one' as const) : undefined;
    const protocols: ClientConfig['protocol'][] = o.protocol === 'http' ? ['http2', 'http1.1'] : o.protocol === 'tcp' ? ['tcp'] : ['http2', 'tcp', 'http1.1', 'tcp'];
    const configs: ClientConfig[] = Array.from({ length: o.clients }, (_, i) => ({
      type: 'start',
      clientId: i,
      protocol: protocols[i % protocols.length]!,
      endpoint: server.url,
      tcpPort: server.tcpPort,
      stream,
      shardIds,
      lanes: o.lanes,
      keysPerLane: o.keysPerLane,
      maxRecords: Math.min(perClient, o.records - i * perClient),
      batchMax: o.batchMax,
      recordSize: o.recordSize,
      ackFile: join(ackDir, `client-${i}.log`),
      ...(fault && i === 0 ? { fault } : {}),
    }));
    const clients = configs.filter((c) => c.maxRecords > 0).map((c) => startClient(clientEntry, c, o.durationMs));
    await Promise.all(clients.map((c) => c.ready));
    const start = Date.now();
    const deadline = start + o.durationMs;
    const ticker = onProgress && setInterval(() => onProgress(`load: ${((Date.now() - start) / 1000).toFixed(1)} s of ${(o.durationMs / 1000).toFixed(1)} s, ${o.clients} clients`), 1000);
    const results = await Promise.all(clients.map((c) => c.go(deadline)));
    if (ticker) clearInterval(ticker);
    const trafficMs = Date.now() - start;
    const resources = sampler.stop();

    const ops: Record<string, number> = {};
    const errors: Record<string, number> = {};
    const add = (m: Record<string, number>, k: string, n: number) => (m[k] = (m[k] ?? 0) + n);
    let acknowledged = 0;
    for (const r of results) {
      if (r.type === 'failed') {
        add(errors, r.reason.split(':')[0]!, 1);
        continue;
      }
      acknowledged += r.acked;
      for (const [k, n] of Object.entries(r.ops)) add(ops, k, n);
      for (const [k, n] of Object.entries(r.errors)) add(errors, k, n);
    }
    onProgress?.(`load: traffic done (${acknowledged} acknowledged); reading every shard back`);
    const logs = configs.map((c) => {
      try {
        return parseAckLog(readFileSync(c.ackFile, 'utf8'));
      } catch {
        return [];
      }
    });
    // Read over HTTP, and over TCP too when TCP clients ran: each protocol's acknowledgements are
    // checked against its own identities, and the two reads must agree record for record.
    const httpRead = await readBack(admin, sdk, stream, shardIds);
    const { records, disagree } = tcp ? mergeReads(httpRead, await readBackTcp(server.tcpPort!, stream, shardIds)) : { records: httpRead, disagree: 0 };
    const verification = verify(logs, records, disagree);
    admin.destroy();
    const exitCode = await server.stop();
    const { dataDir: _d, ...parameters } = o;
    const clientFailures = results.filter((r) => r.type === 'failed').length;
    return {
      format: 'millrace-load-report/1',
      machine: machineInfo(),
      parameters,
      trafficMs,
      acknowledged,
      ops,
      errors,
      verification,
      server: { resources, exitCode, stderrTail: server.stderr().slice(-2000) },
      ok: verification.ok && exitCode === 0 && clientFailures === 0,
    };
  } finally {
    admin.destroy();
    agent.destroy();
    sampler.stop();
    await server.stop();
    removeRunDir();
    process.off('exit', removeRunDir);
  }
}

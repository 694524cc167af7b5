// The HTTP face as Kinesis users meet it: @aws-sdk/client-kinesis against an endpoint (a
// `millrace serve` child, or kinesalite for --compare). The SDK is loaded on demand because it is
// a dev dependency: an installed millrace without it gets a clear message instead of a crash.
import * as http from 'node:http';
import type { KinesisClient, PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { InvalidArgumentError } from '../../errors.js';
import type { HttpVersion } from '../options.js';
import { compressionTags, pause, putRecordsOutcome, type BenchFace } from './face.js';

/** Empty GetRecords are retried after this long; polling faster only steals CPU from the server. */
const IDLE_POLL_MS = 5;
const STATE_POLL_MS = 20;
const STATE_TIMEOUT_MS = 30_000;

type Sdk = typeof import('@aws-sdk/client-kinesis');

type LoadedSdk = { sdk: Sdk; NodeHttpHandler: typeof import('@smithy/node-http-handler').NodeHttpHandler };

export async function loadSdk(): Promise<LoadedSdk> {
  try {
    const sdk = await import('@aws-sdk/client-kinesis');
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    return { sdk, NodeHttpHandler };
  } catch (cause) {
    throw new InvalidArgumentError('the HTTP face drives @aws-sdk/client-kinesis, which is not installed: npm install @aws-sdk/client-kinesis', { cause });
  }
}

export interface ClientSpec {
  endpoint: string;
  /** HTTP/2 is the SDK's own default handler for Kinesis; HTTP/1.1 is what kinesalite speaks. */
  http: HttpVersion;
  /** Keep-alive agent of the HTTP/1.1 handler. */
  agent: http.Agent;
  requestTimeoutMs?: number;
  /** Default 1: failures are counted by the bench and the load test, not hidden behind retries. */
  maxAttempts?: number;
}

/** A KinesisClient on 127.0.0.1 with throwaway credentials (the server accepts any signature). */
export function kinesisClient({ sdk, NodeHttpHandler }: LoadedSdk, c: ClientSpec): KinesisClient {
  const timeout = c.requestTimeoutMs === undefined ? {} : { requestTimeout: c.requestTimeoutMs };
  return new sdk.KinesisClient({
    endpoint: c.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'millrace-bench', secretAccessKey: 'millrace-bench' },
    maxAttempts: c.maxAttempts ?? 1,
    requestHandler: c.http === '1.1' ? new NodeHttpHandler({ httpAgent: c.agent, ...timeout }) : timeout,
  });
}

export interface SdkFaceOptions {
  endpoint: string;
  http: HttpVersion;
  name: 'http' | 'kinesalite';
  /** Called at close(), after the client is destroyed (stops the server child). */
  onClose?: () => Promise<void>;
}

export async function sdkFace(o: SdkFaceOptions): Promise<BenchFace<PutRecordsCommandInput>> {
  const loaded = await loadSdk();
  const { sdk } = loaded;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const newClient = () => kinesisClient(loaded, { endpoint: o.endpoint, http: o.http, agent });
  // Producers share one client (their requests are the "requests in flight"); each consumer has
  // its own, hence its own HTTP/2 session.
  const client = newClient();
  const consumerClients = new Map<number, KinesisClient>();
  const clientFor = (consumer: number): KinesisClient => {
    let c = consumerClients.get(consumer);
    if (!c) consumerClients.set(consumer, (c = newClient()));
    return c;
  };

  async function waitActive(stream: string): Promise<void> {
    const deadline = Date.now() + STATE_TIMEOUT_MS;
    for (;;) {
      const { StreamDescriptionSummary: d } = await client.send(new sdk.DescribeStreamSummaryCommand({ StreamName: stream }));
      if (d?.StreamStatus === 'ACTIVE') return;
      if (Date.now() > deadline) throw new Error(`stream ${stream} still ${d?.StreamStatus} after ${STATE_TIMEOUT_MS} ms`);
      await pause(STATE_POLL_MS);
    }
  }

  return {
    name: o.name,
    async createStream(stream, shards, at) {
      await client.send(new sdk.CreateStreamCommand({ StreamName: stream, ShardCount: shards, Tags: compressionTags(at.compression) }));
      await waitActive(stream);
      if (at.encryption === 'kms') {
        await client.send(new sdk.StartStreamEncryptionCommand({ StreamName: stream, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
        await waitActive(stream);
      }
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(new sdk.ListShardsCommand(token ? { NextToken: token } : { StreamName: stream }));
        for (const s of out.Shards ?? []) ids.push(s.ShardId!);
        token = out.NextToken;
      } while (token);
      return ids;
    },
    prepare: (stream, datas, keys) => ({ StreamName: stream, Records: datas.map((Data, i) => ({ Data, PartitionKey: keys[i]! })) }),
    put: async (request) => putRecordsOutcome(await client.send(new sdk.PutRecordsCommand(request))),
    async consume(stream, shardId, consumer, onData, onError, signal) {
      const client = clientFor(consumer);
      let iterator = (await client.send(new sdk.GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (iterator && !signal.aborted) {
        try {
          const out = await client.send(new sdk.GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }), { abortSignal: signal });
          iterator = out.NextShardIterator;
          const records = out.Records ?? [];
          if (records.length > 0) onData(records.map((r) => r.Data!));
          else await pause(IDLE_POLL_MS, signal);
        } catch (err) {
          if (signal.aborted) break;
          onError(err);
          await pause(10, signal);
        }
      }
    },
    async close() {
      client.destroy();
      for (const c of consumerClients.values()) c.destroy();
      agent.destroy();
      await o.onClose?.();
    },
  };
}

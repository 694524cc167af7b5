// The real @aws-sdk/client-kinesis against the HTTP face, with the recording dispatcher behind it:
// these tests prove the wire (handlers, signing, serde, errors, event streams as the SDK parses
// them), not Kinesis behaviour, which the integration suite covers against the real operations.
import {
  GetRecordsCommand,
  KinesisClient,
  type KinesisClientConfig,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisError } from '../../../src/api/errors.js';
import { ACCESS_KEY, SECRET_KEY, selfSignedCert, start, type Started } from './helpers.js';

const cert = selfSignedCert();
const credentials = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY };

type Variant = { name: string; tls: boolean; http1: boolean };
const variants: Variant[] = [
  { name: 'default handler (HTTP/2 h2c)', tls: false, http1: false },
  { name: 'NodeHttpHandler (HTTP/1.1)', tls: false, http1: true },
  ...(cert
    ? [
        { name: 'default handler over TLS (h2)', tls: true, http1: false },
        { name: 'NodeHttpHandler over TLS (HTTP/1.1)', tls: true, http1: true },
      ]
    : []),
];

function client(s: Started, v: Variant, secret = SECRET_KEY): KinesisClient {
  let requestHandler: KinesisClientConfig['requestHandler'];
  if (v.http1) requestHandler = new NodeHttpHandler(v.tls ? { httpsAgent: new https.Agent({ ca: cert!.cert }) } : {});
  // Still the SDK's default NodeHttp2Handler: only its connect options carry our test CA.
  else if (v.tls) requestHandler = { disableConcurrentStreams: true, nodeHttp2ConnectOptions: { ca: cert!.cert } };
  return new KinesisClient({
    endpoint: s.url,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: secret },
    maxAttempts: 1,
    requestHandler,
  });
}

describe.each(variants)('@aws-sdk/client-kinesis, $name', (variant) => {
  let s: Started;
  let kinesis: KinesisClient;
  beforeAll(async () => {
    s = await start({ credentials: [credentials], ...(variant.tls ? { tls: cert! } : {}), maxBodyBytes: 1024 * 1024 });
    kinesis = client(s, variant);
  });
  afterAll(async () => {
    kinesis.destroy();
    await s.server.close();
  });

  it('sends signed requests that verify, over the expected protocol', async () => {
    s.dispatcher.respond = () => ({ StreamNames: ['a', 'b'], HasMoreStreams: false });
    const out = await kinesis.send(new ListStreamsCommand({ Limit: 2 }));
    expect(out.StreamNames).toEqual(['a', 'b']);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toBe(s.dispatcher.last.ctx.requestId);
    expect(s.dispatcher.last).toMatchObject({ service: 'kinesis', action: 'ListStreams', input: { Limit: 2 } });
    expect(s.dispatcher.last.ctx.identity).toMatchObject({ accessKeyId: ACCESS_KEY, verified: true });
    expect(s.dispatcher.last.ctx.httpVersion).toBe(variant.http1 ? '1.1' : '2');
  });

  it('delivers blobs as bytes and parses bytes and timestamps back', async () => {
    s.dispatcher.respond = () => ({ ShardId: 'shardId-000000000000', SequenceNumber: '49590338271490256608559692538361571095921575989136588802' });
    const data = Buffer.from([0, 1, 2, 253, 254, 255]);
    const put = await kinesis.send(new PutRecordCommand({ StreamName: 's', Data: data, PartitionKey: 'pk' }));
    expect(put.SequenceNumber).toBe('49590338271490256608559692538361571095921575989136588802');
    expect(Buffer.from(s.dispatcher.last.input.Data as Uint8Array)).toEqual(data);

    await kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: Array.from({ length: 500 }, (_, i) => ({ Data: Buffer.alloc(100, i), PartitionKey: String(i) })) }));
    const records = s.dispatcher.last.input.Records as Array<{ Data: Uint8Array }>;
    expect(records).toHaveLength(500);
    expect(Buffer.from(records[499].Data)).toEqual(Buffer.alloc(100, 499 & 0xff));

    const at = new Date(1_700_000_000_123);
    s.dispatcher.respond = () => ({
      Records: [{ Data: data, PartitionKey: 'pk', SequenceNumber: '1', ApproximateArrivalTimestamp: at }],
      NextShardIterator: 'next',
      MillisBehindLatest: 0,
    });
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: 'it' }));
    expect(Buffer.from(got.Records![0].Data!)).toEqual(data);
    expect(got.Records![0].ApproximateArrivalTimestamp).toEqual(at);
  });

  it('turns operation errors into the SDK\'s typed exceptions', async () => {
    s.dispatcher.respond = () => {
      throw new KinesisError('ResourceNotFoundException', 'Stream nope under account 000000000000 not found.');
    };
    const err = await kinesis.send(new ListStreamsCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect((err as ResourceNotFoundException).message).toBe('Stream nope under account 000000000000 not found.');
    expect((err as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
  });

  it('reports wire errors by their AWS names: a bad signature, an oversized body', async () => {
    const wrong = client(s, variant, 'not-the-secret');
    const err = (await wrong.send(new ListStreamsCommand({})).catch((e: unknown) => e)) as Error;
    wrong.destroy();
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toMatch(/^The request signature we calculated does not match/);

    const big = (await kinesis
      .send(new PutRecordCommand({ StreamName: 's', Data: Buffer.alloc(900 * 1024), PartitionKey: 'k' }))
      .catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode?: number } };
    expect(big.name).toBe('RequestEntityTooLargeException');
    expect(big.$metadata.httpStatusCode).toBe(413);
    s.dispatcher.respond = () => ({ StreamNames: [], HasMoreStreams: false });
    expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
  });

  it('streams SubscribeToShard events the SDK parses, ending with a typed exception', async () => {
    const at = new Date(1_700_000_000_000);
    s.dispatcher.respond = () => ({
      EventStream: (async function* () {
        for (let i = 0; i < 3; i++) {
          yield {
            SubscribeToShardEvent: {
              Records: [{ Data: Buffer.from(`r${i}`), PartitionKey: 'p', SequenceNumber: String(i), ApproximateArrivalTimestamp: at }],
              ContinuationSequenceNumber: String(i),
              MillisBehindLatest: 10 - i,
            },
          };
        }
        throw new KinesisError('ResourceInUseException', 'Another active subscription exists for this consumer');
      })(),
    });
    const out = await kinesis.send(
      new SubscribeToShardCommand({ ConsumerARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1', ShardId: 'shardId-000000000000', StartingPosition: { Type: 'AT_TIMESTAMP', Timestamp: at } }),
    );
    expect(s.dispatcher.last.input.StartingPosition).toEqual({ Type: 'AT_TIMESTAMP', Timestamp: at });
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const event of out.EventStream as AsyncIterable<SubscribeToShardEventStream>) {
        const e = event.SubscribeToShardEvent!;
        seen.push(`${Buffer.from(e.Records![0].Data!).toString()}@${e.ContinuationSequenceNumber}/${e.MillisBehindLatest}`);
        expect(e.Records![0].ApproximateArrivalTimestamp).toEqual(at);
      }
    } catch (err) {
      failure = err;
    }
    expect(seen).toEqual(['r0@0/10', 'r1@1/9', 'r2@2/8']);
    expect(failure).toBeInstanceOf(ResourceInUseException);
    expect((failure as Error).message).toBe('Another active subscription exists for this consumer');
  });
});

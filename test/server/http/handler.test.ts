// The request pipeline over real sockets on 127.0.0.1: JSON and CBOR round trips, every wire error
// AWS defines for these protocols, CORS, and event streams as the SDK parses them.
import { EventStreamCodec, getChunkedStream } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import * as http from 'node:http';
import type * as http2 from 'node:http2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KinesisError } from '../../../src/api/errors.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { decodeCbor, encodeCbor } from '../../../src/server/http/cbor.js';
import {
  ACCESS_KEY,
  closeH2,
  connectH2,
  h1,
  h2,
  json,
  SECRET_KEY,
  signedHeaders,
  start,
  type Reply,
  type Started,
} from './helpers.js';

const JSON_TYPE = 'application/x-amz-json-1.1';
const CBOR_TYPE = 'application/x-amz-cbor-1.1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let open: Started;
let strict: Started;
let agent: http.Agent;
let session: http2.ClientHttp2Session;

beforeAll(async () => {
  open = await start();
  strict = await start({ credentials: [{ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }], maxBodyBytes: 64 * 1024 });
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  session = await connectH2(open.url);
});

afterAll(async () => {
  agent.destroy();
  await closeH2(session);
  await open.server.close();
  await strict.server.close();
});

afterEach(() => {
  open.dispatcher.respond = () => ({});
  strict.dispatcher.respond = () => ({});
});

async function post(s: Started, target: string | undefined, body: Uint8Array | string, contentType = JSON_TYPE, extra?: Record<string, string>) {
  const headers = await signedHeaders({ port: s.port, target, body, contentType, extra });
  return h1(s.port, { headers, body, agent });
}

function expectAwsError(reply: Reply, status: number, type: string, message?: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers['x-amzn-requestid']).toMatch(UUID);
  expect(Buffer.from(String(reply.headers['x-amz-id-2']), 'base64').length).toBe(72);
  expect(reply.headers['x-amzn-errortype']).toBe(type);
  const body = reply.headers['content-type'] === CBOR_TYPE ? (decodeCbor(reply.body) as Record<string, unknown>) : json(reply);
  expect(body.__type).toBe(type);
  if (message !== undefined) expect(body.message).toBe(message);
}

describe('JSON 1.1', () => {
  it('delivers blobs as bytes and timestamps as Date, and answers with base64 and epoch seconds', async () => {
    open.dispatcher.respond = () => ({
      Records: [{ Data: Buffer.from('héllo'), PartitionKey: 'p', SequenceNumber: '1', ApproximateArrivalTimestamp: new Date(1_700_000_000_250) }],
      NextShardIterator: 'next',
      MillisBehindLatest: 0,
    });
    const reply = await post(open, 'Kinesis_20131202.GetRecords', JSON.stringify({ ShardIterator: 'it', Limit: 5 }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(JSON_TYPE);
    expect(reply.headers['x-amzn-requestid']).toMatch(UUID);
    expect(json(reply)).toEqual({
      Records: [{ Data: Buffer.from('héllo').toString('base64'), PartitionKey: 'p', SequenceNumber: '1', ApproximateArrivalTimestamp: 1_700_000_000.25 }],
      NextShardIterator: 'next',
      MillisBehindLatest: 0,
    });
    const call = open.dispatcher.last;
    expect(call).toMatchObject({ service: 'kinesis', action: 'GetRecords', input: { ShardIterator: 'it', Limit: 5 } });
    expect(call.ctx).toMatchObject({ region: 'us-east-1', accountId: '000000000000', httpVersion: '1.1', remoteAddress: '127.0.0.1' });
    expect(call.ctx.requestId).toBe(reply.headers['x-amzn-requestid']);
    expect(call.ctx.identity).toMatchObject({ accessKeyId: ACCESS_KEY, verified: false });

    await post(open, 'Kinesis_20131202.PutRecords', JSON.stringify({ StreamName: 's', Records: [{ Data: 'AAEC', PartitionKey: 'a' }] }));
    expect(open.dispatcher.last.input).toEqual({ StreamName: 's', Records: [{ Data: Buffer.from([0, 1, 2]), PartitionKey: 'a' }] });
    await post(open, 'Kinesis_20131202.GetShardIterator', JSON.stringify({ Timestamp: 1_700_000_000.5 }));
    expect(open.dispatcher.last.input.Timestamp).toEqual(new Date(1_700_000_000_500));
  });

  it('gives every response a request id and a host id of its own', async () => {
    const ids = new Set<string>();
    const hosts = new Set<string>();
    // Past the 128 host ids drawn per block of random bytes.
    for (let i = 0; i < 140; i++) {
      const reply = await post(open, 'Kinesis_20131202.CreateStream', '{"StreamName":"a","ShardCount":1}');
      ids.add(String(reply.headers['x-amzn-requestid']));
      const host = String(reply.headers['x-amz-id-2']);
      expect(Buffer.from(host, 'base64').length).toBe(72);
      hosts.add(host);
    }
    expect(ids.size).toBe(140);
    expect(hosts.size).toBe(140);
  });

  it('answers {} for operations without output', async () => {
    const reply = await post(open, 'Kinesis_20131202.CreateStream', '{"StreamName":"a","ShardCount":1}');
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('{}');
  });
});

describe('CBOR 1.1', () => {
  it('reads requests as the Java SDK writes them and answers with tag-1 milliseconds', async () => {
    // GetShardIterator as Jackson writes it: indefinite map, tag 1 + epoch milliseconds.
    const t = (s: string) => Buffer.concat([Buffer.from([0x60 | s.length]), Buffer.from(s)]);
    const body = Buffer.concat([
      Buffer.from([0xbf]),
      t('StreamName'), t('orders'),
      t('ShardId'), t('shardId-000000000000'),
      t('ShardIteratorType'), t('AT_TIMESTAMP'),
      t('Timestamp'), Buffer.from('c11b0000018bcfe56800', 'hex'),
      Buffer.from([0xff]),
    ]);
    const reply = await post(open, 'Kinesis_20131202.GetShardIterator', body, CBOR_TYPE);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(CBOR_TYPE);
    expect(open.dispatcher.last.input).toEqual({
      StreamName: 'orders',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new Date(1_700_000_000_000),
    });

    open.dispatcher.respond = () => ({
      Records: [{ Data: Buffer.from([0xde, 0xad]), PartitionKey: 'p', SequenceNumber: '9', ApproximateArrivalTimestamp: new Date(1_700_000_000_123) }],
      MillisBehindLatest: 5,
    });
    const records = await post(open, 'Kinesis_20131202.GetRecords', encodeCbor({ ShardIterator: 'x' }), CBOR_TYPE);
    // Data as a byte string (0x42 dead), the timestamp as tag 1 + u64 milliseconds.
    expect(records.body.includes(Buffer.from('42dead', 'hex'))).toBe(true);
    expect(records.body.includes(Buffer.from('c11b0000018bcfe5687b', 'hex'))).toBe(true);
    expect(decodeCbor(records.body)).toEqual({
      Records: [{ Data: Buffer.from([0xde, 0xad]), PartitionKey: 'p', SequenceNumber: '9', ApproximateArrivalTimestamp: new Date(1_700_000_000_123) }],
      MillisBehindLatest: 5,
    });
  });

  it('delivers CBOR byte strings to PutRecord as bytes', async () => {
    await post(open, 'Kinesis_20131202.PutRecord', encodeCbor({ StreamName: 's', Data: Buffer.from('x'), PartitionKey: 'k' }), CBOR_TYPE);
    expect(open.dispatcher.last.input).toEqual({ StreamName: 's', Data: Buffer.from('x'), PartitionKey: 'k' });
  });

  it('answers errors in CBOR to CBOR requests', async () => {
    const reply = await post(open, 'Kinesis_20131202.PutRecord', Buffer.from([0xbf, 0x61]), CBOR_TYPE);
    expect(reply.headers['content-type']).toBe(CBOR_TYPE);
    expectAwsError(reply, 400, 'SerializationException');
  });
});

describe('wire errors: the AWS error, and the server keeps serving', () => {
  it.each([
    ['malformed JSON', 'Kinesis_20131202.ListStreams', '{"Limit":', JSON_TYPE, 400, 'SerializationException'],
    ['a JSON array', 'Kinesis_20131202.ListStreams', '[]', JSON_TYPE, 400, 'SerializationException'],
    ['an empty body', 'Kinesis_20131202.ListStreams', '', JSON_TYPE, 400, 'SerializationException'],
    ['malformed CBOR', 'Kinesis_20131202.ListStreams', Buffer.from([0x1c]), CBOR_TYPE, 400, 'SerializationException'],
    ['an unknown action', 'Kinesis_20131202.ListStream', '{}', JSON_TYPE, 400, 'UnknownOperationException'],
    ['an unknown service', 'DynamoDB_20120810.ListTables', '{}', JSON_TYPE, 400, 'UnknownOperationException'],
    ['a Firehose action (reserved)', 'Firehose_20150804.ListDeliveryStreams', '{}', JSON_TYPE, 400, 'UnknownOperationException'],
    ['no target', undefined, '{}', JSON_TYPE, 400, 'UnknownOperationException'],
    ['a wrong blob type', 'Kinesis_20131202.PutRecord', '{"Data":5}', JSON_TYPE, 400, 'SerializationException'],
    ['bad base64', 'Kinesis_20131202.PutRecord', '{"Data":"a"}', JSON_TYPE, 400, 'SerializationException'],
  ] as const)('%s', async (_name, target, body, type, status, error) => {
    expectAwsError(await post(open, target, body, type), status, error);
    expect((await post(open, 'Kinesis_20131202.ListStreams', '{}')).status).toBe(200);
  });

  it('leaves out the message where AWS has none', async () => {
    expect(json(await post(open, 'Kinesis_20131202.ListStreams', '{'))).toEqual({ __type: 'SerializationException' });
    expect(json(await post(open, 'Kinesis_20131202.Nope', '{}'))).toEqual({ __type: 'UnknownOperationException' });
  });

  it('no recognised content type: AccessDenied without a target, UnknownOperation 404 with one', async () => {
    expectAwsError(await post(open, undefined, '{}', 'application/json'), 403, 'AccessDeniedException', 'Unable to determine service/operation name to be authorized');
    expectAwsError(await post(open, 'Kinesis_20131202.ListStreams', '{}', 'text/plain'), 404, 'UnknownOperationException');
  });

  it('methods other than POST', async () => {
    expectAwsError(await h1(open.port, { method: 'GET', agent }), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    expectAwsError(await h1(open.port, { method: 'PUT', headers: { authorization: 'x' }, agent }), 403, 'AccessDeniedException');
  });

  it('a missing or malformed signature', async () => {
    const headers = { 'content-type': JSON_TYPE, 'x-amz-target': 'Kinesis_20131202.ListStreams' };
    expectAwsError(await h1(open.port, { headers, body: '{}', agent }), 400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    expectAwsError(await h1(open.port, { headers: { ...headers, authorization: 'X' }, body: '{}', agent }), 400, 'IncompleteSignatureException');
  });

  it('a bad signature when credentials are configured; a good one passes', async () => {
    const body = '{}';
    const good = await signedHeaders({ port: strict.port, target: 'Kinesis_20131202.ListStreams', body });
    expect((await h1(strict.port, { headers: good, body, agent })).status).toBe(200);
    expect(strict.dispatcher.last.ctx.identity).toMatchObject({ accessKeyId: ACCESS_KEY, verified: true });

    const bad = await signedHeaders({ port: strict.port, target: 'Kinesis_20131202.ListStreams', body, secret: 'wrong' });
    expectAwsError(await h1(strict.port, { headers: bad, body, agent }), 400, 'InvalidSignatureException');
    const tampered = { ...good, 'x-amz-target': 'Kinesis_20131202.DeleteStream' };
    expectAwsError(await h1(strict.port, { headers: tampered, body, agent }), 400, 'InvalidSignatureException');
    const old = await signedHeaders({ port: strict.port, target: 'Kinesis_20131202.ListStreams', body, date: new Date(Date.now() - 10 * 60_000) });
    const expired = await h1(strict.port, { headers: old, body, agent });
    expectAwsError(expired, 400, 'InvalidSignatureException');
    expect(String(json(expired).message)).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    expect((await h1(strict.port, { headers: good, body, agent })).status).toBe(200);
  });

  it('an oversized body: 413 from Content-Length before reading, and while streaming without one', async () => {
    const body = Buffer.alloc(100 * 1024, 0x61);
    const headers = await signedHeaders({ port: strict.port, target: 'Kinesis_20131202.PutRecords', body });
    expectAwsError(await h1(strict.port, { headers, body, agent }), 413, 'RequestEntityTooLargeException');
    expect((await h1(strict.port, { headers: await signedHeaders({ port: strict.port, target: 'Kinesis_20131202.ListStreams', body: '{}' }), body: '{}', agent })).status).toBe(200);

    // Chunked (no Content-Length): refused as soon as the limit is passed.
    const chunked = await new Promise<Reply>((resolve, reject) => {
      const { 'content-length': _dropped, ...unsized } = headers;
      const req = http.request({ host: '127.0.0.1', port: strict.port, method: 'POST', path: '/', headers: { ...unsized, 'transfer-encoding': 'chunked' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(body.subarray(i * 10240, (i + 1) * 10240));
      req.end();
    });
    expectAwsError(chunked, 413, 'RequestEntityTooLargeException');
  });

  it('the same errors over one HTTP/2 session, which stays usable', async () => {
    const body = '{"Limit":';
    const headers = await signedHeaders({ port: open.port, target: 'Kinesis_20131202.ListStreams', body });
    expectAwsError(await h2(session, { headers, body }), 400, 'SerializationException');
    const unknown = await signedHeaders({ port: open.port, target: 'Kinesis_20131202.Nope', body: '{}' });
    expectAwsError(await h2(session, { headers: unknown, body: '{}' }), 400, 'UnknownOperationException');
    const ok = await signedHeaders({ port: open.port, target: 'Kinesis_20131202.ListStreams', body: '{}' });
    expect((await h2(session, { headers: ok, body: '{}' })).status).toBe(200);
  });
});

describe('errors from the operations', () => {
  it('AWS-shaped errors keep their __type, status and message', async () => {
    open.dispatcher.respond = () => {
      throw new KinesisError('ResourceNotFoundException', 'Stream s under account 000000000000 not found.');
    };
    expectAwsError(await post(open, 'Kinesis_20131202.DescribeStream', '{"StreamName":"s"}'), 400, 'ResourceNotFoundException', 'Stream s under account 000000000000 not found.');
  });

  it('domain errors go through the api\'s table; anything else is an InternalFailure without details', async () => {
    open.dispatcher.respond = () => {
      throw new InvalidArgumentError('bad shard');
    };
    expectAwsError(await post(open, 'Kinesis_20131202.ListStreams', '{}'), 400, 'InvalidArgumentException', 'bad shard');
    open.dispatcher.respond = () => {
      throw new Error('secret internal path /var/lib/x');
    };
    expectAwsError(await post(open, 'Kinesis_20131202.ListStreams', '{}'), 500, 'InternalFailureException', 'Internal service failure.');
  });
});

describe('CORS', () => {
  it('answers preflight requests without authentication', async () => {
    const reply = await h1(open.port, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-amz-target, x-amz-date' },
      agent,
    });
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type, x-amz-target, x-amz-date',
      'access-control-max-age': '172800',
      'content-length': '0',
    });
    expect(reply.headers['x-amzn-requestid']).toMatch(UUID);
    expect(reply.headers['x-amz-id-2']).toBeUndefined();
  });

  it('adds CORS headers to answers and errors for browser origins', async () => {
    const reply = await post(open, 'Kinesis_20131202.ListStreams', '{}', JSON_TYPE, { origin: 'http://localhost:3000' });
    expect(reply.headers['access-control-allow-origin']).toBe('*');
    expect(String(reply.headers['access-control-expose-headers'])).toContain('x-amzn-RequestId');
    const error = await post(open, 'Kinesis_20131202.Nope', '{}', JSON_TYPE, { origin: 'http://localhost:3000' });
    expect(error.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('event streams (SubscribeToShard)', () => {
  const sdkCodec = new EventStreamCodec(toUtf8, fromUtf8);

  async function decodeStream(body: Buffer) {
    async function* one() {
      yield new Uint8Array(body);
    }
    const out = [];
    for await (const chunk of getChunkedStream(one())) {
      const msg = sdkCodec.decode(chunk);
      const headers = Object.fromEntries(Object.entries(msg.headers).map(([k, v]) => [k, v.value]));
      out.push({ headers, body: Buffer.from(msg.body) });
    }
    return out;
  }

  const event = (seq: string, data: string) => ({
    SubscribeToShardEvent: {
      Records: [{ Data: Buffer.from(data), PartitionKey: 'p', SequenceNumber: seq, ApproximateArrivalTimestamp: new Date(1_700_000_000_000) }],
      ContinuationSequenceNumber: seq,
      MillisBehindLatest: 0,
    },
  });

  it('JSON over HTTP/2: initial-response, events, then an exception event from a failing stream', async () => {
    open.dispatcher.respond = () => ({
      EventStream: (async function* () {
        yield event('1', 'a');
        yield event('2', 'b');
        throw new KinesisError('ResourceInUseException', 'Another active subscription exists for this consumer');
      })(),
    });
    const body = JSON.stringify({ ConsumerARN: 'arn', ShardId: 'shardId-000000000000', StartingPosition: { Type: 'AT_TIMESTAMP', Timestamp: 1_700_000_000 } });
    const headers = await signedHeaders({ port: open.port, target: 'Kinesis_20131202.SubscribeToShard', body });
    const reply = await h2(session, { headers, body });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    expect(open.dispatcher.last.input.StartingPosition).toEqual({ Type: 'AT_TIMESTAMP', Timestamp: new Date(1_700_000_000_000) });
    expect(open.dispatcher.last.ctx.httpVersion).toBe('2');

    const messages = await decodeStream(reply.body);
    expect(messages.map((m) => m.headers)).toEqual([
      { ':event-type': 'initial-response', ':content-type': JSON_TYPE, ':message-type': 'event' },
      { ':event-type': 'SubscribeToShardEvent', ':content-type': JSON_TYPE, ':message-type': 'event' },
      { ':event-type': 'SubscribeToShardEvent', ':content-type': JSON_TYPE, ':message-type': 'event' },
      { ':exception-type': 'ResourceInUseException', ':content-type': JSON_TYPE, ':message-type': 'exception' },
    ]);
    expect(JSON.parse(messages[0].body.toString())).toEqual({});
    expect(JSON.parse(messages[1].body.toString())).toEqual({
      Records: [{ Data: 'YQ==', PartitionKey: 'p', SequenceNumber: '1', ApproximateArrivalTimestamp: 1_700_000_000 }],
      ContinuationSequenceNumber: '1',
      MillisBehindLatest: 0,
    });
    expect(JSON.parse(messages[3].body.toString())).toEqual({ message: 'Another active subscription exists for this consumer' });
  });

  it('CBOR over HTTP/1.1 (chunked), stream ending normally', async () => {
    open.dispatcher.respond = () => ({
      EventStream: (async function* () {
        yield event('7', 'x');
      })(),
    });
    const reply = await post(open, 'Kinesis_20131202.SubscribeToShard', encodeCbor({ ConsumerARN: 'arn', ShardId: 's', StartingPosition: { Type: 'LATEST' } }), CBOR_TYPE);
    expect(reply.status).toBe(200);
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    const messages = await decodeStream(reply.body);
    expect(messages.map((m) => m.headers[':event-type'])).toEqual(['initial-response', 'SubscribeToShardEvent']);
    expect(messages[1].headers[':content-type']).toBe(CBOR_TYPE);
    expect(decodeCbor(messages[1].body)).toEqual(event('7', 'x').SubscribeToShardEvent);
  });

  it('an error before the stream starts is an ordinary error response', async () => {
    open.dispatcher.respond = () => {
      throw new KinesisError('ResourceNotFoundException', 'Consumer arn not found.');
    };
    expectAwsError(await post(open, 'Kinesis_20131202.SubscribeToShard', '{}'), 400, 'ResourceNotFoundException', 'Consumer arn not found.');
  });

  it('a client that goes away aborts the operation\'s signal and ends its iterator', async () => {
    let finished!: () => void;
    const ended = new Promise<void>((resolve) => (finished = resolve));
    let signal: AbortSignal | undefined;
    open.dispatcher.respond = (call) => {
      signal = call.ctx.signal;
      return {
        EventStream: (async function* () {
          try {
            yield event('1', 'a');
            // Waits for records that never come; a pending await cannot be interrupted by
            // return(), so operations must watch ctx.signal, as this one does.
            await new Promise((resolve) => call.ctx.signal.addEventListener('abort', resolve));
          } finally {
            finished();
          }
        })(),
      };
    };
    const s = await connectH2(open.url);
    const body = '{}';
    const headers = await signedHeaders({ port: open.port, target: 'Kinesis_20131202.SubscribeToShard', body });
    const stream = s.request({ ':method': 'POST', ':path': '/', ...Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'host')) });
    stream.end(body);
    await new Promise((resolve) => stream.once('data', resolve));
    s.destroy();
    await ended;
    expect(signal?.aborted).toBe(true);
  });
});

// Integration: @aws-sdk/client-kinesis against `createServer(serveMillrace(mr))` on 127.0.0.1, a
// real Millrace behind it. Every implemented action through the SDK's default HTTP/2 handler and
// through NodeHttpHandler (HTTP/1.1), plain and over TLS; CBOR as the Java SDK sends it.
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeAccountSettingsCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  GetResourcePolicyCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  InvalidArgumentException,
  KinesisClient,
  ListShardsCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  PutResourcePolicyCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  ResourceNotFoundException,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  SubscribeToShardCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccountSettingsCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  ValidationException,
  type KinesisClientConfig,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mkdtempSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisActions } from '../../../src/api/kinesis/index.js';
import { Millrace } from '../../../src/millrace.js';
import { decodeCbor, encodeCbor } from '../../../src/server/http/cbor.js';
import { serveMillrace } from '../../../src/server/http/millrace.js';
import { createServer, type HttpServer } from '../../../src/server/http/server.js';
import { ACCESS_KEY, h1, json, SECRET_KEY, selfSignedCert, signedHeaders } from './helpers.js';

const cert = selfSignedCert();
const variants = [
  { name: 'default handler (HTTP/2 h2c)', tls: false, http1: false },
  { name: 'NodeHttpHandler (HTTP/1.1)', tls: false, http1: true },
  ...(cert
    ? [
        { name: 'default handler over TLS (h2)', tls: true, http1: false },
        { name: 'NodeHttpHandler over TLS (HTTP/1.1)', tls: true, http1: true },
      ]
    : []),
];

const ACCOUNT = '000000000000';
const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString();

describe.each(variants)('Kinesis through the SDK, $name', (variant) => {
  let dir: string;
  let mr: Millrace;
  let server: HttpServer;
  let kinesis: KinesisClient;
  const arn = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'millrace-http-'));
    mr = await Millrace.open({ dataDir: dir, retentionIntervalMs: 0, throttling: false });
    server = createServer({
      ...serveMillrace(mr),
      port: 0,
      credentials: [{ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }],
      ...(variant.tls ? { tls: cert! } : {}),
    });
    const address = await server.listen();
    let requestHandler: KinesisClientConfig['requestHandler'];
    if (variant.http1) requestHandler = new NodeHttpHandler(variant.tls ? { httpsAgent: new https.Agent({ ca: cert!.cert }) } : {});
    else if (variant.tls) requestHandler = { disableConcurrentStreams: true, nodeHttp2ConnectOptions: { ca: cert!.cert } };
    kinesis = new KinesisClient({
      endpoint: address.url,
      region: 'us-east-1',
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
      maxAttempts: 1,
      requestHandler,
    });
  });

  afterAll(async () => {
    kinesis?.destroy();
    await server?.close();
    await mr?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists and describes streams', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 2 }));
    expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual(['orders']);
    const { StreamDescription: d } = await kinesis.send(new DescribeStreamCommand({ StreamName: 'orders' }));
    expect(d).toMatchObject({ StreamName: 'orders', StreamARN: arn('orders'), StreamStatus: 'ACTIVE', RetentionPeriodHours: 24 });
    expect(d!.Shards).toHaveLength(2);
    expect(d!.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(d!.StreamCreationTimestamp!.getTime() - Date.now())).toBeLessThan(60_000);
    const { StreamDescriptionSummary: s } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: arn('orders') }));
    expect(s).toMatchObject({ StreamName: 'orders', OpenShardCount: 2 });
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: 'orders' }));
    expect(shards.Shards!.map((x) => x.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const limits = await kinesis.send(new DescribeLimitsCommand({}));
    expect(limits.OpenShardCount).toBe(2);
    expect(limits.ShardLimit).toBeGreaterThan(0);
  });

  it('puts and gets records: bytes, sequence numbers, timestamps', async () => {
    const one = await kinesis.send(new PutRecordCommand({ StreamName: 'orders', Data: Buffer.from([0, 255, 1]), PartitionKey: 'a' }));
    const many = await kinesis.send(
      new PutRecordsCommand({ StreamName: 'orders', Records: Array.from({ length: 100 }, (_, i) => ({ Data: Buffer.from(`r${i}`), PartitionKey: `k${i}` })) }),
    );
    expect(many.FailedRecordCount).toBe(0);
    expect(many.Records).toHaveLength(100);
    const shard = one.ShardId!;
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'orders', ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }));
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const mine = many.Records!.filter((r) => r.ShardId === shard).length + 1;
    expect(got.Records).toHaveLength(mine);
    expect(Buffer.from(got.Records![0].Data!)).toEqual(Buffer.from([0, 255, 1]));
    expect(got.Records![0].SequenceNumber).toBe(one.SequenceNumber);
    const arrived = got.Records![0].ApproximateArrivalTimestamp!;
    expect(arrived).toBeInstanceOf(Date);
    expect(Math.abs(arrived.getTime() - Date.now())).toBeLessThan(60_000);
    expect(got.MillisBehindLatest).toBe(0);

    const at = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: 'orders', ShardId: shard, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(arrived.getTime() - 1000) }),
    );
    expect((await kinesis.send(new GetRecordsCommand({ ShardIterator: at.ShardIterator, Limit: 1 }))).Records![0].SequenceNumber).toBe(one.SequenceNumber);
  });

  it('PutRecords and GetRecords answer what the embedded API answers: awkward keys, an encrypted stream', async () => {
    // The HTTP face writes these two outputs from unbuilt records (records-json.ts); the SDK must
    // read exactly the records the embedded API returns for the same reads.
    await kinesis.send(new CreateStreamCommand({ StreamName: 'awkward', ShardCount: 2 }));
    await kinesis.send(new StartStreamEncryptionCommand({ StreamName: 'awkward', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
    const keys = ['plain', 'quote"inside', 'back\\slash', 'new\nline', 'tab\t', '\u0001', 'é ü 中文', '😀', '</script>'];
    const Records = keys.map((k, i) => ({ PartitionKey: k, Data: Buffer.from(`payload-${i}`.repeat(i + 1)) }));
    const put = await kinesis.send(new PutRecordsCommand({ StreamName: 'awkward', Records }));
    expect(put.FailedRecordCount).toBe(0);
    expect(put.EncryptionType).toBe('KMS');
    expect(put.Records!.map((r) => r.ShardId)).toEqual(put.Records!.map((r) => expect.stringMatching(/^shardId-00000000000[01]$/) as unknown as string));

    for (const ShardId of ['shardId-000000000000', 'shardId-000000000001']) {
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'awkward', ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      const viaHttp = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      const embedded = await mr.kinesis.getRecords({ ShardIterator: (await mr.kinesis.getShardIterator({ StreamName: 'awkward', ShardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator });
      expect(viaHttp.Records!.length).toBe(embedded.Records.length);
      viaHttp.Records!.forEach((r, i) => {
        const e = embedded.Records[i]!;
        expect({ ...r, Data: Buffer.from(r.Data!) }).toEqual({ ...e, Data: Buffer.from(e.Data) });
        expect(r.EncryptionType).toBe('KMS');
      });
      expect(viaHttp.MillisBehindLatest).toBe(0);
      expect(typeof viaHttp.NextShardIterator).toBe('string');
    }
    // Every record put is read back with its sequence number, key and bytes.
    const all = new Map<string, { key: string; data: string }>();
    for (const ShardId of ['shardId-000000000000', 'shardId-000000000001']) {
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'awkward', ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      for (const r of (await kinesis.send(new GetRecordsCommand({ ShardIterator }))).Records!) all.set(r.SequenceNumber!, { key: r.PartitionKey!, data: text(r.Data) });
    }
    expect(put.Records!.map((r) => all.get(r.SequenceNumber!))).toEqual(Records.map((r) => ({ key: r.PartitionKey, data: r.Data.toString() })));
    await mr.kinesis.deleteStream({ StreamName: 'awkward' });
  });

  it('tags, retention, monitoring, encryption, policies and account settings', async () => {
    await kinesis.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { team: 'data', env: 'test' } }));
    await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: 'orders', TagKeys: ['env'] }));
    expect((await kinesis.send(new ListTagsForStreamCommand({ StreamName: 'orders' }))).Tags).toEqual([{ Key: 'team', Value: 'data' }]);
    await kinesis.send(new TagResourceCommand({ ResourceARN: arn('orders'), Tags: { owner: 'me' } }));
    await kinesis.send(new UntagResourceCommand({ ResourceARN: arn('orders'), TagKeys: ['team'] }));
    expect((await kinesis.send(new ListTagsForResourceCommand({ ResourceARN: arn('orders') }))).Tags).toEqual([{ Key: 'owner', Value: 'me' }]);

    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'orders', RetentionPeriodHours: 48 }));
    await kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'orders', RetentionPeriodHours: 36 }));
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }))).StreamDescriptionSummary!.RetentionPeriodHours).toBe(36);

    const on = await kinesis.send(new EnableEnhancedMonitoringCommand({ StreamName: 'orders', ShardLevelMetrics: ['IncomingBytes'] }));
    expect(on.DesiredShardLevelMetrics).toEqual(['IncomingBytes']);
    const off = await kinesis.send(new DisableEnhancedMonitoringCommand({ StreamName: 'orders', ShardLevelMetrics: ['IncomingBytes'] }));
    expect(off.DesiredShardLevelMetrics).toEqual([]);

    await kinesis.send(new StartStreamEncryptionCommand({ StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }))).StreamDescriptionSummary!.EncryptionType).toBe('KMS');
    await kinesis.send(new StopStreamEncryptionCommand({ StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    await kinesis.send(new PutResourcePolicyCommand({ ResourceARN: arn('orders'), Policy: policy }));
    expect((await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: arn('orders') }))).Policy).toBe(policy);
    await kinesis.send(new DeleteResourcePolicyCommand({ ResourceARN: arn('orders') }));

    const enabled = await kinesis.send(new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } }));
    expect(enabled.MinimumThroughputBillingCommitment?.StartedAt).toBeInstanceOf(Date);
    const settings = await kinesis.send(new DescribeAccountSettingsCommand({}));
    expect(settings.MinimumThroughputBillingCommitment?.Status).toBe('ENABLED');
    expect(settings.MinimumThroughputBillingCommitment?.EarliestAllowedEndAt).toBeInstanceOf(Date);
  });

  it('registers a consumer and pushes records put while subscribed (SubscribeToShard)', async () => {
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn('orders'), ConsumerName: 'app' }));
    expect(Consumer!.ConsumerCreationTimestamp).toBeInstanceOf(Date);
    const described = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    expect(described.ConsumerDescription).toMatchObject({ ConsumerName: 'app', ConsumerStatus: 'ACTIVE', StreamARN: arn('orders') });
    expect((await kinesis.send(new ListStreamConsumersCommand({ StreamARN: arn('orders') }))).Consumers!.map((c) => c.ConsumerName)).toEqual(['app']);

    const sub = await kinesis.send(
      new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }),
    );
    const received: string[] = [];
    let putDone = false;
    for await (const event of sub.EventStream as AsyncIterable<SubscribeToShardEventStream>) {
      const e = event.SubscribeToShardEvent!;
      for (const r of e.Records ?? []) {
        received.push(text(r.Data));
        expect(r.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
      }
      expect(e.ContinuationSequenceNumber).toBeTypeOf('string');
      if (!putDone) {
        putDone = true;
        // Explicit hash key 0 routes to shard 0, the one subscribed.
        await kinesis.send(
          new PutRecordsCommand({
            StreamName: 'orders',
            Records: ['live-1', 'live-2', 'live-3'].map((d) => ({ Data: Buffer.from(d), PartitionKey: 'x', ExplicitHashKey: '0' })),
          }),
        );
      }
      if (received.length >= 3) break;
    }
    expect(received).toEqual(['live-1', 'live-2', 'live-3']);
    await kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
  });

  it('reshards: split, merge, update shard count, stream mode; parents lead to children', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'reshard', ShardCount: 1 }));
    await kinesis.send(new PutRecordCommand({ StreamName: 'reshard', Data: Buffer.from('before'), PartitionKey: 'p' }));
    await kinesis.send(new SplitShardCommand({ StreamName: 'reshard', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }));
    const open = (await kinesis.send(new ListShardsCommand({ StreamName: 'reshard', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!.map((s) => s.ShardId);
    expect(open).toEqual(['shardId-000000000001', 'shardId-000000000002']);

    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'reshard', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const parent = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(parent.Records!.map((r) => text(r.Data))).toEqual(['before']);
    expect(parent.ChildShards?.map((c) => c.ShardId).sort()).toEqual(['shardId-000000000001', 'shardId-000000000002']);

    await kinesis.send(new MergeShardsCommand({ StreamName: 'reshard', ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000002' }));
    const afterMerge = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'reshard' }));
    expect(afterMerge.StreamDescriptionSummary!.OpenShardCount).toBe(1);
    const scaled = await kinesis.send(new UpdateShardCountCommand({ StreamName: 'reshard', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }));
    expect(scaled).toMatchObject({ CurrentShardCount: 1, TargetShardCount: 2 });
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'reshard' }))).StreamDescriptionSummary!.OpenShardCount).toBe(2);
    await kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn('reshard'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'reshard' }))).StreamDescriptionSummary!.StreamModeDetails?.StreamMode).toBe('ON_DEMAND');
  });

  it('errors arrive as the SDK\'s typed exceptions', async () => {
    const missing = await kinesis.send(new DescribeStreamCommand({ StreamName: 'nope' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as Error).message).toBe(`Stream nope under account ${ACCOUNT} not found.`);
    const invalid = await kinesis.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 1 })).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationException);
    const badSplit = await kinesis
      .send(new SplitShardCommand({ StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' }))
      .catch((e: unknown) => e);
    expect(badSplit).toBeInstanceOf(InvalidArgumentException);
  });

  it('deletes streams', async () => {
    await kinesis.send(new DeleteStreamCommand({ StreamName: 'reshard', EnforceConsumerDeletion: true }));
    await kinesis.send(new DeleteStreamCommand({ StreamName: 'orders', EnforceConsumerDeletion: true }));
    expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
  });
});

describe('raw requests against the real operations', () => {
  let dir: string;
  let mr: Millrace;
  let server: HttpServer;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'millrace-http-'));
    mr = await Millrace.open({ dataDir: dir, retentionIntervalMs: 0, throttling: false });
    server = createServer({ ...serveMillrace(mr), port: 0, credentials: [{ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }] });
    port = (await server.listen()).port;
  });

  afterAll(async () => {
    await server?.close();
    await mr?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers CBOR as the Java SDK sends it, ignores unknown members and refuses wrong JSON types as AWS does', async () => {
    const cbor = async (target: string, value: unknown) => {
      const body = encodeCbor(value);
      const headers = await signedHeaders({ port, target: `Kinesis_20131202.${target}`, body, contentType: 'application/x-amz-cbor-1.1' });
      const reply = await h1(port, { headers, body });
      return { status: reply.status, body: decodeCbor(reply.body) as Record<string, unknown>, raw: reply.body };
    };
    expect((await cbor('CreateStream', { StreamName: 'cbor', ShardCount: 1 })).status).toBe(200);
    const put = await cbor('PutRecord', { StreamName: 'cbor', Data: Buffer.from([1, 2, 3]), PartitionKey: 'k' });
    expect(put.status).toBe(200);
    const it = await cbor('GetShardIterator', { StreamName: 'cbor', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() - 60_000) });
    const got = await cbor('GetRecords', { ShardIterator: it.body.ShardIterator });
    const record = (got.body.Records as Array<Record<string, unknown>>)[0];
    expect(record.Data).toEqual(Buffer.from([1, 2, 3]));
    expect(record.SequenceNumber).toBe(put.body.SequenceNumber);
    // ApproximateArrivalTimestamp as tag 1 + integer milliseconds (c1 1b …), read back as a Date.
    expect(got.raw.includes(Buffer.from([0xc1, 0x1b]))).toBe(true);
    expect(Math.abs((record.ApproximateArrivalTimestamp as Date).getTime() - Date.now())).toBeLessThan(60_000);
    const missing = await cbor('DescribeStream', { StreamName: 'none' });
    expect(missing).toMatchObject({ status: 400, body: { __type: 'ResourceNotFoundException' } });

    // PutRecord byte for byte as Jackson/SdkCborGenerator write it: indefinite map, byte string.
    const t = (v: string) => Buffer.concat([Buffer.from([0x60 | v.length]), Buffer.from(v)]);
    const java = Buffer.concat([Buffer.from([0xbf]), t('StreamName'), t('cbor'), t('Data'), Buffer.from([0x42, 0xca, 0xfe]), t('PartitionKey'), t('k'), Buffer.from([0xff])]);
    const javaHeaders = await signedHeaders({ port, target: 'Kinesis_20131202.PutRecord', body: java, contentType: 'application/x-amz-cbor-1.1' });
    const javaPut = await h1(port, { headers: javaHeaders, body: java });
    expect(javaPut.status).toBe(200);
    expect((decodeCbor(javaPut.body) as Record<string, unknown>).ShardId).toBe('shardId-000000000000');

    const unknownField = JSON.stringify({ StreamName: 'cbor', Data: 'AQ==', PartitionKey: 'k', NotAMember: { x: 1 } });
    const unknownHeaders = await signedHeaders({ port, target: 'Kinesis_20131202.PutRecord', body: unknownField });
    expect((await h1(port, { headers: unknownHeaders, body: unknownField })).status).toBe(200);

    const body = JSON.stringify({ StreamName: 5, ShardCount: 1 });
    const headers = await signedHeaders({ port, target: 'Kinesis_20131202.CreateStream', body });
    const wrongType = await h1(port, { headers, body });
    expect(wrongType.status).toBe(400);
    expect(json(wrongType).__type).toBe('SerializationException');
  });
});

describe('routing', () => {
  it('routes exactly the implemented actions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'millrace-http-'));
    const mr = await Millrace.open({ dataDir: dir, retentionIntervalMs: 0 });
    try {
      const { actions } = serveMillrace(mr);
      expect([...(actions.kinesis ?? [])].sort()).toEqual(Object.keys(kinesisActions).sort());
    } finally {
      await mr.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

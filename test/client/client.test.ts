// The client against a real server on 127.0.0.1: every command's round trip through the public API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, recordsOf, type MillraceClient } from '../../src/client/index.js';
import { startServer, type Started } from '../server/tcp/helpers.js';

let s: Started;
let client: MillraceClient;

beforeEach(async () => {
  s = await startServer();
  client = await connect({ port: s.port });
});

afterEach(async () => {
  await client.close();
  await s.stop();
});

describe('commands round trip', () => {
  it('ping', async () => {
    expect(await client.ping(Buffer.from('hi'))).toBeGreaterThanOrEqual(0);
  });

  it('creates, describes, lists and deletes streams', async () => {
    await client.createStream('s1', { shardCount: 2 });
    await client.createStream('s2', { shardCount: 1, retentionHours: 48 });
    const d = await client.describeStreamSummary('s2');
    expect(d).toMatchObject({ streamName: 's2', status: 'ACTIVE', mode: 'PROVISIONED', retentionHours: 48, openShardCount: 1, encryption: 'NONE' });
    expect((await client.listStreams()).streamNames).toEqual(['s1', 's2']);
    expect(await client.listStreams({ limit: 1 })).toEqual({ streamNames: ['s1'], hasMore: true });
    await client.deleteStream('s1');
    expect((await client.listStreams()).streamNames).toEqual(['s2']);
    await expect(client.describeStreamSummary('s1')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('puts and gets records, routed by the server', async () => {
    await client.createStream('s', { shardCount: 2 });
    const records = Array.from({ length: 100 }, (_, i) => ({ partitionKey: `k${i}`, data: `record ${i}` }));
    const put = await client.putRecords('s', records);
    expect(put.results.length).toBe(2);
    expect(put.assignment!.length).toBe(100);
    const seen: string[] = [];
    for (const shard of put.results) {
      const got = await client.getBatch('s', shard.shardId);
      expect(got.nextOffset).toBe(shard.recordCount);
      for (const r of recordsOf(got.batches)) seen.push(r.data.toString());
    }
    expect(seen.sort()).toEqual(records.map((r) => r.data).sort());
  });

  it('keeps per-shard order and reads from every position type', async () => {
    await client.createStream('s', { shardCount: 1 });
    const before = Date.now();
    for (let i = 0; i < 5; i++) await client.putRecords('s', [{ partitionKey: 'k', data: `r${i}` }]);
    const sh = 'shardId-000000000000';
    const data = async (position: Parameters<MillraceClient['getBatch']>[2] extends infer O ? (O extends { position?: infer P } ? P : never) : never) =>
      [...recordsOf((await client.getBatch('s', sh, { position })).batches)].map((r) => r.data.toString());
    expect(await data({ type: 'TRIM_HORIZON' })).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(await data({ type: 'AT_OFFSET', offset: 3 })).toEqual(['r3', 'r4']);
    expect(await data({ type: 'AFTER_OFFSET', offset: 3 })).toEqual(['r4']);
    expect(await data({ type: 'LATEST' })).toEqual([]);
    expect(await data({ type: 'AT_TIMESTAMP', timestampMs: before - 1000 })).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    const it2 = await client.getShardIterator('s', sh, { type: 'AT_OFFSET', offset: 2 });
    expect(it2.offset).toBe(2);
    expect(await data({ type: 'SHARD_ITERATOR', shardIterator: it2.shardIterator })).toEqual(['r2', 'r3', 'r4']);
    const got = await client.getBatch('s', sh, { position: { type: 'TRIM_HORIZON' }, maxRecords: 2 });
    expect(got.nextOffset).toBe(2);
    const [first] = recordsOf(got.batches);
    expect(first!.partitionKey).toBe('k');
    expect(first!.timestamp).toBeGreaterThanOrEqual(before - 5);
  });

  it('long-polls a GetBatch until a record arrives', async () => {
    await client.createStream('s', { shardCount: 1 });
    const pending = client.getBatch('s', 'shardId-000000000000', { position: { type: 'LATEST' }, waitMs: 5000 });
    await new Promise((r) => setTimeout(r, 50));
    await client.putRecords('s', [{ partitionKey: 'k', data: 'late' }]);
    const got = await pending;
    expect([...recordsOf(got.batches)].map((r) => r.data.toString())).toEqual(['late']);
  });

  it('appends to a named shard only when every record hashes into it', async () => {
    await client.createStream('s', { shardCount: 2 });
    const { shards } = await client.listShards('s');
    const low = shards[0]!;
    const put = await client.putRecords('s', [{ partitionKey: 'x', data: 'a', explicitHashKey: low.startingHashKey }], { shardId: low.shardId });
    expect(put.results[0]!.shardId).toBe(low.shardId);
    await expect(client.putRecords('s', [{ partitionKey: 'x', data: 'a', explicitHashKey: shards[1]!.startingHashKey }], { shardId: low.shardId })).rejects.toMatchObject({
      name: 'InvalidArgumentException',
    });
  });

  it('lists shards and reshards: split, merge, uniform scaling', async () => {
    await client.createStream('s', { shardCount: 2 });
    let { shards } = await client.listShards('s');
    expect(shards.map((x) => x.shardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    await client.splitShard('s', shards[0]!.shardId, shards[0]!.endingHashKey / 2n);
    ({ shards } = await client.listShards('s'));
    expect(shards.length).toBe(4);
    expect(shards[0]!.endingSequenceNumber).not.toBe('');
    expect(shards[2]!.parentShardId).toBe('shardId-000000000000');
    await client.mergeShards('s', 'shardId-000000000002', 'shardId-000000000003');
    const up = await client.updateShardCount('s', 4);
    expect(up.targetShardCount).toBe(4);
  });

  it('reads a closed shard to its end with its children', async () => {
    await client.createStream('s', { shardCount: 1 });
    await client.putRecords('s', [{ partitionKey: 'k', data: 'before split' }]);
    await client.splitShard('s', 'shardId-000000000000', 1n << 127n);
    const got = await client.getBatch('s', 'shardId-000000000000');
    expect(got.shardEnd).toBe(true);
    expect(got.childShards.map((c) => c.shardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    expect(got.childShards[0]!.parentShards).toEqual(['shardId-000000000000']);
  });

  it('commits and fetches checkpoints, which survive a restart', async () => {
    await client.createStream('s', { shardCount: 1 });
    const sh = 'shardId-000000000000';
    expect(await client.fetchCheckpoint('g', 's', sh)).toBeNull();
    await client.commitCheckpoint('g', 's', sh, 41, { metadata: Buffer.from('meta') });
    await client.commitCheckpoint('g', 's', sh, 42, { shardEnd: true });
    const c = await client.fetchCheckpoint('g', 's', sh);
    expect(c).toMatchObject({ offset: 42, shardEnd: true });
    await expect(client.commitCheckpoint('g', 's', 'shardId-000000000009', 1)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await client.close();
    await s.stop();
    s = await startServer({}, {}, s.dataDir);
    client = await connect({ port: s.port });
    expect(await client.fetchCheckpoint('g', 's', sh)).toMatchObject({ offset: 42, shardEnd: true });
  });

  it('reports domain errors with their AWS names and library classes', async () => {
    await expect(client.putRecords('nope', [{ partitionKey: 'k', data: 'x' }])).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.createStream('', { shardCount: 1 })).rejects.toMatchObject({ name: 'ValidationException' });
    expect(() => client.putRecords('s', [])).toThrow(/non-empty/);
  });
});

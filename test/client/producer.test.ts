// The batching producer against a real server: batches by count and linger, per-record
// placements, bounded memory, order per partition key, retries across a server restart.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, recordsOf, type MillraceClient } from '../../src/client/index.js';
import { startServer, type Started } from '../server/tcp/helpers.js';

let s: Started | undefined;
let client: MillraceClient | undefined;

afterEach(async () => {
  await client?.close();
  await s?.stop();
  s = undefined;
});

async function readAll(c: MillraceClient, shardId: string): Promise<{ offset: number; key: string; data: string }[]> {
  const got = await c.getBatch('s', shardId, { maxRecords: 100_000 });
  return [...recordsOf(got.batches)].map((r) => ({ offset: r.offset, key: r.partitionKey, data: r.data.toString() }));
}

describe('Producer', () => {
  it('acknowledges every record with the shard and offset it was stored at', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 2 });
    const p = client.producer('s', { maxBatchRecords: 100, lingerMs: 2 });
    const sent = Array.from({ length: 1050 }, (_, i) => ({ partitionKey: `k${i % 7}`, data: `r${i}` }));
    const placed = await Promise.all(sent.map((r) => p.send(r)));
    await p.close();
    const stored = new Map<string, Map<number, string>>();
    for (const sh of ['shardId-000000000000', 'shardId-000000000001']) stored.set(sh, new Map((await readAll(client, sh)).map((r) => [r.offset, r.data])));
    placed.forEach((where, i) => expect(stored.get(where.shardId)!.get(where.offset)).toBe(sent[i]!.data));
    expect(p.bufferedBytes).toBe(0);
  });

  it('keeps the order of each partition key', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 1 });
    const p = client.producer('s', { maxBatchRecords: 10, lingerMs: 1 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => p.send({ partitionKey: `k${i % 3}`, data: String(i) })));
    const rows = await readAll(client, 'shardId-000000000000');
    for (const k of ['k0', 'k1', 'k2']) {
      const seq = rows.filter((r) => r.key === k).map((r) => Number(r.data));
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
    }
  });

  it('bounds the bytes it holds: send() waits for room', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 1 });
    const p = client.producer('s', { maxBufferedBytes: 4096, maxBatchRecords: 5, lingerMs: 1 });
    let peak = 0;
    const sends = [];
    for (let i = 0; i < 100; i++) {
      sends.push(p.send({ partitionKey: 'k', data: Buffer.alloc(200) }));
      peak = Math.max(peak, p.bufferedBytes);
    }
    await Promise.all(sends);
    expect(peak).toBeLessThanOrEqual(4096);
    expect((await readAll(client, 'shardId-000000000000')).length).toBe(100);
  });

  it('retries batches across a server restart: nothing acknowledged is lost', async () => {
    s = await startServer();
    client = await connect({ port: s.port, reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 100 } });
    await client.createStream('s', { shardCount: 1 });
    const p = client.producer('s', { maxBatchRecords: 20, lingerMs: 1, retries: 20, retryDelayMs: 20 });
    const sends = Array.from({ length: 200 }, (_, i) => p.send({ partitionKey: 'k', data: `r${i}` }));
    const old = s;
    await old.stop();
    s = await startServer({ port: old.port }, {}, old.dataDir);
    const placed = await Promise.all(sends);
    const stored = new Set((await readAll(client, 'shardId-000000000000')).map((r) => r.data));
    expect(placed.length).toBe(200);
    for (let i = 0; i < 200; i++) expect(stored.has(`r${i}`)).toBe(true);
  });

  it('rejects a record the server refuses, without retrying', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    const p = client.producer('missing');
    await expect(p.send({ partitionKey: 'k', data: 'x' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

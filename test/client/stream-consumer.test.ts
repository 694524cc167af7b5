// Consuming a whole stream: every shard, parents before children across a reshard, and a consumer
// group that resumes after its checkpoints.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, recordsOf, type MillraceClient } from '../../src/client/index.js';
import { startServer, type Started } from '../server/tcp/helpers.js';

let s: Started;
let client: MillraceClient;

afterEach(async () => {
  await client.close();
  await s.stop();
});

describe('consume', () => {
  it('reads every shard, and a split shard before its children', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 1 });
    await client.putRecords('s', Array.from({ length: 20 }, (_, i) => ({ partitionKey: `k${i}`, data: `before ${i}` })));
    await client.splitShard('s', 'shardId-000000000000', 1n << 127n);
    await client.putRecords('s', Array.from({ length: 20 }, (_, i) => ({ partitionKey: `k${i}`, data: `after ${i}` })));
    const seen: string[] = [];
    const order: string[] = [];
    for await (const b of client.consume('s')) {
      for (const r of recordsOf(b.event.batches)) seen.push(r.data.toString());
      if (b.event.batches.length) order.push(b.shardId);
      if (seen.length === 40) break;
    }
    expect(seen.sort()).toEqual([...Array.from({ length: 20 }, (_, i) => `after ${i}`), ...Array.from({ length: 20 }, (_, i) => `before ${i}`)].sort());
    expect(order[0]).toBe('shardId-000000000000');
    expect(order.lastIndexOf('shardId-000000000000')).toBeLessThan(order.findIndex((x) => x !== 'shardId-000000000000'));
  });

  it('resumes a group after its checkpoints, skipping finished shards', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 1 });
    await client.putRecords('s', [{ partitionKey: 'k', data: 'one' }, { partitionKey: 'k', data: 'two' }]);
    for await (const b of client.consume('s', { group: 'g' })) {
      await b.checkpoint();
      break;
    }
    await client.putRecords('s', [{ partitionKey: 'k', data: 'three' }]);
    const seen: string[] = [];
    for await (const b of client.consume('s', { group: 'g' })) {
      for (const r of recordsOf(b.event.batches)) seen.push(r.data.toString());
      if (seen.length >= 1) break;
    }
    expect(seen).toEqual(['three']);
  });

  it('with reuseBuffers, keeps a batch intact until the loop asks for the next one', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 2 });
    // 1 KiB records that say which they are, in events of ~20 KiB (bodies from the body pool).
    const record = (i: number) => {
      const b = Buffer.alloc(1024, i % 251);
      b.writeUInt32LE(i, 0);
      return b;
    };
    await client.putRecords('s', Array.from({ length: 400 }, (_, i) => ({ partitionKey: `k${i}`, data: record(i) })));
    const seen = new Set<number>();
    for await (const b of client.consume('s', { reuseBuffers: true, maxRecordsPerEvent: 20, recordWindow: 100 })) {
      // Both shards keep receiving while this turn waits: a buffer given back too early is overwritten by now.
      await new Promise((r) => setTimeout(r, 2));
      for (const r of recordsOf(b.event.batches)) {
        const i = r.data.readUInt32LE(0);
        expect(r.data.equals(record(i))).toBe(true);
        seen.add(i);
      }
      if (seen.size === 400) break;
    }
    expect(seen.size).toBe(400);
  });
});

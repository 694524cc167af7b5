// Subscriptions through the client: server push with credits, resharding ends, reconnects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, recordCount, recordsOf, type MillraceClient, type SubscriptionEvent } from '../../src/client/index.js';
import { startServer, type Started } from '../server/tcp/helpers.js';

let s: Started;
let client: MillraceClient;
const SH = 'shardId-000000000000';

beforeEach(async () => {
  s = await startServer();
  client = await connect({ port: s.port });
  await client.createStream('s', { shardCount: 1 });
});

afterEach(async () => {
  await client.close();
  await s.stop();
});

async function collect(it: AsyncIterable<SubscriptionEvent>, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) {
    for (const r of recordsOf(e.batches)) out.push(r.data.toString());
    if (out.length >= n) break;
  }
  return out;
}

describe('subscribe', () => {
  it('pushes existing and new records in order', async () => {
    await client.putRecords('s', [{ partitionKey: 'k', data: 'a' }, { partitionKey: 'k', data: 'b' }]);
    const sub = client.subscribe('s', SH, { position: { type: 'TRIM_HORIZON' } });
    setTimeout(() => void client.putRecords('s', [{ partitionKey: 'k', data: 'c' }]), 30);
    expect(await collect(sub, 3)).toEqual(['a', 'b', 'c']);
  });

  it('never sends more than the credit granted, and goes on as the loop consumes', async () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ partitionKey: 'k', data: `r${i}` }));
    await client.putRecords('s', records);
    const sub = client.subscribe('s', SH, { position: { type: 'TRIM_HORIZON' }, recordWindow: 100, maxRecordsPerEvent: 30 });
    let total = 0;
    for await (const e of sub) {
      const n = recordCount(e.batches);
      expect(n).toBeLessThanOrEqual(30);
      total += n;
      if (total >= 1000) break;
    }
    expect(total).toBe(1000);
  });

  it('ends at the end of a closed shard with its children', async () => {
    await client.putRecords('s', [{ partitionKey: 'k', data: 'x' }]);
    const sub = client.subscribe('s', SH, { position: { type: 'TRIM_HORIZON' } });
    const first = await sub.next();
    expect(recordCount(first.value!.batches)).toBe(1);
    await client.splitShard('s', SH, 1n << 127n);
    const events: SubscriptionEvent[] = [];
    for await (const e of sub) events.push(e);
    const last = events[events.length - 1]!;
    expect(last.shardEnd).toBe(true);
    expect(last.childShards.map((c) => c.shardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
  });

  it('fails the iterator when the stream is deleted', async () => {
    const sub = client.subscribe('s', SH, { position: { type: 'LATEST' } });
    const pending = (async () => {
      for await (const _ of sub) void _;
    })();
    const failed = expect(pending).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await new Promise((r) => setTimeout(r, 50));
    await client.deleteStream('s');
    await failed;
  });

  it('refuses an unknown shard', async () => {
    const sub = client.subscribe('s', 'shardId-000000000009');
    await expect(sub.next()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

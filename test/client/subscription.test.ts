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

  describe('reuseBuffers', () => {
    // Events of ~20 KiB: bodies big enough to come from the client's body pool.
    const data = (i: number) => Buffer.alloc(1024, i % 251);
    const put = () => client.putRecords('s', Array.from({ length: 400 }, (_, i) => ({ partitionKey: 'k', data: data(i) })));
    const options = (reuseBuffers: boolean) => ({ position: { type: 'TRIM_HORIZON' as const }, maxRecordsPerEvent: 20, recordWindow: 100, reuseBuffers });

    it('hands each event intact, and reuses its memory for a later one once the loop moves on', async () => {
      await put();
      const memories = new Set<ArrayBufferLike>();
      let shared = 0;
      let i = 0;
      for await (const e of client.subscribe('s', SH, options(true))) {
        const memory = e.batches[0]!.payload.buffer;
        if (memories.has(memory)) shared++;
        memories.add(memory);
        for (const r of recordsOf(e.batches)) expect(r.data.equals(data(i++))).toBe(true);
        if (i === 400) break;
      }
      expect(shared).toBeGreaterThan(10);
    });

    it('leaves every event to its holder without the option', async () => {
      await put();
      const held: SubscriptionEvent[] = [];
      let n = 0;
      for await (const e of client.subscribe('s', SH, options(false))) {
        held.push(e);
        n += recordCount(e.batches);
        if (n === 400) break;
      }
      expect(new Set(held.map((e) => e.batches[0]!.payload.buffer)).size).toBe(held.length);
      let i = 0;
      for (const e of held) for (const r of recordsOf(e.batches)) expect(r.data.equals(data(i++))).toBe(true);
      expect(i).toBe(400);
    });
  });

  it('refuses an unknown shard', async () => {
    const sub = client.subscribe('s', 'shardId-000000000009');
    await expect(sub.next()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

// handlers/records.ts and subscriptions.ts over real sockets: puts stored from the frame's packed
// payload, reads and pushes sent as the log's packed batches, cut at record boundaries, for plain,
// LZ4-compressed and encrypted streams (whose batches are decoded before they are sent).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, recordsOf, type MillraceClient } from '../../../src/client/index.js';
import type { Compression } from '../../../src/storage/types.js';
import { startServer, type Started } from './helpers.js';

const SH = 'shardId-000000000000';
let s: Started | undefined;
let client: MillraceClient | undefined;

afterEach(async () => {
  await client?.close();
  await s?.stop();
  client = undefined;
  s = undefined;
});

/** A one-shard stream with `batches` stored batches of `per` records each. */
async function filled(compression: Compression, encrypted: boolean, batches: number, per: number): Promise<MillraceClient> {
  s = await startServer({}, { compression });
  client = await connect({ port: s.port });
  await client.createStream('s', { shardCount: 1 });
  if (encrypted) await s.mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
  for (let b = 0; b < batches; b++) await client.putRecords('s', Array.from({ length: per }, (_, i) => ({ partitionKey: `k${i % 5}`, data: `b${b}r${i}` })));
  return client;
}

const expected = (batches: number, per: number) => Array.from({ length: batches * per }, (_, n) => `b${Math.floor(n / per)}r${n % per}`);

describe.each<[Compression, boolean]>([['none', false], ['lz4', false], ['none', true]])('compression %s, encrypted %s', (compression, encrypted) => {
  it('GetBatch starts inside a stored batch, cuts at maxRecords and goes on from nextOffset', async () => {
    const c = await filled(compression, encrypted, 4, 10);
    const got: string[] = [];
    let offset = 3;
    for (;;) {
      const res = await c.getBatch('s', SH, { position: { type: 'AT_OFFSET', offset }, maxRecords: 7 });
      const records = [...recordsOf(res.batches)];
      expect(records.length).toBeLessThanOrEqual(7);
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => offset + i));
      got.push(...records.map((r) => r.data.toString()));
      if (records.length === 0) break;
      offset = res.nextOffset;
    }
    expect(got).toEqual(expected(4, 10).slice(3));
    expect(offset).toBe(40);
  });

  it('a subscription with a small credit window receives every record once, in order', async () => {
    const c = await filled(compression, encrypted, 5, 20);
    const sub = c.subscribe('s', SH, { position: { type: 'AT_OFFSET', offset: 5 }, recordWindow: 7, byteWindow: 1 << 20 });
    const got: string[] = [];
    for await (const e of sub) {
      for (const r of recordsOf(e.batches)) got.push(r.data.toString());
      if (got.length >= 95) break;
    }
    expect(got).toEqual(expected(5, 20).slice(5));
  });
});

describe('PutBatch', () => {
  it('stores a batch routed to several shards and reports placements per record', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 3 });
    const put = await client.putRecords('s', Array.from({ length: 300 }, (_, i) => ({ partitionKey: `p${i}`, data: `d${i}` })));
    expect(put.results.reduce((n, r) => n + r.recordCount, 0)).toBe(300);
    expect(put.assignment!.length).toBe(300);
    const byShard = new Map<string, string[]>();
    put.assignment!.forEach((k, i) => {
      const id = put.results[k]!.shardId;
      byShard.set(id, [...(byShard.get(id) ?? []), `d${i}`]);
    });
    for (const [shardId, want] of byShard) {
      const res = await client.getBatch('s', shardId, { position: { type: 'TRIM_HORIZON' } });
      expect([...recordsOf(res.batches)].map((r) => r.data.toString())).toEqual(want);
    }
  });

  it('frames split across socket reads (pooled buffers, given back after the put) store every byte as sent, on one shard and several', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    // 150 KB batches: each arrives in several socket reads, so its body comes from the body pool and
    // goes back after the put; many in flight, so buffers are reused while other puts are writing.
    const batch = (b: number) => Array.from({ length: 1000 }, (_, i) => ({ partitionKey: `p${i}`, data: `${b}:${i}:`.padEnd(150, String.fromCharCode(97 + ((b + i) % 26))) }));
    for (const shardCount of [1, 3]) {
      const name = `pooled-${shardCount}`;
      await client.createStream(name, { shardCount });
      const puts = await Promise.all(Array.from({ length: 24 }, (_, b) => client!.putRecords(name, batch(b))));
      const want = new Set(puts.flatMap((_, b) => batch(b).map((r) => r.data)));
      const got: string[] = [];
      const shards = (await client.listShards(name)).shards.map((x) => x.shardId);
      for (const shardId of shards) {
        let offset = 0;
        for (;;) {
          const res = await client.getBatch(name, shardId, { position: { type: 'AT_OFFSET', offset }, maxRecords: 10_000 });
          const recs = [...recordsOf(res.batches)];
          if (recs.length === 0) break;
          for (const r of recs) got.push(r.data.toString());
          offset = res.nextOffset;
        }
      }
      expect(got).toHaveLength(24_000);
      expect(new Set(got)).toEqual(want);
    }
    // Every body was read into a pool buffer (straight from the socket: no chunk per read), and
    // after the first wave they came back and were taken again, not allocated anew.
    const { allocated, reused } = s.server.stats().bodyBuffers;
    expect(allocated + reused).toBeGreaterThanOrEqual(48);
    expect(allocated).toBeLessThanOrEqual(24);
    const before = s.server.stats().bodyBuffers;
    for (let b = 0; b < 10; b++) await client.putRecords('pooled-3', batch(b));
    const after = s.server.stats().bodyBuffers;
    expect(after.allocated).toBe(before.allocated);
    expect(after.reused).toBe(before.reused + 10);
  });

  it('refuses a malformed targeted batch without storing any of it', async () => {
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 1 });
    await expect(client.putRecords('s', [{ partitionKey: 'k', data: 'x' }], { shardId: 'shardId-000000000007' })).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    expect((await client.getBatch('s', SH, { position: { type: 'LATEST' } })).nextOffset).toBe(0);
  });
});

describe('GetBatch long poll', () => {
  it('ends at waitMs with nothing, even when the GC runs while it waits', async () => {
    // The wait's timer must be held strongly: a timeout signal referenced only by
    // AbortSignal.any() can be collected before it fires (nodejs/node#57736), and the poll hangs.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    s = await startServer();
    client = await connect({ port: s.port });
    await client.createStream('s', { shardCount: 1 });
    for (let round = 0; round < 5; round++) {
      const poll = client.getBatch('s', SH, { position: { type: 'LATEST' }, waitMs: 100 });
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
        gc();
      }
      const res = await Promise.race([poll, new Promise((r) => setTimeout(() => r('still waiting'), 3000))]);
      expect(res).toMatchObject({ batches: [], shardEnd: false });
    }
  });
});

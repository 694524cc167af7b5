// Reconnection: the server restarts under a producer and a subscriber. No acknowledged record is
// lost, unacknowledged puts fail with a typed error, reads are replayed, subscriptions resume.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, isRetryable, recordsOf, type MillraceClient } from '../../src/client/index.js';
import { startServer, type Started } from '../server/tcp/helpers.js';

const SH = 'shardId-000000000000';
let s: Started | undefined;
let client: MillraceClient | undefined;

afterEach(async () => {
  await client?.close();
  await s?.stop();
  s = undefined;
});

async function restart(old: Started, downMs: number): Promise<Started> {
  await old.stop();
  await new Promise((r) => setTimeout(r, downMs));
  return startServer({ port: old.port }, {}, old.dataDir);
}

describe('reconnect', () => {
  it('loses no acknowledged record across a server restart', async () => {
    s = await startServer();
    client = await connect({ port: s.port, reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 100 } });
    await client.createStream('s', { shardCount: 2 });
    const acked = new Set<string>();
    let failed = 0;
    let stop = false;
    const producer = (async () => {
      for (let i = 0; !stop; i++) {
        const batch = Array.from({ length: 10 }, (_, j) => ({ partitionKey: `k${j}`, data: `r${i}.${j}` }));
        try {
          await client!.putRecords('s', batch);
          for (const r of batch) acked.add(r.data);
        } catch (err) {
          // Not acknowledged: lost connection or refused while draining, both typed and retryable.
          expect(isRetryable(err)).toBe(true);
          failed++;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    s = await restart(s, 100);
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await producer;
    const stored = new Set<string>();
    for (const shardId of [SH, 'shardId-000000000001']) {
      for (let offset = 0; ; ) {
        const got = await client.getBatch('s', shardId, { position: { type: 'AT_OFFSET', offset }, maxRecords: 10_000 });
        for (const r of recordsOf(got.batches)) stored.add(r.data.toString());
        if (got.nextOffset === offset) break;
        offset = got.nextOffset;
      }
    }
    expect(acked.size).toBeGreaterThan(0);
    for (const d of acked) expect(stored.has(d)).toBe(true);
    expect(failed).toBeGreaterThanOrEqual(0);
  });

  it('replays an idempotent read that was in flight when the connection dropped', async () => {
    s = await startServer();
    client = await connect({ port: s.port, reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 100 } });
    await client.createStream('s', { shardCount: 1 });
    const poll = client.getBatch('s', SH, { position: { type: 'AT_OFFSET', offset: 0 }, waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
    // The long poll is answered (empty) by the graceful shutdown; a hard drop replays it instead.
    s = await restart(s, 50);
    await client.putRecords('s', [{ partitionKey: 'k', data: 'after restart' }]);
    const got = await poll;
    expect(got.nextOffset).toBeGreaterThanOrEqual(0);
    expect(await client.ping()).toBeGreaterThanOrEqual(0);
  });

  it('resumes a subscription after the server restarts, without gaps or repeats', async () => {
    s = await startServer();
    client = await connect({ port: s.port, reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 100 } });
    await client.createStream('s', { shardCount: 1 });
    const sub = client.subscribe('s', SH, { position: { type: 'TRIM_HORIZON' } });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of sub) {
        for (const r of recordsOf(e.batches)) seen.push(r.data.toString());
        if (seen.length >= 4) break;
      }
    })();
    await client.putRecords('s', [{ partitionKey: 'k', data: 'a' }, { partitionKey: 'k', data: 'b' }]);
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 10));
    s = await restart(s, 50);
    for (;;) {
      try {
        await client.putRecords('s', [{ partitionKey: 'k', data: 'c' }, { partitionKey: 'k', data: 'd' }]);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await reading;
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails queued calls when the server stays away', async () => {
    s = await startServer();
    client = await connect({ port: s.port, reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } });
    await s.stop();
    s = undefined;
    await expect(client.ping()).rejects.toBeDefined();
  });
});

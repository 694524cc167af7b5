// Flow control on real sockets: a consumer that stops reading never makes the server buffer past
// its limit, and a producer that floods is slowed by TCP once the server stops reading it.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, packRecords, type MillraceClient } from '../../../src/client/index.js';
import { FrameWriter, PROTOCOL_VERSION, Features, encodeRequest, type IncomingResponse } from '../../../src/protocol/index.js';
import { RawClient, startServer, type Started } from './helpers.js';

const SH = 'shardId-000000000000';
const PEER_FRAME = 64 * 1024;
const BUFFER_LIMIT = 256 * 1024;

let s: Started;
let producer: MillraceClient;
let r: RawClient;

afterEach(async () => {
  r?.socket.destroy();
  await producer?.close();
  await s?.stop();
});

async function setup(limits: Record<string, number> = {}): Promise<void> {
  s = await startServer({ limits: { maxBufferedBytes: BUFFER_LIMIT, ...limits } });
  producer = await connect({ port: s.port });
  await producer.createStream('s', { shardCount: 1 });
  r = await RawClient.connect(s.port);
  // A small frame limit keeps each response and event small, so the bound below is tight.
  r.socket.write(encodeRequest('Handshake', 1, { minVersion: PROTOCOL_VERSION, maxVersion: PROTOCOL_VERSION, features: Features.SUBSCRIPTIONS, maxFrameBytes: PEER_FRAME, clientName: 'slow' }));
  expect(await r.next()).toMatchObject({ ok: true, command: 'Handshake' });
}

/** Puts `batches` batches of 1000 records of 100 bytes. */
async function fill(batches: number): Promise<number> {
  const { payload, count } = packRecords(Array.from({ length: 1000 }, (_, i) => ({ partitionKey: `k${i % 10}`, data: Buffer.alloc(100, i) })));
  for (let i = 0; i < batches; i++) await producer.putPacked('s', payload, count);
  return batches * count;
}

const settle = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe('a consumer that stops reading', () => {
  it('subscription: the server stops pushing at its buffer limit, then resumes', async () => {
    await setup();
    r.socket.write(encodeRequest('Subscribe', 2, { streamName: 's', shardId: SH, position: { type: 'TRIM_HORIZON' }, recordCredits: 0xffffffff, byteCredits: 0xffffffff, maxRecordsPerEvent: 0 }));
    expect(await r.next()).toMatchObject({ ok: true, command: 'Subscribe' });
    r.socket.pause();
    const total = await fill(300);
    await settle(300);
    const stats = s.server.stats();
    // The kernel's socket buffers took their share; Node's side never held more than the limit plus one event.
    expect(stats.maxBufferedBytesSeen).toBeLessThanOrEqual(BUFFER_LIMIT + PEER_FRAME);
    expect(stats.bufferedBytes).toBeLessThanOrEqual(BUFFER_LIMIT + PEER_FRAME);
    r.socket.resume();
    let received = 0;
    while (received < total) {
      const p = await r.next();
      if (p && 'subscriptionId' in p && p.ok && p.command === 'SubscriptionEvent') for (const b of p.body.batches) received += b.recordCount;
    }
    expect(received).toBe(total);
  });

  it('pipelined reads: no read is started past the buffer limit', async () => {
    await setup();
    await fill(100);
    r.socket.pause();
    const w = new FrameWriter();
    for (let i = 0; i < 300; i++) w.request('GetBatch', 10 + i, { streamName: 's', shardId: SH, position: { type: 'AT_OFFSET', offset: i * 300 }, maxRecords: 0, maxBytes: 0, waitMs: 0 });
    r.socket.write(w.flush());
    await settle(500);
    const stats = s.server.stats();
    expect(stats.maxBufferedBytesSeen).toBeLessThanOrEqual(BUFFER_LIMIT + 2 * PEER_FRAME);
    expect(stats.inFlight).toBeLessThan(300);
    r.socket.resume();
    let answered = 0;
    while (answered < 300) if (((await r.next()) as IncomingResponse).ok) answered++;
  });
});

describe('a producer that floods', () => {
  it('is slowed: at maxInFlight the server stops reading, TCP pushes back, and everything completes later', async () => {
    // The real engine behind a gate the test holds shut, playing a disk that cannot keep up.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let started = 0;
    s = await startServer({
      limits: { maxInFlight: 8 },
      wrap: (mr) => ({ dataDir: mr.dataDir, kinesis: mr.kinesis, fast: { ...mr.fast, putPacked: async (...args) => (started++, await gate, mr.fast.putPacked(...args)) } }),
    });
    producer = await connect({ port: s.port });
    await producer.createStream('s', { shardCount: 1 });
    r = await RawClient.connect(s.port);
    expect(await r.handshake()).toMatchObject({ ok: true });
    const { payload } = packRecords([{ partitionKey: 'k', data: Buffer.alloc(2048, 7) }]);
    const frames = 10_000;
    for (let i = 0; i < frames; i++) r.socket.write(encodeRequest('PutBatch', 100 + i, { streamName: 's', shardId: '', recordCount: 1, codec: 0, rawSize: payload.length, payload }));
    for (const deadline = Date.now() + 5000; started < 8 && Date.now() < deadline; ) await settle(20);
    await settle(200);
    expect(started).toBe(8);
    expect(s.server.stats().inFlight).toBe(8);
    // What the server did not read waits in the producer's own socket: TCP pushed back.
    expect(r.socket.writableLength).toBeGreaterThan(0);
    open();
    let ok = 0;
    while (ok < frames) {
      const res = (await r.next()) as IncomingResponse;
      expect(res.ok).toBe(true);
      ok++;
    }
    expect((await producer.getBatch('s', SH, { position: { type: 'LATEST' } })).nextOffset).toBe(frames);
  });
});

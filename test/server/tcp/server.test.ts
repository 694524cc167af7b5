// The TCP server on 127.0.0.1 with real sockets: the connection lifecycle, authentication, TLS,
// pipelining, limits and graceful shutdown.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, recordsOf, type MillraceClient } from '../../../src/client/index.js';
import { Commands, FrameWriter, WireErrorCode, encodeFrame, encodeRequest, FrameKind, type IncomingResponse } from '../../../src/protocol/index.js';
import { RawClient, selfSignedCert, startServer, type Started } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function started(...args: Parameters<typeof startServer>): Promise<Started> {
  const s = await startServer(...args);
  cleanup.push(() => s.stop());
  return s;
}

async function client(port: number, o: Parameters<typeof connect>[0] = {}): Promise<MillraceClient> {
  const c = await connect({ port, ...o });
  cleanup.push(() => c.close());
  return c;
}

async function raw(port: number): Promise<RawClient> {
  const r = await RawClient.connect(port);
  cleanup.push(async () => void r.socket.destroy());
  return r;
}

describe('connection lifecycle', () => {
  it('answers a handshake with the negotiated parameters', async () => {
    const s = await started({ limits: { maxInFlight: 7, idleTimeoutMs: 1234 } });
    const r = await raw(s.port);
    const hs = await r.handshake(0xffff);
    expect(hs).toMatchObject({ ok: true, command: 'Handshake', body: { version: 1, features: 2, maxInFlight: 7, idleTimeoutMs: 1234, authMethods: 0 } });
  });

  it('refuses an unsupported version and closes', async () => {
    const s = await started();
    const r = await raw(s.port);
    r.socket.write(encodeRequest('Handshake', 1, { minVersion: 7, maxVersion: 9, features: 0, maxFrameBytes: 4096, clientName: 'x' }));
    const res = (await r.next()) as IncomingResponse;
    expect(res).toMatchObject({ ok: false, error: { code: WireErrorCode.MR_UNSUPPORTED_VERSION } });
    await r.waitClosed();
  });

  it('refuses any command before the handshake and closes', async () => {
    const s = await started();
    const r = await raw(s.port);
    r.socket.write(encodeRequest('ListStreams', 5, { limit: 0, exclusiveStartStreamName: '' }));
    expect(await r.next()).toMatchObject({ ok: false, requestId: 5, error: { code: WireErrorCode.MR_UNAUTHENTICATED } });
    await r.waitClosed();
  });

  it('answers a malformed body with MR_PROTOCOL and keeps the connection', async () => {
    const s = await started();
    const r = await raw(s.port);
    await r.handshake();
    r.socket.write(encodeFrame({ version: 1, kind: FrameKind.Request, command: Commands.ListStreams.id, requestId: 9, status: 0 }, Buffer.from([1])));
    r.socket.write(encodeFrame({ version: 1, kind: FrameKind.Request, command: 999, requestId: 10, status: 0 }));
    expect(await r.next()).toMatchObject({ ok: false, requestId: 9, error: { code: WireErrorCode.MR_PROTOCOL } });
    // Unknown to this build too, so read as a raw frame: the id is echoed with the error status.
    expect(await r.nextFrame()).toMatchObject({ requestId: 10, command: 999, status: WireErrorCode.MR_UNKNOWN_COMMAND });
    r.socket.write(encodeRequest('Ping', 11, { payload: Buffer.from('still here') }));
    expect(await r.next()).toMatchObject({ ok: true, requestId: 11 });
  });

  it('refuses a request id that is already in flight', async () => {
    const s = await started();
    const c = await client(s.port);
    await c.createStream('s', { shardCount: 1 });
    const r = await raw(s.port);
    await r.handshake();
    const poll = { streamName: 's', shardId: 'shardId-000000000000', position: { type: 'LATEST' as const }, maxRecords: 0, maxBytes: 0, waitMs: 500 };
    r.socket.write(Buffer.concat([encodeRequest('GetBatch', 3, poll), encodeRequest('GetBatch', 3, poll)]));
    expect(await r.next()).toMatchObject({ ok: false, requestId: 3, error: { code: WireErrorCode.MR_DUPLICATE_REQUEST_ID } });
    expect(await r.next()).toMatchObject({ ok: true, requestId: 3 });
  });

  it('closes on a frame larger than the limit, before reading its body', async () => {
    const s = await started({ limits: { maxFrameBytes: 64 * 1024 } });
    const r = await raw(s.port);
    await r.handshake();
    const head = Buffer.alloc(16);
    head.writeUInt32LE(1 << 30, 0);
    head[4] = 1;
    head.writeUInt16LE(Commands.Ping.id, 6);
    r.socket.write(head);
    expect(await r.next()).toMatchObject({ ok: false, error: { code: WireErrorCode.MR_FRAME_TOO_LARGE } });
    await r.waitClosed();
  });
});

describe('isolation', () => {
  it('closes a connection that sends garbage while another keeps being served', async () => {
    const s = await started();
    const good = await client(s.port);
    await good.createStream('s', { shardCount: 1 });
    const bad = await raw(s.port);
    bad.socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n' + 'x'.repeat(10_000)));
    const put = good.putRecords('s', [{ partitionKey: 'k', data: 'served' }]);
    await bad.waitClosed();
    await expect(put).resolves.toBeDefined();
    expect(await good.ping()).toBeGreaterThanOrEqual(0);
  });
});

describe('authentication', () => {
  const credentials = [{ accessKeyId: 'AKID', secretAccessKey: 'secret' }];

  it('admits a client that knows the secret, and checks the server knows it too', async () => {
    const s = await started({ credentials });
    const c = await client(s.port, { credentials: credentials[0] });
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
  });

  it('refuses a wrong secret, an unknown key and a missing credential', async () => {
    const s = await started({ credentials, limits: { authFailureDelayMs: 10 } });
    await expect(connect({ port: s.port, credentials: { accessKeyId: 'AKID', secretAccessKey: 'wrong' } })).rejects.toMatchObject({ code: 'MR_AUTH_FAILED' });
    await expect(connect({ port: s.port, credentials: { accessKeyId: 'OTHER', secretAccessKey: 'secret' } })).rejects.toMatchObject({ code: 'MR_AUTH_FAILED' });
    await expect(connect({ port: s.port })).rejects.toMatchObject({ code: 'MR_UNAUTHENTICATED' });
  });

  it('refuses commands between handshake and authentication', async () => {
    const s = await started({ credentials });
    const r = await raw(s.port);
    expect(await r.handshake()).toMatchObject({ body: { authMethods: 1 } });
    r.socket.write(encodeRequest('ListStreams', 2, { limit: 0, exclusiveStartStreamName: '' }));
    expect(await r.next()).toMatchObject({ ok: false, error: { code: WireErrorCode.MR_UNAUTHENTICATED } });
    await r.waitClosed();
  });
});

const cert = selfSignedCert();
describe.skipIf(!cert)('TLS (self-signed certificate from openssl)', () => {
  it('serves a client that trusts the certificate, and refuses plaintext', async () => {
    const s = await started({ tls: cert! });
    const c = await client(s.port, { tls: { ca: cert!.cert } });
    await c.createStream('s', { shardCount: 1 });
    await c.putRecords('s', [{ partitionKey: 'k', data: 'over tls' }]);
    expect([...recordsOf((await c.getBatch('s', 'shardId-000000000000')).batches)][0]!.data.toString()).toBe('over tls');
    await expect(connect({ port: s.port, connectTimeoutMs: 2000 })).rejects.toBeDefined();
    await expect(connect({ port: s.port, tls: {} })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });
});

describe('pipelining', () => {
  it('keeps many requests in flight on one connection, in order per shard', async () => {
    const s = await started();
    const c = await client(s.port);
    await c.createStream('s', { shardCount: 1 });
    const puts = Array.from({ length: 500 }, (_, i) => c.putRecords('s', [{ partitionKey: 'k', data: `r${i}` }]));
    const results = await Promise.all(puts);
    expect(results.map((r) => r.results[0]!.firstOffset)).toEqual(results.map((_, i) => i));
    const reads = await Promise.all([0, 100, 200, 300, 400].map((offset) => c.getBatch('s', 'shardId-000000000000', { position: { type: 'AT_OFFSET', offset }, maxRecords: 1 })));
    expect(reads.map((r) => [...recordsOf(r.batches)][0]!.data.toString())).toEqual(['r0', 'r100', 'r200', 'r300', 'r400']);
  });

  it('queues beyond the server maxInFlight and still answers everything', async () => {
    const s = await started({ limits: { maxInFlight: 4 } });
    const c = await client(s.port);
    const pings = await Promise.all(Array.from({ length: 200 }, () => c.ping()));
    expect(pings.length).toBe(200);
  });
});

describe('limits', () => {
  it('tells a connection over the cap to go away with MR_BUSY', async () => {
    const s = await started({ limits: { maxConnections: 2 } });
    await client(s.port);
    await client(s.port);
    await expect(connect({ port: s.port })).rejects.toMatchObject({ code: 'MR_BUSY' });
  });

  it('closes an idle connection with GoAway; the client keeps its own alive with pings', async () => {
    const s = await started({ limits: { idleTimeoutMs: 1000 } });
    const r = await raw(s.port);
    await r.handshake();
    expect(await r.next()).toMatchObject({ command: 'GoAway', ok: true });
    await r.waitClosed();
    const c = await client(s.port);
    await new Promise((res) => setTimeout(res, 2500));
    expect(s.server.stats().connections).toBe(1);
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
  });

  it('closes a connection that never completes the handshake', async () => {
    const s = await started({ limits: { handshakeTimeoutMs: 100 } });
    const r = await raw(s.port);
    await r.waitClosed();
  });
});

describe('graceful shutdown', () => {
  it('answers in-flight requests, sends GoAway, and refuses late ones', async () => {
    const s = await startServer();
    const c = await connect({ port: s.port, reconnect: { maxAttempts: 0 } });
    await c.createStream('s', { shardCount: 1 });
    const poll = c.getBatch('s', 'shardId-000000000000', { position: { type: 'LATEST' }, waitMs: 10_000 });
    const put = c.putRecords('s', [{ partitionKey: 'k', data: 'x' }]);
    await new Promise((r) => setTimeout(r, 20));
    const t = Date.now();
    await s.stop();
    expect(Date.now() - t).toBeLessThan(5000);
    await expect(put).resolves.toBeDefined();
    await expect(poll).resolves.toBeDefined();
    await c.close();
  });
});

describe('a batch of frames per write', () => {
  it('answers frames that arrive together, in one chunk', async () => {
    const s = await started();
    const r = await raw(s.port);
    await r.handshake();
    const w = new FrameWriter();
    for (let i = 0; i < 50; i++) w.request('Ping', 100 + i, { payload: Buffer.from([i]) });
    r.socket.write(w.flush());
    const ids = new Set<number>();
    for (let i = 0; i < 50; i++) ids.add(((await r.next()) as IncomingResponse).requestId);
    expect(ids.size).toBe(50);
  });
});

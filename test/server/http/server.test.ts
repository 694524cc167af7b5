// Transports and lifecycle: HTTP/1.1, h2c (prior knowledge) and TLS (ALPN h2 / http/1.1) on one
// port, garbage on the socket, and graceful shutdown.
import * as net from 'node:net';
import { Writable } from 'node:stream';
import * as tls from 'node:tls';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeH2, connectH2, h1, h2, selfSignedCert, signedHeaders, start, type Started } from './helpers.js';

const cert = selfSignedCert();
const body = '{}';

async function listStreams(s: Started, via: 'h1' | 'h2' | 'h1-tls' | 'h2-tls') {
  const headers = await signedHeaders({ port: s.port, target: 'Kinesis_20131202.ListStreams', body });
  if (via === 'h1' || via === 'h1-tls') return h1(s.port, { headers, body, tls: via === 'h1-tls' });
  const session = await connectH2(via === 'h2' ? `http://127.0.0.1:${s.port}` : `https://127.0.0.1:${s.port}`);
  try {
    return await h2(session, { headers, body });
  } finally {
    await closeH2(session);
  }
}

/**
 * Writes `pieces` on a raw connection to `port`, 30 ms apart, and resolves with what came back by
 * the time the connection closed (it is ended at the first reply).
 */
function rawExchange(port: number, pieces: string[]): Promise<Buffer> {
  return new Promise<Buffer>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', async () => {
      for (const piece of pieces) {
        socket.write(piece, 'latin1');
        await new Promise((r) => setTimeout(r, 30));
      }
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => {
      chunks.push(c);
      socket.end();
    });
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

describe('protocols on one port', () => {
  let plain: Started;
  beforeAll(async () => {
    plain = await start();
  });
  afterAll(() => plain.server.close());

  it('binds 127.0.0.1 and reports an http:// URL', () => {
    expect(plain.server.address).toEqual({ host: '127.0.0.1', port: plain.port, url: `http://127.0.0.1:${plain.port}` });
  });

  it('answers HTTP/1.1 and HTTP/2 with prior knowledge (h2c)', async () => {
    const a = await listStreams(plain, 'h1');
    expect(a.status).toBe(200);
    expect(plain.dispatcher.last.ctx.httpVersion).toBe('1.1');
    const b = await listStreams(plain, 'h2');
    expect(b.status).toBe(200);
    expect(plain.dispatcher.last.ctx.httpVersion).toBe('2');
    expect(b.headers['x-amzn-requestid']).toBeDefined();
  });

  it('multiplexes many concurrent requests on one HTTP/2 session', async () => {
    const session = await connectH2(plain.url);
    const headers = await signedHeaders({ port: plain.port, target: 'Kinesis_20131202.ListStreams', body });
    const replies = await Promise.all(Array.from({ length: 50 }, () => h2(session, { headers, body })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await closeH2(session);
  });

  it('carries a multi-megabyte body over HTTP/2 (flow-control windows)', async () => {
    const big = JSON.stringify({ StreamName: 's', Records: Array.from({ length: 500 }, (_, i) => ({ Data: Buffer.alloc(7000, i).toString('base64'), PartitionKey: String(i) })) });
    const headers = await signedHeaders({ port: plain.port, target: 'Kinesis_20131202.PutRecords', body: big });
    const session = await connectH2(plain.url);
    const reply = await h2(session, { headers, body: big });
    await closeH2(session);
    expect(reply.status).toBe(200);
    expect((plain.dispatcher.last.input.Records as unknown[]).length).toBe(500);
  });

  // The listener usually picks the server from bytes that are already there when it accepts (it
  // looks without taking them); these arrive too few at a time to tell, so it must read and wait.
  it('tells HTTP/1.1 from HTTP/2 when the first bytes arrive a few at a time', async () => {
    // 'P' starts both POST and the HTTP/2 preface.
    const h1Reply = await rawExchange(plain.port, ['P', 'OST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}']);
    expect(h1Reply.toString('latin1')).toMatch(/^HTTP\/1\.1 [0-9]{3}/);
    // The preface in two parts, then an empty SETTINGS frame: the server's first frame is its SETTINGS.
    const h2Reply = await rawExchange(plain.port, ['PRI * HTTP/2.0\r\n', '\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00']);
    expect(h2Reply.length).toBeGreaterThanOrEqual(9);
    expect(h2Reply[3]).toBe(0x04); // frame type SETTINGS
    expect(h2Reply.readUInt32BE(5)).toBe(0); // on stream 0
    expect((await listStreams(plain, 'h2')).status).toBe(200);
  });

  it('answers garbage with 400 and keeps serving', async () => {
    const reply = (await rawExchange(plain.port, ['\x00\x01garbage\r\n\r\n'])).toString('latin1');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await listStreams(plain, 'h1')).status).toBe(200);
  });

  it('refuses TLS when no certificate is configured, and keeps serving', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: plain.port, rejectUnauthorized: false }, () => resolve(socket));
        socket.on('error', reject);
      }),
    ).rejects.toThrow();
    expect((await listStreams(plain, 'h2')).status).toBe(200);
  });
});

describe.skipIf(!cert)('TLS (self-signed certificate from openssl)', () => {
  let secure: Started;
  let both: Started;
  beforeAll(async () => {
    secure = await start({ tls: cert! });
    both = await start({ tls: { ...cert!, allowPlaintext: true } });
  });
  afterAll(async () => {
    await secure.server.close();
    await both.server.close();
  });

  it('reports an https:// URL', () => {
    expect(secure.server.address?.url).toBe(`https://127.0.0.1:${secure.port}`);
  });

  it('answers HTTP/2 (ALPN h2) and HTTP/1.1 (ALPN http/1.1)', async () => {
    expect((await listStreams(secure, 'h2-tls')).status).toBe(200);
    expect(secure.dispatcher.last.ctx.httpVersion).toBe('2');
    expect((await listStreams(secure, 'h1-tls')).status).toBe(200);
    expect(secure.dispatcher.last.ctx.httpVersion).toBe('1.1');
  });

  it('refuses plaintext unless allowPlaintext, which serves all four on one port', async () => {
    await expect(listStreams(secure, 'h1')).rejects.toThrow();
    // An h2c preface on the TLS-only port: the connection is closed without an answer.
    const answer = await rawExchange(secure.port, ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']);
    expect(answer.length).toBe(0);
    for (const via of ['h1', 'h2', 'h1-tls', 'h2-tls'] as const) expect((await listStreams(both, via)).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, ends event streams, refuses new connections, then resolves', async () => {
    const s = await start();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let waiting = 0;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    s.dispatcher.respond = async (call) => {
      if (call.action === 'SubscribeToShard') {
        return {
          EventStream: (async function* () {
            yield { SubscribeToShardEvent: { Records: [], ContinuationSequenceNumber: '1', MillisBehindLatest: 0 } };
            await new Promise((resolve) => call.ctx.signal.addEventListener('abort', resolve));
          })(),
        };
      }
      if (++waiting === 2) entered();
      await gate;
      return { StreamNames: ['still-answered'], HasMoreStreams: false };
    };

    const session = await connectH2(s.url);
    const subHeaders = await signedHeaders({ port: s.port, target: 'Kinesis_20131202.SubscribeToShard', body });
    const subscription = h2(session, { headers: subHeaders, body });
    const headers = await signedHeaders({ port: s.port, target: 'Kinesis_20131202.ListStreams', body });
    const slowH1 = h1(s.port, { headers, body });
    const slowH2 = h2(session, { headers, body });
    await inside;

    const closed = s.server.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(h1(s.port, { headers, body })).rejects.toThrow();

    // The event stream was ended by the shutdown, cleanly (status 200, events delivered).
    const sub = await subscription;
    expect(sub.status).toBe(200);
    expect(sub.body.length).toBeGreaterThan(0);

    release();
    const [a, b] = await Promise.all([slowH1, slowH2]);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body.toString())).toEqual({ StreamNames: ['still-answered'], HasMoreStreams: false });
    expect(a.headers.connection).toBe('close');
    expect(b.status).toBe(200);
    await closed;
    session.destroy();
  });

  it('gives up on requests that outlive shutdownTimeoutMs', async () => {
    const s = await start({ shutdownTimeoutMs: 100 });
    s.dispatcher.respond = () => new Promise(() => {});
    const headers = await signedHeaders({ port: s.port, target: 'Kinesis_20131202.ListStreams', body });
    const stuck = h1(s.port, { headers, body }).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await s.server.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await stuck).toBeInstanceOf(Error);
  });
});

describe('idle connections', () => {
  it('closes an HTTP/2 session and an HTTP/1.1 keep-alive socket with no request for idleTimeoutMs', async () => {
    const s = await start({ idleTimeoutMs: 200 });
    const session = await connectH2(s.url);
    const headers = await signedHeaders({ port: s.port, target: 'Kinesis_20131202.ListStreams', body });
    expect((await h2(session, { headers, body })).status).toBe(200);
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    await goaway;
    await closed;

    // A raw keep-alive HTTP/1.1 connection: the server ends it once it has been quiet.
    const socket = net.connect(s.port, '127.0.0.1');
    const request = `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    socket.write(request);
    let reply = '';
    socket.on('data', (d: Buffer) => (reply += d.toString()));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    await s.server.close();
  });
});

describe('logging', () => {
  it('takes a pino logger', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const s = await start({ logger: pino({ level: 'debug' }, sink) });
    await listStreams(s, 'h1');
    await s.server.close();
    const records = lines.map((l) => JSON.parse(l) as { msg: string });
    expect(records.map((r) => r.msg)).toEqual(expect.arrayContaining(['listening', 'request', 'shutting down', 'closed']));
  });
});

import * as net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { adoptAccepted, deferAccept, peekAccepted } from '../../src/storage/socket-adopt.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

/** A server with pauseOnConnect on 127.0.0.1 and a client connected to it: resolves with both ends. */
async function pair(): Promise<{ accepted: net.Socket; client: net.Socket }> {
  const server = net.createServer({ pauseOnConnect: true });
  cleanup.push(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  cleanup.push(() => client.destroy());
  const [accepted] = (await once(server, 'connection')) as [net.Socket];
  return { accepted, client };
}

describe('adoptAccepted', () => {
  it('owns the connection: reads land in the buffers it names, writes and close go through', async () => {
    const { accepted, client } = await pair();
    const buffers = [Buffer.alloc(5), Buffer.alloc(7)];
    let next = 0;
    const got: string[] = [];
    const handed: Uint8Array[] = [];
    let wake: () => void = () => undefined;
    const own = adoptAccepted(accepted, {
      buffer: () => buffers[next++ % 2]!,
      callback: (n, buf) => {
        handed.push(buf);
        got.push(Buffer.from(buf.buffer, buf.byteOffset, n).toString());
        wake();
      },
    });
    expect(own).toBeInstanceOf(net.Socket);
    cleanup.push(() => own!.destroy());
    await once(accepted, 'close');
    const message = 'hello, millrace: adopted';
    client.write(message);
    while (got.join('') !== message) await new Promise<void>((r) => (wake = r));
    // Every read went into one of the two buffers, at most its size at a time.
    for (const b of handed) expect(buffers).toContain(b);
    for (const part of got) expect(part.length).toBeLessThanOrEqual(7);
    expect(got.length).toBeGreaterThanOrEqual(Math.ceil(message.length / 7));

    own!.write('pong');
    const [reply] = (await once(client, 'data')) as [Buffer];
    expect(reply.toString()).toBe('pong');
    expect(own!.remotePort).toBe(client.localPort);

    client.end();
    await once(own!, 'end');
  });

  it('leaves a socket it cannot reach the descriptor of as it is', async () => {
    const { accepted } = await pair();
    const noHandle = Object.create(accepted, { _handle: { value: null } }) as net.Socket;
    expect(adoptAccepted(noHandle, { buffer: () => Buffer.alloc(1), callback: () => undefined })).toBeUndefined();
    expect(accepted.destroyed).toBe(false);
    accepted.destroy();
  });
});

describe('peekAccepted', () => {
  it('copies the first bytes without taking them: the socket still reads them', async () => {
    const { accepted, client } = await pair();
    const out = Buffer.alloc(4);
    expect(peekAccepted(accepted, out)).toBe(0); // nothing sent yet
    client.write('abcdefgh');
    let n = 0;
    while ((n = peekAccepted(accepted, out)) === 0) await new Promise((r) => setTimeout(r, 5));
    expect(n).toBe(4);
    expect(out.toString()).toBe('abcd');
    expect(peekAccepted(accepted, out)).toBe(4); // still there
    accepted.resume();
    const [data] = (await once(accepted, 'data')) as [Buffer];
    expect(data.toString()).toBe('abcdefgh');
  });

  it('answers 0 for a socket it cannot reach the descriptor of', async () => {
    const { accepted } = await pair();
    const noHandle = Object.create(accepted, { _handle: { value: null } }) as net.Socket;
    expect(peekAccepted(noHandle, Buffer.alloc(4))).toBe(0);
    accepted.destroy();
  });
});

describe('deferAccept', () => {
  it('hands over a connection once its first bytes are there', async () => {
    const server = net.createServer({ pauseOnConnect: true });
    cleanup.push(() => server.close());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    expect(deferAccept(server, 5)).toBe(process.platform === 'linux');
    let accepted: net.Socket | undefined;
    server.on('connection', (s: net.Socket) => {
      accepted = s;
      cleanup.push(() => s.destroy());
    });
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    cleanup.push(() => client.destroy());
    await once(client, 'connect');
    await new Promise((r) => setTimeout(r, 100));
    if (process.platform === 'linux') expect(accepted).toBeUndefined(); // connected, but nothing sent
    client.write('x');
    while (!accepted) await new Promise((r) => setTimeout(r, 5));
    const out = Buffer.alloc(1);
    expect(peekAccepted(accepted, out)).toBe(1);
    expect(out.toString()).toBe('x');
  });
});

import * as net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { adoptAccepted } from '../../src/storage/socket-adopt.js';

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

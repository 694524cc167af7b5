// Shared by the TCP face's tests: a real Millrace in a temp directory behind a real TCP server on
// 127.0.0.1, raw protocol sockets, and a throwaway TLS certificate.
import * as net from 'node:net';
import { Millrace, type MillraceOptions } from '../../../src/millrace.js';
import { FrameDecoder, encodeRequest, decodeServerFrame, PROTOCOL_VERSION, Features, type Frame, type IncomingPush, type IncomingResponse } from '../../../src/protocol/index.js';
import { createTcpServer, type TcpEngine, type TcpServer, type TcpServerOptions } from '../../../src/server/tcp/index.js';
import { tempDir } from '../../helpers/tmp.js';

export interface Started {
  mr: Millrace;
  server: TcpServer;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartOptions extends Partial<TcpServerOptions> {
  /** What the server calls instead of the Millrace itself (a gate in front of it, say). */
  wrap?: (mr: Millrace) => TcpEngine;
}

export async function startServer(o: StartOptions = {}, mrOptions: MillraceOptions = {}, dataDir = tempDir('millrace-tcp-')): Promise<Started> {
  const mr = await Millrace.open({ dataDir, throttling: false, log: { durability: 'never' }, ...mrOptions });
  const { wrap, ...tcp } = o;
  const server = createTcpServer({ port: 0, ...tcp, millrace: wrap ? wrap(mr) : mr });
  const { port } = await server.listen();
  return {
    mr,
    server,
    port,
    dataDir,
    async stop() {
      await server.close();
      await mr.close();
    },
  };
}

/** A raw protocol connection: frames out as written, frames in as decoded. */
export class RawClient {
  readonly socket: net.Socket;
  readonly decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
  readonly frames: Frame[] = [];
  closed = false;
  #waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.frames.push(f);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits for the next frame as received (or the close: undefined). */
  async nextFrame(): Promise<Frame | undefined> {
    while (this.frames.length === 0 && !this.closed) await new Promise<void>((r) => this.#waiters.push(r));
    return this.frames.shift();
  }

  /** Waits for the next frame, decoded (or the close: undefined). */
  async next(): Promise<IncomingResponse | IncomingPush | undefined> {
    const f = await this.nextFrame();
    return f && decodeServerFrame(f);
  }

  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.#waiters.push(r));
  }

  async handshake(features = Features.SUBSCRIPTIONS): Promise<IncomingResponse> {
    this.socket.write(encodeRequest('Handshake', 1, { minVersion: PROTOCOL_VERSION, maxVersion: PROTOCOL_VERSION, features, maxFrameBytes: 16 * 1024 * 1024, clientName: 'raw-test' }));
    return (await this.next()) as IncomingResponse;
  }
}

/** A self-signed certificate for 127.0.0.1 (openssl), or undefined without it: the HTTP face's helper. */
export { selfSignedCert } from '../http/helpers.js';

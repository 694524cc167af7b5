// One connection to a server: socket (plain or TLS), Handshake, Authenticate, then frames both
// ways. It knows nothing of retries: the client (client.ts) opens a new Session after a loss.
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  Features,
  AuthMethods,
  FrameDecoder,
  FrameKind,
  FrameWriter,
  PROTOCOL_VERSION,
  ProtocolError,
  WireErrorCode,
  clientProof,
  decodePush,
  decodeResponse,
  encodeRequest,
  newNonce,
  proofMatches,
  serverProof,
  wireErrorByCode,
  type Frame,
  type HandshakeResponse,
  type IncomingPush,
  type IncomingResponse,
} from '../protocol/index.js';
import { ErrorCodes, IoError, MillraceError } from '../errors.js';
import { remoteError } from './errors.js';
import type { ResolvedConnectOptions } from './options.js';

export interface SessionEvents {
  response(r: IncomingResponse): void;
  push(p: IncomingPush): void;
  /** The socket closed; `error` when it failed. Fired once. */
  closed(error: Error | undefined): void;
}

const HANDSHAKE_ID = 1;
const AUTH_ID = 2;

function openSocket(o: ResolvedConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = o.tls
      ? tls.connect({ host: o.host, port: o.port, servername: o.tls.servername ?? (net.isIP(o.host) ? undefined : o.host), ca: o.tls.ca, rejectUnauthorized: o.tls.rejectUnauthorized ?? true })
      : net.connect({ host: o.host, port: o.port, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new IoError(`connecting to ${o.host}:${o.port} timed out`)), o.connectTimeoutMs);
    socket.once(o.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Reads frames until one answers `requestId`; pushes before it (GoAway: server busy) fail the wait. */
function nextResponse(socket: net.Socket, decoder: FrameDecoder, requestId: number, timeoutMs: number): Promise<IncomingResponse> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | undefined, r?: IncomingResponse) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (err) reject(err);
      else resolve(r!);
    };
    const onData = (chunk: Buffer) => {
      try {
        for (const f of decoder.push(chunk)) {
          if (f.kind === FrameKind.Push) {
            const p = decodePush(f);
            // Turned away at once (connection cap, shutting down): the GoAway's code says why.
            if (p.command === 'GoAway' && p.ok) return done(remoteError({ code: p.body.code, name: wireErrorByCode(p.body.code)?.name, message: p.body.message, retryAfterMs: 0 }));
            continue;
          }
          const r = decodeResponse(f);
          if (r.requestId === requestId) return done(undefined, r);
        }
      } catch (err) {
        done(err as Error);
      }
    };
    const onClose = () => done(new IoError('the server closed the connection during the handshake'));
    const timer = setTimeout(() => done(new IoError('the handshake timed out')), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
  });
}

function ok<C extends IncomingResponse['command']>(r: IncomingResponse, command: C): Extract<IncomingResponse, { command: C; ok: true }> {
  if (!r.ok) throw remoteError(r.error);
  if (r.command !== command) throw new ProtocolError(WireErrorCode.MR_PROTOCOL, `expected a ${command} response, got ${r.command}`, { fatal: true });
  return r as Extract<IncomingResponse, { command: C; ok: true }>;
}

export class Session {
  readonly socket: net.Socket;
  readonly server: HandshakeResponse;
  readonly #decoder: FrameDecoder;
  readonly writer = new FrameWriter();
  #events: SessionEvents | undefined;
  #closed = false;
  #flushScheduled = false;
  /** Time of the last frame sent, for keep-alive pings. */
  lastSentAt = Date.now();

  private constructor(socket: net.Socket, decoder: FrameDecoder, server: HandshakeResponse) {
    this.socket = socket;
    this.#decoder = decoder;
    this.server = server;
  }

  /** Connects, negotiates and authenticates. The first ids (1, 2) are used by the handshake. */
  static async open(o: ResolvedConnectOptions): Promise<Session> {
    const socket = await openSocket(o);
    try {
      // Events and batches from the server routinely span many socket chunks: gathered into one
      // body of the announced size, they are copied once.
      const decoder = new FrameDecoder({ wholeBodies: true });
      socket.write(
        encodeRequest('Handshake', HANDSHAKE_ID, {
          minVersion: PROTOCOL_VERSION,
          maxVersion: PROTOCOL_VERSION,
          // LZ4 is not asked for: this client sends and reads uncompressed batches only.
          features: Features.SUBSCRIPTIONS,
          maxFrameBytes: o.maxFrameBytes,
          clientName: o.clientName,
        }),
      );
      const hs = ok(await nextResponse(socket, decoder, HANDSHAKE_ID, o.connectTimeoutMs), 'Handshake').body;
      decoder.maxFrameBytes = o.maxFrameBytes;
      decoder.version = hs.version;
      if (hs.authMethods !== 0) {
        if (!(hs.authMethods & AuthMethods.HMAC_SHA256)) throw new MillraceError(ErrorCodes.MR_AUTH_FAILED, 'the server asks for an authentication method this client does not know');
        if (!o.credentials) throw new MillraceError(ErrorCodes.MR_UNAUTHENTICATED, 'the server requires authentication: pass credentials to connect()');
        const t = { serverNonce: hs.serverNonce, clientNonce: newNonce(), version: hs.version, features: hs.features, accessKeyId: o.credentials.accessKeyId };
        socket.write(encodeRequest('Authenticate', AUTH_ID, { accessKeyId: t.accessKeyId, clientNonce: t.clientNonce, clientProof: clientProof(o.credentials.secretAccessKey, t) }));
        const auth = ok(await nextResponse(socket, decoder, AUTH_ID, o.connectTimeoutMs + 5000), 'Authenticate').body;
        // Mutual: a server that does not know the secret cannot have computed this.
        if (!proofMatches(serverProof(o.credentials.secretAccessKey, t), auth.serverProof)) {
          throw new MillraceError(ErrorCodes.MR_AUTH_FAILED, "the server's proof is wrong: it does not know this access key's secret");
        }
      }
      return new Session(socket, decoder, hs);
    } catch (err) {
      socket.destroy();
      throw err;
    }
  }

  /** Starts delivering frames to `events`. */
  start(events: SessionEvents): void {
    this.#events = events;
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.#decoder.push(chunk);
      } catch (err) {
        return this.#fail(err as Error);
      }
      for (const f of frames) {
        try {
          if (f.kind === FrameKind.Push) events.push(decodePush(f));
          else events.response(decodeResponse(f));
        } catch (err) {
          return this.#fail(err as Error);
        }
      }
    });
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(undefined));
    socket.resume();
  }

  #fail(err: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.destroy();
    this.#events?.closed(err);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends what the writer holds at the end of this microtask run: one write for every request made meanwhile. */
  scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.writer.frameCount === 0 || this.#closed) return;
    const parts = this.writer.flushParts();
    this.socket.cork();
    for (const p of parts) this.socket.write(p);
    this.socket.uncork();
    this.lastSentAt = Date.now();
  }

  /** Half-closes after what was written. */
  end(): void {
    this.flush();
    this.socket.end();
  }
}

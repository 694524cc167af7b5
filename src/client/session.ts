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
import type { BufferPool } from '../core/buffer-pool.js';
import { ErrorCodes, IoError, MillraceError } from '../errors.js';
import { remoteError } from './errors.js';
import type { ResolvedConnectOptions } from './options.js';

export interface SessionEvents {
  response(r: IncomingResponse): void;
  /** `pooled`: the body pool's buffer the push's bytes are in, for a receiver that may give it back. */
  push(p: IncomingPush, pooled: Buffer | undefined): void;
  /** The socket closed; `error` when it failed. Fired once. */
  closed(error: Error | undefined): void;
}

const HANDSHAKE_ID = 1;
const AUTH_ID = 2;

/**
 * Bytes from the socket as frames, to whoever listens now: the handshake, then the session. A
 * plain socket reads through `onread` into buffers the decoder names (a frame body straight into
 * its own buffer, no 64 KiB chunk allocated per read); a TLS socket through 'data' events.
 */
class Inbox {
  /**
   * Events and batches from the server routinely span many reads: gathered into one body of the
   * announced size, taken from the client's pool (a subscription that reuses buffers gives it back).
   */
  readonly decoder: FrameDecoder;
  frames: (frames: Frame[]) => void = () => undefined;
  failed: (err: Error) => void = () => undefined;
  readonly onread = { buffer: () => this.decoder.readTarget(), callback: (n: number): boolean => (this.#take(() => this.decoder.landed(n)), true) };
  readonly onData = (chunk: Buffer): void => this.#take(() => this.decoder.push(chunk));

  constructor(bodyPool: BufferPool) {
    this.decoder = new FrameDecoder({ wholeBodies: true, bodyPool });
  }

  #take(decode: () => Frame[]): void {
    let frames: Frame[];
    try {
      frames = decode();
    } catch (err) {
      return this.failed(err as Error);
    }
    if (frames.length > 0) this.frames(frames);
  }
}

function openSocket(o: ResolvedConnectOptions, inbox: Inbox): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = o.tls
      ? tls.connect({ host: o.host, port: o.port, servername: o.tls.servername ?? (net.isIP(o.host) ? undefined : o.host), ca: o.tls.ca, rejectUnauthorized: o.tls.rejectUnauthorized ?? true })
      : net.connect({ host: o.host, port: o.port, noDelay: true, onread: inbox.onread });
    if (o.tls) socket.on('data', inbox.onData);
    // Nothing is read until the handshake waits for its answer.
    socket.pause();
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
function nextResponse(socket: net.Socket, inbox: Inbox, requestId: number, timeoutMs: number): Promise<IncomingResponse> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | undefined, r?: IncomingResponse) => {
      clearTimeout(timer);
      inbox.frames = () => undefined;
      inbox.failed = () => undefined;
      socket.off('close', onClose);
      socket.pause();
      if (err) reject(err);
      else resolve(r!);
    };
    inbox.frames = (frames) => {
      try {
        for (const f of frames) {
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
    inbox.failed = (err) => done(err);
    const onClose = () => done(new IoError('the server closed the connection during the handshake'));
    const timer = setTimeout(() => done(new IoError('the handshake timed out')), timeoutMs);
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
  readonly #inbox: Inbox;
  readonly writer = new FrameWriter();
  #events: SessionEvents | undefined;
  #closed = false;
  #flushScheduled = false;
  /** Time of the last frame sent, for keep-alive pings. */
  lastSentAt = Date.now();

  private constructor(socket: net.Socket, inbox: Inbox, server: HandshakeResponse) {
    this.socket = socket;
    this.#inbox = inbox;
    this.server = server;
  }

  /** Connects, negotiates and authenticates. The first ids (1, 2) are used by the handshake. */
  static async open(o: ResolvedConnectOptions, bodyPool: BufferPool): Promise<Session> {
    const inbox = new Inbox(bodyPool);
    const socket = await openSocket(o, inbox);
    const decoder = inbox.decoder;
    try {
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
      const hs = ok(await nextResponse(socket, inbox, HANDSHAKE_ID, o.connectTimeoutMs), 'Handshake').body;
      decoder.maxFrameBytes = o.maxFrameBytes;
      decoder.version = hs.version;
      if (hs.authMethods !== 0) {
        if (!(hs.authMethods & AuthMethods.HMAC_SHA256)) throw new MillraceError(ErrorCodes.MR_AUTH_FAILED, 'the server asks for an authentication method this client does not know');
        if (!o.credentials) throw new MillraceError(ErrorCodes.MR_UNAUTHENTICATED, 'the server requires authentication: pass credentials to connect()');
        const t = { serverNonce: hs.serverNonce, clientNonce: newNonce(), version: hs.version, features: hs.features, accessKeyId: o.credentials.accessKeyId };
        socket.write(encodeRequest('Authenticate', AUTH_ID, { accessKeyId: t.accessKeyId, clientNonce: t.clientNonce, clientProof: clientProof(o.credentials.secretAccessKey, t) }));
        const auth = ok(await nextResponse(socket, inbox, AUTH_ID, o.connectTimeoutMs + 5000), 'Authenticate').body;
        // Mutual: a server that does not know the secret cannot have computed this.
        if (!proofMatches(serverProof(o.credentials.secretAccessKey, t), auth.serverProof)) {
          throw new MillraceError(ErrorCodes.MR_AUTH_FAILED, "the server's proof is wrong: it does not know this access key's secret");
        }
      }
      return new Session(socket, inbox, hs);
    } catch (err) {
      socket.destroy();
      throw err;
    }
  }

  /** Starts delivering frames to `events`. */
  start(events: SessionEvents): void {
    this.#events = events;
    const socket = this.socket;
    this.#inbox.failed = (err) => this.#fail(err);
    this.#inbox.frames = (frames) => {
      for (const f of frames) {
        try {
          if (f.kind === FrameKind.Push) events.push(decodePush(f), f.pooled);
          else events.response(decodeResponse(f));
        } catch (err) {
          return this.#fail(err as Error);
        }
      }
    };
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

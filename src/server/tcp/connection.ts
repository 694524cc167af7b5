// One client connection: frames in, handlers called, responses and pushes out.
//
// Flow control (docs/PROTOCOL.md#flow-control-and-limits). Frames decoded from a chunk wait in a
// backlog and are started only while the connection has fewer than maxInFlight unanswered
// requests, fewer than maxBufferedBytes of unsent output, and the server is below its total of
// request bytes in processing. Otherwise the socket is paused: the kernel's receive buffer fills
// and TCP slows the producer. A backlog holds at most the frames of one chunk, so memory per
// connection is bounded by the limits, whatever the peer sends.
import type { Socket } from 'node:net';
import {
  AuthMethods,
  Commands,
  FrameDecoder,
  Features,
  MAX_FRAME_BYTES_CEILING,
  PREAMBLE_MAX_FRAME_BYTES,
  ProtocolError,
  WireErrorCode,
  admit,
  chooseVersion,
  clientProof,
  decodeRequest,
  grantFeatures,
  newNonce,
  proofMatches,
  serverProof,
  type CallName,
  type Frame,
  type IncomingRequest,
  type RequestOf,
  type SessionPhase,
  type WireErrorInit,
} from '../../protocol/index.js';
import type { CheckpointStore } from './checkpoints.js';
import { handlers, type HandledCommand } from './handlers/index.js';
import type { HandlerContext } from './handlers/context.js';
import type { Logger, TcpEngine, TcpLimits } from './options.js';
import type { BufferPool } from '../../core/buffer-pool.js';
import { Outbox } from './outbox.js';
import { SubscriptionSet } from './subscriptions.js';
import { toWireError } from './wire-errors.js';

/**
 * Features this server grants. Not LZ4: the fast API it calls takes records, not compressed
 * batches, so an LZ4 put would be decompressed here on the event loop for nothing.
 */
const SERVER_FEATURES = Features.SUBSCRIPTIONS;
/** A connection being closed after a fatal error gets this long to take its last frame. */
const LINGER_MS = 2000;

/** What connections share: the server's state and configuration. */
export interface ConnectionHost {
  readonly mr: TcpEngine;
  readonly limits: TcpLimits;
  readonly checkpoints: CheckpointStore;
  readonly credentials: ReadonlyMap<string, string>;
  readonly serverName: string;
  readonly logger: Logger;
  /**
   * Buffers for request bodies split across socket reads. PutBatch bodies come back once the put
   * settles: its appends have written them (or copied them per shard) by then.
   */
  readonly bodyPool: BufferPool;
  /** Request bytes being processed across all connections. */
  inFlightBytes: number;
  /** A connection waits for the server's total to fall. */
  blockOnServer(c: Connection): void;
  /** Unsent output of one connection after a write, for the high-water statistic. */
  noteBuffered(bytes: number): void;
  /** A request finished: wake connections waiting for the total to fall. */
  released(): void;
  closed(c: Connection): void;
}

/** Reads into buffers the decoder names (net.Socket's `onread` with a buffer function). */
export interface ByobReads {
  buffer: () => Buffer;
  callback: (bytesRead: number) => void;
}

/**
 * Gives the connection its socket: one made with `onread` (byob: true, data arrives through it),
 * or one read through 'data' events (byob: false) where that is not possible (TLS, say).
 */
export type AttachSocket = (onread: ByobReads) => { socket: Socket; byob: boolean };

export class Connection {
  readonly socket: Socket;
  readonly #host: ConnectionHost;
  readonly #decoder: FrameDecoder;
  readonly outbox: Outbox;
  readonly #abort = new AbortController();
  readonly #nonce = newNonce();
  readonly subscriptions: SubscriptionSet;
  #phase: SessionPhase = 'handshake';
  #version = 1;
  #features = 0;
  #peerMaxFrameBytes = PREAMBLE_MAX_FRAME_BYTES;
  readonly #inFlight = new Set<number>();
  #backlog: Frame[] = [];
  #backlogAt = 0;
  /** An Authenticate is being answered: nothing else is started meanwhile. */
  #authenticating = false;
  #draining = false;
  #closing = false;
  #timer: NodeJS.Timeout | undefined;
  #ctx: HandlerContext | undefined;
  /** Response bytes the GetBatch requests in flight may produce: reads are not started past the output limit. */
  #reserved = 0;

  constructor(attach: Socket | AttachSocket, host: ConnectionHost) {
    this.#host = host;
    this.#decoder = new FrameDecoder({ bodyPool: host.bodyPool });
    const onread: ByobReads = { buffer: () => this.#decoder.readTarget(), callback: (n) => this.#onLanded(n) };
    const { socket, byob } = typeof attach === 'function' ? attach(onread) : { socket: attach, byob: false };
    this.socket = socket;
    this.outbox = new Outbox(
      socket,
      (err) => {
        host.logger.error({ err }, 'tcp: encoding a response failed; closing the connection');
        socket.destroy();
      },
      (bytes) => host.noteBuffered(bytes),
    );
    this.subscriptions = new SubscriptionSet(this, host.mr, host.limits);
    socket.setNoDelay(true);
    if (!byob) socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => {
      this.pump();
      this.subscriptions.writable();
    });
    socket.on('error', (err) => host.logger.debug({ err: err.message }, 'tcp: socket error'));
    socket.on('close', () => this.#onClose());
    this.#timer = setTimeout(() => this.#expire('handshake timeout'), host.limits.handshakeTimeoutMs);
  }

  get peerMaxFrameBytes(): number {
    return this.#peerMaxFrameBytes;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Unsent output is below the limit: more may be produced. */
  get writable(): boolean {
    return this.outbox.bufferedBytes < this.#host.limits.maxBufferedBytes && !this.socket.destroyed;
  }

  /** Output plus what the reads in flight may still add stays below the limit: another request may start. */
  get #canStart(): boolean {
    return this.#reserved === 0 || this.outbox.bufferedBytes + this.#reserved < this.#host.limits.maxBufferedBytes;
  }

  #onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#fatal(err);
      return;
    }
    this.#received(frames);
  }

  /** BYOB: `n` bytes landed where the decoder asked. */
  #onLanded(n: number): void {
    let frames: Frame[];
    try {
      frames = this.#decoder.landed(n);
    } catch (err) {
      this.#fatal(err);
      return;
    }
    this.#received(frames);
  }

  #received(frames: Frame[]): void {
    if (this.#phase === 'ready') this.#timer?.refresh();
    if (frames.length === 0) return;
    if (this.#backlogAt >= this.#backlog.length) {
      this.#backlog = frames;
      this.#backlogAt = 0;
    } else {
      for (const f of frames) this.#backlog.push(f);
    }
    this.pump();
  }

  /** Starts waiting frames while the limits allow, and pauses or resumes reading accordingly. */
  pump(): void {
    const { limits } = this.#host;
    while (this.#backlogAt < this.#backlog.length && !this.#closing) {
      if (this.#authenticating || this.#inFlight.size >= limits.maxInFlight || !this.writable || !this.#canStart) break;
      if (this.#host.inFlightBytes >= limits.maxServerInFlightBytes) {
        this.#host.blockOnServer(this);
        break;
      }
      const frame = this.#backlog[this.#backlogAt]!;
      this.#backlog[this.#backlogAt++] = undefined as unknown as Frame;
      this.#handle(frame);
    }
    const waiting = this.#backlogAt < this.#backlog.length;
    if (!waiting && this.#backlogAt > 0) {
      this.#backlog = [];
      this.#backlogAt = 0;
    }
    if (waiting || !this.writable || !this.#canStart || this.#inFlight.size >= limits.maxInFlight) this.socket.pause();
    else if (!this.#closing) this.socket.resume();
  }

  #answerError(command: number, requestId: number, error: WireErrorInit): void {
    this.outbox.writer.errorResponse(command, requestId, error);
    this.outbox.schedule();
  }

  #handle(frame: Frame): void {
    let req: IncomingRequest;
    try {
      req = decodeRequest(frame);
    } catch (err) {
      if (!(err instanceof ProtocolError) || err.fatal) return this.#fatal(err);
      this.#answerError(frame.command, frame.requestId, { code: err.wireCode, message: err.message });
      if (this.#phase !== 'ready') this.#closeAfterFlush();
      return;
    }
    const spec = Commands[req.command];
    const refusal = admit(spec, this.#phase, this.#features);
    if (refusal) {
      this.#answerError(spec.id, req.requestId, refusal);
      if (refusal.close) this.#closeAfterFlush();
      return;
    }
    if (this.#inFlight.has(req.requestId)) {
      return this.#answerError(spec.id, req.requestId, { code: WireErrorCode.MR_DUPLICATE_REQUEST_ID, message: `request id ${req.requestId} is in flight` });
    }
    if (this.#draining) return this.#answerError(spec.id, req.requestId, { code: WireErrorCode.MR_SHUTTING_DOWN, message: 'the server is shutting down' });
    switch (req.command) {
      case 'Handshake':
        return this.#handshake(req.requestId, req.body);
      case 'Authenticate':
        return this.#authenticate(req.requestId, req.body);
      case 'Subscribe':
      case 'GrantCredits':
      case 'Unsubscribe':
        return this.#run(req.command, req.requestId, frame.body.length, () => this.subscriptions.command(req));
      case 'GetBatch': {
        const reserve = Math.min(req.body.maxBytes || this.#host.limits.defaultMaxBytes, this.#peerMaxFrameBytes);
        this.#reserved += reserve;
        return this.#run(req.command, req.requestId, frame.body.length, () => handlers.GetBatch(this.#context(), req.body), reserve);
      }
      case 'PutBatch': {
        const pooled = frame.pooled;
        return this.#run(req.command, req.requestId, frame.body.length, () => handlers.PutBatch(this.#context(), req.body), 0, pooled && (() => this.#host.bodyPool.release(pooled)));
      }
      default:
        return this.#run(req.command, req.requestId, frame.body.length, () =>
          (handlers[req.command as HandledCommand] as (ctx: HandlerContext, body: unknown) => Promise<unknown>)(this.#context(), req.body),
        );
    }
  }

  #context(): HandlerContext {
    const host = this.#host;
    return (this.#ctx ??= { mr: host.mr, limits: host.limits, checkpoints: host.checkpoints, peerMaxFrameBytes: this.#peerMaxFrameBytes, signal: this.#abort.signal });
  }

  /** Runs a request: counted in flight until its response is queued; `settled` runs once it has. */
  #run(command: CallName, requestId: number, bytes: number, call: () => Promise<unknown>, reserved = 0, settled?: () => void): void {
    const host = this.#host;
    this.#inFlight.add(requestId);
    host.inFlightBytes += bytes;
    const spec = Commands[command];
    let done: Promise<unknown>;
    try {
      done = call();
    } catch (err) {
      done = Promise.reject(err);
    }
    done
      .then(
        (body) => {
          if (spec.response.size(body as never) + 16 > this.#peerMaxFrameBytes) {
            this.outbox.writer.errorResponse(spec.id, requestId, { code: WireErrorCode.MR_FRAME_TOO_LARGE, message: `the ${command} response exceeds the client's frame limit` });
          } else {
            this.outbox.writer.response(command, requestId, body as never);
          }
        },
        (err: unknown) => {
          const e = toWireError(err);
          if (e.internal) host.logger.error({ err, command }, 'tcp: request failed');
          this.outbox.writer.errorResponse(spec.id, requestId, e);
        },
      )
      .finally(() => {
        settled?.();
        this.#inFlight.delete(requestId);
        host.inFlightBytes -= bytes;
        this.#reserved -= reserved;
        this.outbox.schedule();
        host.released();
        if (this.#draining) this.#finishDrain();
        else this.pump();
      });
  }

  #handshake(requestId: number, body: RequestOf<'Handshake'>): void {
    const { limits, credentials } = this.#host;
    const version = chooseVersion(body.minVersion, body.maxVersion);
    if (version === undefined) {
      this.#answerError(Commands.Handshake.id, requestId, { code: WireErrorCode.MR_UNSUPPORTED_VERSION, message: 'no protocol version in common' });
      return this.#closeAfterFlush();
    }
    this.#version = version;
    this.#features = grantFeatures(body.features, SERVER_FEATURES);
    this.#peerMaxFrameBytes = Math.min(body.maxFrameBytes, MAX_FRAME_BYTES_CEILING);
    this.outbox.writer.response('Handshake', requestId, {
      version,
      features: this.#features,
      maxFrameBytes: limits.maxFrameBytes,
      maxInFlight: limits.maxInFlight,
      idleTimeoutMs: limits.idleTimeoutMs,
      authMethods: credentials.size > 0 ? AuthMethods.HMAC_SHA256 : 0,
      serverNonce: this.#nonce,
      serverName: this.#host.serverName,
    });
    this.outbox.schedule();
    this.#decoder.maxFrameBytes = limits.maxFrameBytes;
    this.#decoder.version = version;
    if (credentials.size > 0) this.#phase = 'auth';
    else this.#ready();
  }

  #authenticate(requestId: number, body: RequestOf<'Authenticate'>): void {
    const secret = this.#host.credentials.get(body.accessKeyId);
    const transcript = { serverNonce: this.#nonce, clientNonce: body.clientNonce, version: this.#version, features: this.#features, accessKeyId: body.accessKeyId };
    // An unknown key id costs the same HMAC as a known one, so timing does not tell them apart.
    const expected = clientProof(secret ?? '', transcript);
    if (secret !== undefined && proofMatches(expected, body.clientProof)) {
      this.outbox.writer.response('Authenticate', requestId, { serverProof: serverProof(secret, transcript) });
      this.outbox.schedule();
      this.#ready();
      return;
    }
    this.#host.logger.info({ accessKeyId: body.accessKeyId, peer: this.socket.remoteAddress }, 'tcp: authentication failed');
    this.#authenticating = true;
    setTimeout(() => {
      this.#answerError(Commands.Authenticate.id, requestId, { code: WireErrorCode.MR_AUTH_FAILED, message: 'unknown access key id or wrong proof' });
      this.#closeAfterFlush();
    }, this.#host.limits.authFailureDelayMs).unref();
  }

  #ready(): void {
    this.#phase = 'ready';
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const idle = this.#host.limits.idleTimeoutMs;
    if (idle > 0) this.#timer = setTimeout(() => this.#expire('idle timeout'), idle);
  }

  #expire(why: string): void {
    this.#host.logger.debug({ peer: this.socket.remoteAddress, why }, 'tcp: closing connection');
    if (this.#phase === 'ready') this.outbox.writer.push('GoAway', 0, { code: 0, message: why });
    this.#closeAfterFlush();
  }

  /** A framing error: frame boundaries are lost. One error frame, then close. */
  #fatal(err: unknown): void {
    if (err instanceof ProtocolError) {
      const ids = err.details as { requestId?: number; command?: number };
      this.outbox.writer.errorResponse(ids.command ?? 0, ids.requestId ?? 0, { code: err.wireCode, message: err.message });
    } else {
      this.#host.logger.error({ err }, 'tcp: connection failed');
    }
    this.#closeAfterFlush();
  }

  /** Stops reading, sends what is queued, ends the socket; destroys it if the peer does not take it. */
  #closeAfterFlush(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.socket.pause();
    this.subscriptions.endAll();
    this.outbox.flushNow();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  /** Graceful shutdown: GoAway, finish what was received, then close. */
  goAway(message: string): void {
    if (this.#closing || this.#draining) return;
    this.#draining = true;
    // Long polls answer now, with what they have: in-flight requests finish promptly.
    this.#abort.abort(new Error(message));
    this.outbox.writer.push('GoAway', 0, { code: 0, message });
    this.subscriptions.endAll({ code: WireErrorCode.MR_SHUTTING_DOWN, message });
    this.outbox.schedule();
    this.#finishDrain();
  }

  #finishDrain(): void {
    // Requests that arrived before the GoAway are answered; the backlog is refused.
    for (; this.#backlogAt < this.#backlog.length; this.#backlogAt++) {
      const f = this.#backlog[this.#backlogAt]!;
      if (f.kind === 0) this.#answerError(f.command, f.requestId, { code: WireErrorCode.MR_SHUTTING_DOWN, message: 'the server is shutting down' });
    }
    this.#backlog = [];
    this.#backlogAt = 0;
    if (this.#inFlight.size === 0 && !this.#authenticating) this.#closeAfterFlush();
    else this.socket.resume();
  }

  /** Immediate close (shutdown timeout). */
  destroy(): void {
    this.socket.destroy();
  }

  #onClose(): void {
    clearTimeout(this.#timer);
    this.#closing = true;
    this.#abort.abort(new Error('connection closed'));
    this.subscriptions.endAll();
    this.#host.closed(this);
  }
}

// The TCP client: typed operations over one pipelined connection, reconnecting with backoff.
//
// Pipelining: calls are written as they come (many per socket write) up to the server's
// maxInFlight; the rest wait in a bounded local queue. Responses may come in any order.
//
// Reconnect: when the connection is lost, requests that are safe to send twice (reads, listings,
// checkpoints: idempotent) are sent again on the next connection. Requests that change state and
// were not answered (PutBatch, CreateStream, resharding...) fail with ConnectionLostError: the
// server may or may not have applied them, protocol version 1 has no request-id dedupe across
// connections, and a blind replay could write a batch twice. The caller (or the Producer, which
// retries) decides, knowing that a retry makes delivery at-least-once.
import { BufferPool } from '../core/buffer-pool.js';
import { ClosedError, ErrorCodes, InvalidArgumentError, MillraceError } from '../errors.js';
import { Commands, encodeBody, type CallName, type IncomingPush, type IncomingResponse, type RequestOf, type ResponseOf } from '../protocol/index.js';
import { ConnectionLostError, isRetryable, remoteError } from './errors.js';
import type { ResolvedConnectOptions } from './options.js';
import { Session } from './session.js';

/** Commands that may be sent again after a lost connection: they change nothing, or set a value. */
const REPLAYABLE: ReadonlySet<CallName> = new Set<CallName>(['Ping', 'DescribeStreamSummary', 'ListStreams', 'ListShards', 'GetBatch', 'GetShardIterator', 'CommitCheckpoint', 'FetchCheckpoint']);

interface Call {
  command: CallName;
  body: unknown;
  resolve(body: unknown): void;
  reject(err: unknown): void;
  /** Bound to one connection (subscription commands): never queued or replayed. */
  session?: Session;
  /** Runs as the response is decoded, before frames after it: a Subscribe routes its pushes here. */
  onOk?(body: unknown): void;
}

/** Something pushed to by the server on one connection (a subscription). */
export interface PushReceiver {
  /** `pooled`: the body pool's buffer the push is in; the receiver gives it back (release) once nothing views it, or leaves it to the GC. */
  push(p: IncomingPush, pooled: Buffer | undefined): void;
  /** A new connection is up: subscribe again there. */
  attached(client: TcpConnection): void;
  /** The connection that carried it is gone. */
  detached(): void;
}

/** What subscriptions use of the client: calls bound to the current connection. */
export interface TcpConnection {
  readonly session: Session | undefined;
  /** Where frame bodies come from, on every connection of this client. */
  readonly bodyPool: BufferPool;
  callOn<C extends CallName>(session: Session, command: C, body: RequestOf<C>, onOk?: (body: ResponseOf<C>) => void): Promise<ResponseOf<C>>;
  route(session: Session, subscriptionId: number, receiver: PushReceiver | undefined): void;
}

type State = 'ready' | 'draining' | 'connecting' | 'idle' | 'closed';

export class ClientCore implements TcpConnection {
  readonly options: ResolvedConnectOptions;
  #session: Session | undefined;
  #state: State = 'idle';
  #queue: Call[] = [];
  #queueAt = 0;
  readonly #pending = new Map<number, Call>();
  #nextId = 3;
  #attempts = 0;
  #timer: NodeJS.Timeout | undefined;
  #ping: NodeJS.Timeout | undefined;
  readonly #routes = new Map<number, PushReceiver>();
  readonly receivers = new Set<PushReceiver>();
  #closed: Promise<void> | undefined;
  /**
   * Frame bodies over a read's worth of bytes. Each was a new buffer of up to 1 MiB per
   * subscription event: external memory that V8 answers with full collections, and fresh pages
   * to fault in. Subscriptions that reuse buffers give theirs back; the rest are left to the GC.
   */
  readonly bodyPool = new BufferPool({ maxBuffers: 64, maxBytes: 64 * 1024 * 1024 });

  constructor(options: ResolvedConnectOptions) {
    this.options = options;
  }

  get session(): Session | undefined {
    return this.#state === 'ready' ? this.#session : undefined;
  }

  /** The first connection: fails at once rather than retrying, so that a wrong address is reported. */
  async start(): Promise<void> {
    this.#attach(await Session.open(this.options, this.bodyPool));
  }

  call<C extends CallName>(command: C, body: RequestOf<C>): Promise<ResponseOf<C>> {
    return new Promise<ResponseOf<C>>((resolve, reject) => {
      if (this.#state === 'closed') return reject(new ClosedError('the client is closed'));
      if (this.#queue.length - this.#queueAt >= this.options.maxQueuedRequests) {
        return reject(new MillraceError(ErrorCodes.MR_BUSY, `more than ${this.options.maxQueuedRequests} requests are waiting`));
      }
      checkEncodable(command, body);
      this.#queue.push({ command, body, resolve: resolve as (b: unknown) => void, reject });
      if (this.#state === 'idle') this.#reconnect();
      else this.#dispatch();
    });
  }

  callOn<C extends CallName>(session: Session, command: C, body: RequestOf<C>, onOk?: (body: ResponseOf<C>) => void): Promise<ResponseOf<C>> {
    return new Promise<ResponseOf<C>>((resolve, reject) => {
      if (session !== this.#session || session.closed) return reject(new ConnectionLostError('the connection is gone'));
      checkEncodable(command, body);
      this.#send(session, { command, body, resolve: resolve as (b: unknown) => void, reject, session, onOk: onOk as ((b: unknown) => void) | undefined });
      session.scheduleFlush();
    });
  }

  route(session: Session, subscriptionId: number, receiver: PushReceiver | undefined): void {
    if (session !== this.#session) return;
    if (receiver) this.#routes.set(subscriptionId, receiver);
    else this.#routes.delete(subscriptionId);
  }

  #send(session: Session, c: Call): void {
    let id = this.#nextId;
    while (this.#pending.has(id) || id < 3) id = id >= 0xffffffff ? 3 : id + 1;
    this.#nextId = id >= 0xffffffff ? 3 : id + 1;
    session.writer.request(c.command, id, c.body as never);
    this.#pending.set(id, c);
  }

  #dispatch(): void {
    const s = this.#session;
    if (this.#state !== 'ready' || !s) return;
    const max = s.server.maxInFlight;
    let sent = false;
    while (this.#queueAt < this.#queue.length && this.#pending.size < max) {
      const c = this.#queue[this.#queueAt]!;
      this.#queue[this.#queueAt++] = undefined as unknown as Call;
      this.#send(s, c);
      sent = true;
    }
    if (this.#queueAt === this.#queue.length) {
      this.#queue = [];
      this.#queueAt = 0;
    }
    if (sent) s.scheduleFlush();
  }

  #attach(session: Session): void {
    this.#session = session;
    this.#state = 'ready';
    this.#attempts = 0;
    session.start({
      response: (r) => this.#onResponse(session, r),
      push: (p, pooled) => this.#onPush(session, p, pooled),
      closed: (err) => this.#onClosed(session, err),
    });
    const idle = session.server.idleTimeoutMs;
    if (idle > 0) {
      // A quiet connection pings by half the server's idle timeout: the other half is slack for a
      // busy event loop on either side.
      this.#ping = setInterval(() => {
        if (Date.now() - session.lastSentAt >= idle / 4) this.callOn(session, 'Ping', { payload: Buffer.alloc(0) }).catch(() => undefined);
      }, Math.max(10, Math.floor(idle / 4)));
      this.#ping.unref();
    }
    for (const r of this.receivers) r.attached(this);
    this.#dispatch();
  }

  #onResponse(session: Session, r: IncomingResponse): void {
    const c = this.#pending.get(r.requestId);
    if (!c) return;
    this.#pending.delete(r.requestId);
    if (r.ok) {
      c.onOk?.(r.body);
      c.resolve(r.body);
    } else {
      c.reject(remoteError(r.error));
    }
    if (this.#state === 'draining' && session === this.#session) {
      if (this.#pending.size === 0) session.end();
    } else {
      this.#dispatch();
    }
  }

  #onPush(session: Session, p: IncomingPush, pooled: Buffer | undefined): void {
    if (p.command === 'GoAway') {
      // Stop sending here; what was sent is answered, then the server closes and we reconnect.
      if (this.#state === 'ready') this.#state = 'draining';
      if (this.#pending.size === 0) session.end();
      return;
    }
    const receiver = this.#routes.get(p.subscriptionId);
    if (receiver) receiver.push(p, pooled);
    // Unsubscribed meanwhile: nothing holds the body.
    else if (pooled) this.bodyPool.release(pooled);
  }

  #onClosed(session: Session, err: Error | undefined): void {
    if (session !== this.#session) return;
    this.#session = undefined;
    clearInterval(this.#ping);
    this.#routes.clear();
    const replay: Call[] = [];
    for (const c of this.#pending.values()) {
      if (!c.session && REPLAYABLE.has(c.command)) replay.push(c);
      else c.reject(new ConnectionLostError(`the connection closed before the ${c.command} response: it may or may not have been applied`, err));
    }
    this.#pending.clear();
    this.#queue = [...replay, ...this.#queue.slice(this.#queueAt)];
    this.#queueAt = 0;
    for (const r of this.receivers) r.detached();
    if (this.#state === 'closed') return;
    this.#state = 'idle';
    if (this.#queue.length > 0 || this.receivers.size > 0) this.#reconnect();
  }

  #reconnect(lastError?: unknown): void {
    const r = this.options.reconnect;
    if (this.#attempts >= r.maxAttempts || (lastError !== undefined && !isRetryable(lastError) && !isTransient(lastError))) {
      this.#attempts = 0;
      this.#state = 'idle';
      const err = lastError ?? new ConnectionLostError('reconnecting is disabled');
      const queued = this.#queue.slice(this.#queueAt);
      this.#queue = [];
      this.#queueAt = 0;
      for (const c of queued) c.reject(err);
      return;
    }
    this.#state = 'connecting';
    const delay = this.#attempts === 0 && lastError === undefined ? 0 : Math.min(r.maxDelayMs, r.initialDelayMs * 2 ** this.#attempts) * (0.5 + Math.random() / 2);
    this.#attempts++;
    this.#timer = setTimeout(() => {
      Session.open(this.options, this.bodyPool).then(
        (s) => {
          if (this.#state === 'closed') s.socket.destroy();
          else this.#attach(s);
        },
        (err: unknown) => {
          if (this.#state !== 'closed') this.#reconnect(err);
        },
      );
    }, delay);
  }

  /** Fails queued calls, ends the connection after in-flight calls are answered (or at once with `force`). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const s = this.#session;
      this.#state = 'closed';
      clearTimeout(this.#timer);
      clearInterval(this.#ping);
      for (const c of this.#queue.slice(this.#queueAt)) c.reject(new ClosedError('the client was closed'));
      this.#queue = [];
      this.#queueAt = 0;
      for (const r of [...this.receivers]) r.detached();
      this.receivers.clear();
      if (!s || s.closed) return;
      const closed = new Promise<void>((resolve) => s.socket.once('close', () => resolve()));
      s.end();
      const timer = setTimeout(() => s.socket.destroy(), 5000);
      await closed;
      clearTimeout(timer);
    })();
    return this.#closed;
  }
}

/** Socket-level failures (refused, reset, timed out) are worth another attempt. */
function isTransient(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('E');
}

/**
 * Catches at call time what a codec would refuse only when the frame is written (a string over its
 * length prefix, an integer out of range), so one bad call cannot spoil a batch of frames. PutBatch
 * is checked by hand: encoding it here would copy its payload.
 */
function checkEncodable(command: CallName, body: unknown): void {
  if (command === 'PutBatch') {
    const b = body as RequestOf<'PutBatch'>;
    if (Buffer.byteLength(b.streamName) > 255 || Buffer.byteLength(b.shardId) > 255) throw new InvalidArgumentError('stream names and shard ids are at most 255 bytes');
    return;
  }
  encodeBody(Commands[command].request as never, body);
}

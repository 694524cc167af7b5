// A subscription as an async iterator of events, granting credit as the caller consumes.
//
// The server sends only within the credit granted, so what this side buffers is bounded by the
// window: `recordWindow` records and `byteWindow` payload bytes (plus one record of overshoot).
// Credit is granted back in halves of the window as events are taken from the iterator, so a slow
// loop body slows the server, never piles up memory. After a lost connection the subscription
// resumes on the next one from the offset after the last event it received.
import { InvalidArgumentError } from '../errors.js';
import type { IncomingPush, Position, RecordsResult } from '../protocol/index.js';
import type { PushReceiver, TcpConnection } from './client.js';
import { ConnectionLostError, remoteError } from './errors.js';

export interface SubscribeOptions {
  /** Where to start. Default LATEST. */
  position?: Position;
  /** Records the server may send ahead of the loop. Default 10 000. */
  recordWindow?: number;
  /** Payload bytes the server may send ahead of the loop. Default 8 MiB. */
  byteWindow?: number;
  /** Default: the server's. */
  maxRecordsPerEvent?: number;
  /**
   * Reuse each event's memory for a later one: an event, its batches and every view into them
   * (a cursor's `data()`, a record's `data`) are valid only until the iterator's next call of
   * `next()`, that is the loop's next turn. Copy what must outlive it. Each event is otherwise a
   * new buffer of up to 1 MiB (external memory, which V8 answers with full collections, and fresh
   * pages to fault in). Default false.
   */
  reuseBuffers?: boolean;
  signal?: AbortSignal;
}

export type SubscriptionEvent = RecordsResult;

function payloadBytes(e: RecordsResult): number {
  let n = 0;
  for (const b of e.batches) n += b.payload.length;
  return n;
}

function recordsIn(e: RecordsResult): number {
  let n = 0;
  for (const b of e.batches) n += b.recordCount;
  return n;
}

export class Subscription implements AsyncIterableIterator<SubscriptionEvent>, PushReceiver {
  readonly streamName: string;
  readonly shardId: string;
  readonly #client: TcpConnection & { receivers: Set<PushReceiver> };
  readonly #recordWindow: number;
  readonly #byteWindow: number;
  readonly #maxPerEvent: number;
  readonly #reuse: boolean;
  #position: Position;
  #events: SubscriptionEvent[] = [];
  /** The pool buffer of each queued event (same index; undefined without reuseBuffers), and of the event last handed out. */
  #pooled: (Buffer | undefined)[] = [];
  #lent: Buffer | undefined;
  #queuedRecords = 0;
  #queuedBytes = 0;
  #consumedRecords = 0;
  #consumedBytes = 0;
  #serverId: number | undefined;
  #session: unknown;
  #waiter: (() => void) | undefined;
  #error: unknown;
  #done = false;
  #ended = false;
  #started: Promise<void> | undefined;
  readonly #onAbort = () => this.#finish(this.signal?.reason ?? new Error('aborted'));
  readonly signal: AbortSignal | undefined;

  constructor(client: TcpConnection & { receivers: Set<PushReceiver> }, streamName: string, shardId: string, o: SubscribeOptions = {}) {
    this.#client = client;
    this.streamName = streamName;
    this.shardId = shardId;
    this.#position = o.position ?? { type: 'LATEST' };
    this.#recordWindow = o.recordWindow ?? 10_000;
    this.#byteWindow = o.byteWindow ?? 8 * 1024 * 1024;
    this.#maxPerEvent = o.maxRecordsPerEvent ?? 0;
    this.#reuse = o.reuseBuffers ?? false;
    if (!Number.isInteger(this.#recordWindow) || this.#recordWindow < 1 || this.#recordWindow > 0xffffffff) throw new InvalidArgumentError('recordWindow must be a positive u32');
    if (!Number.isInteger(this.#byteWindow) || this.#byteWindow < 1 || this.#byteWindow > 0xffffffff) throw new InvalidArgumentError('byteWindow must be a positive u32');
    this.signal = o.signal;
    this.signal?.addEventListener('abort', this.#onAbort, { once: true });
    client.receivers.add(this);
  }

  /** Subscribes on the current connection; resolves with the start offset. */
  async start(): Promise<number> {
    const session = this.#client.session;
    if (!session) throw new ConnectionLostError('not connected');
    return this.#subscribe(session);
  }

  async #subscribe(session: NonNullable<TcpConnection['session']>): Promise<number> {
    this.#session = session;
    const res = await this.#client.callOn(
      session,
      'Subscribe',
      {
        streamName: this.streamName,
        shardId: this.shardId,
        position: this.#position,
        // What is still queued here counts against the window.
        recordCredits: Math.max(1, this.#recordWindow - this.#queuedRecords),
        byteCredits: Math.max(1, this.#byteWindow - this.#queuedBytes),
        maxRecordsPerEvent: this.#maxPerEvent,
      },
      // Routed as the response is read: the first push may be in the same chunk right after it.
      (r) => {
        if (this.#ended || this.#session !== session) return;
        this.#serverId = r.subscriptionId;
        this.#position = { type: 'AT_OFFSET', offset: r.startOffset };
        this.#consumedRecords = 0;
        this.#consumedBytes = 0;
        this.#client.route(session, r.subscriptionId, this);
      },
    );
    if (this.#serverId !== res.subscriptionId) this.#client.callOn(session, 'Unsubscribe', { subscriptionId: res.subscriptionId }).catch(() => undefined);
    return res.startOffset;
  }

  attached(client: TcpConnection): void {
    if (this.#ended || !client.session) return;
    this.#started = this.#subscribe(client.session).then(
      () => undefined,
      (err: unknown) => {
        if (!(err instanceof ConnectionLostError)) this.#finish(err);
      },
    );
  }

  detached(): void {
    this.#serverId = undefined;
    this.#session = undefined;
  }

  push(p: IncomingPush, pooled: Buffer | undefined): void {
    if (p.command !== 'SubscriptionEvent' || this.#ended) return this.#giveBack(pooled);
    if (!p.ok) {
      // Nothing of an error push reaches the loop (its message is a string of its own).
      this.#giveBack(pooled);
      // The server is going away: the next connection resumes. Anything else ends the iterator.
      if (p.error.name === 'MR_SHUTTING_DOWN') return;
      return this.#finish(remoteError(p.error));
    }
    const e = p.body;
    this.#events.push(e);
    // Kept only when it may go back: without reuseBuffers the loop may hold the event for ever.
    this.#pooled.push(this.#reuse ? pooled : undefined);
    this.#queuedRecords += recordsIn(e);
    this.#queuedBytes += payloadBytes(e);
    this.#position = { type: 'AT_OFFSET', offset: e.nextOffset };
    if (e.shardEnd) {
      this.#ended = true;
      this.#client.receivers.delete(this);
    }
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  #finish(err?: unknown): void {
    if (this.#done) return;
    if (err !== undefined) this.#error = err;
    this.#ended = true;
    this.#done = err !== undefined || this.#events.length === 0;
    this.signal?.removeEventListener('abort', this.#onAbort);
    this.#client.receivers.delete(this);
    const session = this.#session as Parameters<TcpConnection['callOn']>[0] | undefined;
    if (session && this.#serverId !== undefined) this.#client.callOn(session, 'Unsubscribe', { subscriptionId: this.#serverId }).catch(() => undefined);
    this.#serverId = undefined;
    this.#wake();
  }

  async next(): Promise<IteratorResult<SubscriptionEvent>> {
    // The loop is done with the event it had: with reuseBuffers, its memory goes back now.
    this.#giveBack(this.#lent);
    this.#lent = undefined;
    await this.#started;
    for (;;) {
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        this.#drop();
        this.#done = true;
        throw e;
      }
      const e = this.#events.shift();
      if (e) {
        this.#lent = this.#pooled.shift();
        this.#taken(e);
        return { done: false, value: e };
      }
      if (this.#ended || this.#done) {
        this.#finish();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }

  /** Grants back what the loop consumed, in halves of the window. */
  #taken(e: SubscriptionEvent): void {
    const records = recordsIn(e);
    const bytes = payloadBytes(e);
    this.#queuedRecords -= records;
    this.#queuedBytes -= bytes;
    this.#consumedRecords += records;
    this.#consumedBytes += bytes;
    const session = this.#session as Parameters<TcpConnection['callOn']>[0] | undefined;
    if (this.#ended || !session || this.#serverId === undefined) return;
    if (this.#consumedRecords * 2 >= this.#recordWindow || this.#consumedBytes * 2 >= this.#byteWindow) {
      const grant = { subscriptionId: this.#serverId, records: this.#consumedRecords, bytes: Math.min(0xffffffff, this.#consumedBytes) };
      this.#consumedRecords = 0;
      this.#consumedBytes = 0;
      this.#client.callOn(session, 'GrantCredits', grant).catch(() => undefined);
    }
  }

  /** Queued events the loop will not see: their buffers can go back at once. */
  #drop(): void {
    for (const b of this.#pooled) this.#giveBack(b);
    this.#pooled = [];
    this.#events = [];
  }

  #giveBack(pooled: Buffer | undefined): void {
    if (pooled) this.#client.bodyPool.release(pooled);
  }

  async return(): Promise<IteratorResult<SubscriptionEvent>> {
    this.#giveBack(this.#lent);
    this.#lent = undefined;
    this.#drop();
    this.#finish();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

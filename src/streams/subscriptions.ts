// SubscribeToShard bookkeeping and the push mechanism behind it.
//
// SubscriptionRegistry enforces AWS's rule of one active subscription per consumer and shard, and
// lets the engine end or wake subscriptions when streams, consumers or shards change.
//
// ShardTail follows one shard from an offset and yields batches as they are appended: it waits on
// the log's onAppend notification (no polling), so an append wakes the reader in the same
// process turn. A quiet shard yields an empty batch every heartbeat; the tail ends after its
// lifetime, at the end of a closed shard, on abort, or when ended by the registry.
import type { PackedRead, ShardLog } from '../storage/shard-log.js';
import type { StoredRecord } from '../storage/types.js';
import type { StreamEntry } from './catalog.js';
import type { ShardHandle } from './shard-handle.js';

export interface Subscription {
  readonly streamName: string;
  readonly consumerArn: string;
  readonly shardIndex: number;
  /** Ends the subscription; its iterator completes (or throws `error`). */
  end(error?: unknown): void;
  /** Re-checks the shard (e.g. it was just closed by a reshard). */
  wake(): void;
}

export class SubscriptionRegistry {
  private readonly active = new Map<string, Subscription>();
  /** Fast-path tails: no consumer, no exclusivity, but ended and woken like the others. */
  private readonly anonymous = new Set<Subscription>();

  private static key(consumerArn: string, shardIndex: number): string {
    return `${consumerArn}|${shardIndex}`;
  }

  isActive(consumerArn: string, shardIndex: number): boolean {
    return this.active.has(SubscriptionRegistry.key(consumerArn, shardIndex));
  }

  /** Registers `sub`; false when the consumer already has a subscription to that shard. */
  tryAdd(sub: Subscription): boolean {
    const key = SubscriptionRegistry.key(sub.consumerArn, sub.shardIndex);
    if (this.active.has(key)) return false;
    this.active.set(key, sub);
    return true;
  }

  addAnonymous(sub: Subscription): void {
    this.anonymous.add(sub);
  }

  remove(sub: Subscription): void {
    this.anonymous.delete(sub);
    const key = SubscriptionRegistry.key(sub.consumerArn, sub.shardIndex);
    if (this.active.get(key) === sub) this.active.delete(key);
  }

  hasShard(streamName: string, shardIndex: number): boolean {
    for (const s of this.all()) if (s.streamName === streamName && s.shardIndex === shardIndex) return true;
    return false;
  }

  private all(): Subscription[] {
    return [...this.active.values(), ...this.anonymous];
  }

  endStream(streamName: string, error?: unknown): void {
    for (const s of this.all()) if (s.streamName === streamName) s.end(error);
  }

  endConsumer(consumerArn: string, error?: unknown): void {
    for (const s of [...this.active.values()]) if (s.consumerArn === consumerArn) s.end(error);
  }

  wakeStream(streamName: string): void {
    for (const s of this.all()) if (s.streamName === streamName) s.wake();
  }

  endAll(): void {
    for (const s of this.all()) s.end();
  }

  get size(): number {
    return this.active.size;
  }
}

/** Records of one stored batch in the packed layout, as ShardLog.readBatches returns them. */
export type PackedBatch = PackedRead['batches'][number];

export interface TailBatch {
  records: StoredRecord[];
  /** Set by a source that reads packed batches (records is then empty): no object per record. */
  batches?: PackedBatch[];
  /** Offset after the last record of this batch. */
  nextOffset: number;
  /** Log end when read. */
  endOffset: number;
  /** The shard is closed and this batch reaches its end: nothing will follow. */
  atShardEnd: boolean;
}

export interface TailSource {
  read(offset: number): Promise<{ records: StoredRecord[]; batches?: PackedBatch[]; nextOffset: number; endOffset: number }>;
}

export interface TailOptions {
  lifetimeMs: number;
  heartbeatMs: number;
  signal?: AbortSignal;
}

type Wake = 'data' | 'heartbeat' | 'end';


/** Async iterator of batches appended to one shard, starting at an offset. */
export class ShardTail implements AsyncIterableIterator<TailBatch>, Subscription {
  readonly streamName: string;
  readonly shardIndex: number;
  private offset: number;
  private done = false;
  private error: unknown;
  private first = true;
  private pending = false;
  private waiter: ((why: Wake) => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly lifetime: NodeJS.Timeout;
  private readonly onAbort: () => void;
  private onFinish: (() => void) | undefined;

  constructor(
    readonly consumerArn: string,
    stream: StreamEntry,
    private readonly handle: ShardHandle,
    startOffset: number,
    private readonly source: TailSource,
    private readonly opts: TailOptions,
  ) {
    this.streamName = stream.name;
    this.shardIndex = handle.entry.index;
    this.offset = startOffset;
    this.lifetime = setTimeout(() => this.end(), opts.lifetimeMs);
    this.onAbort = () => this.end(opts.signal?.reason);
    // A signal aborted already fires no event: the tail is over before it starts.
    if (opts.signal?.aborted) this.onAbort();
    else opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Called once when the tail finishes, whatever the cause (at once if it has). */
  onEnd(fn: () => void): void {
    if (this.done) fn();
    else this.onFinish = fn;
  }

  attach(log: ShardLog): void {
    if (!this.done) this.unsubscribe = log.onAppend(() => this.wake());
  }

  wake(): void {
    this.pending = true;
    this.release('data');
  }

  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    clearTimeout(this.lifetime);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.unsubscribe?.();
    this.release('end');
    this.onFinish?.();
  }

  private release(why: Wake): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(why);
  }

  private wait(): Promise<Wake> {
    return new Promise<Wake>((resolve) => {
      const heartbeat = setTimeout(() => this.release('heartbeat'), this.opts.heartbeatMs);
      this.waiter = (why) => {
        clearTimeout(heartbeat);
        resolve(why);
      };
    });
  }

  async next(): Promise<IteratorResult<TailBatch>> {
    let heartbeat = false;
    for (;;) {
      if (this.done) {
        if (this.error !== undefined) {
          const e = this.error;
          this.error = undefined;
          throw e;
        }
        return { done: true, value: undefined };
      }
      this.pending = false;
      const res = await this.source.read(this.offset);
      const closed = this.handle.entry.endOffset !== undefined;
      const atShardEnd = closed && res.nextOffset >= res.endOffset;
      if (res.records.length || res.batches?.length || this.first || atShardEnd || heartbeat) {
        this.first = false;
        this.offset = res.nextOffset;
        if (atShardEnd) this.end();
        const value: TailBatch = { records: res.records, nextOffset: res.nextOffset, endOffset: res.endOffset, atShardEnd };
        if (res.batches) value.batches = res.batches;
        return { done: false, value };
      }
      if (this.pending) continue;
      heartbeat = (await this.wait()) === 'heartbeat';
    }
  }

  async return(): Promise<IteratorResult<TailBatch>> {
    this.end();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

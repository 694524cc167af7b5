// A consumer of a whole stream: one subscription per shard, following resharding (a child shard
// starts only once all its parents have been read to their end: parents before children), with
// consumer-group checkpoints to resume from.
//
//   for await (const batch of client.consume('clicks', { group: 'billing' })) {
//     for (const r of recordsOf(batch.event.batches)) handle(r);
//     await batch.checkpoint();
//   }
//
// Each shard's loop hands its events over one at a time (it waits until the previous one was
// taken), so a slow loop body slows every subscription through its credits. With reuseBuffers it
// waits until the loop asks for the batch after it: only then may the subscription reuse the
// event's memory.
import type { Position } from '../protocol/index.js';
import type { MillraceClient } from './millrace-client.js';
import type { Subscription, SubscribeOptions, SubscriptionEvent } from './subscription.js';

export interface ConsumeOptions extends Omit<SubscribeOptions, 'position'> {
  /** Consumer group: shards resume after their checkpoint, and finished shards are skipped. */
  group?: string;
  /** Where shards without a checkpoint start. Default TRIM_HORIZON (children always start there). */
  position?: Position;
}

export interface ConsumedBatch {
  shardId: string;
  event: SubscriptionEvent;
  /** Stores the group's position after this event (needs `group`). */
  checkpoint(): Promise<void>;
}

interface ShardInfo {
  parents: string[];
}

export class StreamConsumer implements AsyncIterableIterator<ConsumedBatch> {
  readonly #client: MillraceClient;
  readonly #stream: string;
  readonly #o: ConsumeOptions;
  readonly #shards = new Map<string, ShardInfo>();
  readonly #finished = new Set<string>();
  readonly #started = new Set<string>();
  readonly #subs = new Set<Subscription>();
  #ready: ConsumedBatch[] = [];
  #handoff: Array<() => void> = [];
  /** With reuseBuffers: releases the shard loop of the batch the loop body has now. */
  #lent: (() => void) | undefined;
  #waiter: (() => void) | undefined;
  #running = 0;
  #error: unknown;
  #init: Promise<void> | undefined;
  #done = false;

  constructor(client: MillraceClient, streamName: string, o: ConsumeOptions = {}) {
    this.#client = client;
    this.#stream = streamName;
    this.#o = o;
  }

  async #refresh(): Promise<void> {
    let exclusiveStartShardId = '';
    for (;;) {
      const page = await this.#client.listShards(this.#stream, { exclusiveStartShardId });
      for (const s of page.shards) this.#shards.set(s.shardId, { parents: [s.parentShardId, s.adjacentParentShardId].filter(Boolean) });
      if (!page.hasMore || page.shards.length === 0) return;
      exclusiveStartShardId = page.shards[page.shards.length - 1]!.shardId;
    }
  }

  async #start(): Promise<void> {
    await this.#refresh();
    if (this.#o.group) {
      for (const id of this.#shards.keys()) {
        const c = await this.#client.fetchCheckpoint(this.#o.group, this.#stream, id);
        if (c?.shardEnd) this.#finished.add(id);
      }
    }
    await this.#launchReady();
  }

  /** Starts every shard not yet started whose parents are finished (or gone with retention). */
  async #launchReady(): Promise<void> {
    for (const [id, info] of this.#shards) {
      if (this.#started.has(id) || this.#finished.has(id)) continue;
      if (!info.parents.every((p) => this.#finished.has(p) || !this.#shards.has(p))) continue;
      this.#started.add(id);
      let position: Position = info.parents.some((p) => this.#shards.has(p)) ? { type: 'TRIM_HORIZON' } : (this.#o.position ?? { type: 'TRIM_HORIZON' });
      if (this.#o.group) {
        const c = await this.#client.fetchCheckpoint(this.#o.group, this.#stream, id);
        if (c) position = { type: 'AFTER_OFFSET', offset: c.offset };
      }
      this.#running++;
      void this.#follow(id, position);
    }
  }

  async #follow(shardId: string, position: Position): Promise<void> {
    const sub = this.#client.subscribe(this.#stream, shardId, { ...this.#o, position });
    this.#subs.add(sub);
    try {
      for await (const event of sub) {
        const last = event.batches.length ? event.batches[event.batches.length - 1]! : undefined;
        const offset = last ? last.firstOffset + last.recordCount - 1 : event.nextOffset - 1;
        await this.#hand({
          shardId,
          event,
          checkpoint: async () => {
            if (!this.#o.group) throw new TypeError('checkpoint() needs the consumer to have a group');
            if (offset >= 0 || event.shardEnd) await this.#client.commitCheckpoint(this.#o.group, this.#stream, shardId, Math.max(0, offset), { shardEnd: event.shardEnd });
          },
        });
        if (event.shardEnd) {
          this.#finished.add(shardId);
          await this.#refresh();
          await this.#launchReady();
        }
      }
    } catch (err) {
      this.#error ??= err;
    } finally {
      this.#subs.delete(sub);
      this.#running--;
      this.#wake();
    }
  }

  /** Gives one event to the loop and waits until the loop takes it. */
  #hand(batch: ConsumedBatch): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#ready.push(batch);
      this.#handoff.push(resolve);
      this.#wake();
    });
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  async next(): Promise<IteratorResult<ConsumedBatch>> {
    this.#release();
    this.#init ??= this.#start();
    await this.#init;
    for (;;) {
      if (this.#error !== undefined) {
        await this.return();
        throw this.#error;
      }
      const b = this.#ready.shift();
      if (b) {
        const taken = this.#handoff.shift()!;
        if (this.#o.reuseBuffers) this.#lent = taken;
        else taken();
        return { done: false, value: b };
      }
      if (this.#done || this.#running === 0) return { done: true, value: undefined };
      await new Promise<void>((r) => (this.#waiter = r));
    }
  }

  #release(): void {
    const lent = this.#lent;
    this.#lent = undefined;
    lent?.();
  }

  async return(): Promise<IteratorResult<ConsumedBatch>> {
    this.#release();
    this.#done = true;
    for (const s of this.#subs) await s.return();
    for (const h of this.#handoff.splice(0)) h();
    this.#ready = [];
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

// Subscriptions: server push with credit-based flow control (docs/PROTOCOL.md, Subscribe).
//
// A subscription follows its shard through the engine's fast tail, which wakes on appends (no
// polling). It pulls the next read only while it holds both record and byte credit and the
// connection's unsent output is under its limit, and keeps at most that one read: a consumer that
// stops granting, or stops reading its socket, stops the flow without the server buffering more.
import type { TailBatch } from '../../streams/subscriptions.js';
import { FRAME_HEADER_SIZE, WireErrorCode, type FrameWriter, type IncomingRequest, type WireErrorInit } from '../../protocol/index.js';
import { childShardsOf } from './handlers/shards.js';
import type { TcpEngine, TcpLimits } from './options.js';
import { resolvePosition } from './positions.js';
import { slicePacked } from './record-views.js';
import type { FastBatch } from '../../api/fast/read-shard.js';
import { toWireError } from './wire-errors.js';
import { ErrorCodes, MillraceError } from '../../errors.js';

const MAX_CREDIT = 0xffffffff;
/** Frame bytes of an event besides its batches; child shards get a generous allowance. */
const EVENT_RESERVE = FRAME_HEADER_SIZE + 21 + 8 * 1024;
/**
 * Payload bytes per event at most, whatever the credit: several events fit under the connection's
 * output limit, so the next read is prepared while the previous event is still being sent.
 */
const EVENT_MAX_BYTES = 1024 * 1024;

/** What a subscription needs from its connection. */
export interface PushTarget {
  readonly outbox: { readonly writer: FrameWriter; schedule(): void };
  readonly writable: boolean;
  readonly peerMaxFrameBytes: number;
  readonly signal: AbortSignal;
}

type SubscriptionCommand = Extract<IncomingRequest, { command: 'Subscribe' | 'GrantCredits' | 'Unsubscribe' }>;

export class SubscriptionSet {
  readonly #target: PushTarget;
  readonly #mr: TcpEngine;
  readonly #limits: TcpLimits;
  readonly #subs = new Map<number, Subscription>();
  #nextId = 1;

  constructor(target: PushTarget, mr: TcpEngine, limits: TcpLimits) {
    this.#target = target;
    this.#mr = mr;
    this.#limits = limits;
  }

  get size(): number {
    return this.#subs.size;
  }

  /** Runs Subscribe, GrantCredits or Unsubscribe; resolves with the response body. */
  async command(req: SubscriptionCommand): Promise<unknown> {
    switch (req.command) {
      case 'Subscribe': {
        if (this.#subs.size >= this.#limits.maxSubscriptions) {
          throw new MillraceError(ErrorCodes.MR_BUSY, `at most ${this.#limits.maxSubscriptions} subscriptions per connection`);
        }
        const b = req.body;
        const startOffset = await resolvePosition(this.#mr, b.streamName, b.shardId, b.position);
        const maxRecords = b.maxRecordsPerEvent || this.#limits.defaultMaxRecords;
        // Packed: the stored batches' bytes are pushed as they are (record-views.ts).
        const tail = await this.#mr.fast.tail(b.streamName, b.shardId, { offset: startOffset, maxRecords, packed: true, signal: this.#target.signal });
        const id = this.#nextId++;
        const sub = new Subscription(id, this.#target, this.#mr, b.streamName, b.shardId, tail, maxRecords, () => this.#subs.delete(id));
        sub.grant(b.recordCredits, b.byteCredits);
        this.#subs.set(id, sub);
        // The response is queued by the caller within this turn (microtasks); the first push is
        // produced on the next turn, so it always follows the response on the wire.
        setImmediate(() => void sub.pump());
        return { subscriptionId: id, startOffset };
      }
      case 'GrantCredits': {
        const sub = this.#get(req.body.subscriptionId);
        sub.grant(req.body.records, req.body.bytes);
        void sub.pump();
        return {};
      }
      case 'Unsubscribe':
        this.#get(req.body.subscriptionId).end();
        return {};
    }
  }

  #get(id: number): Subscription {
    const sub = this.#subs.get(id);
    if (!sub) throw new MillraceError(ErrorCodes.MR_UNKNOWN_SUBSCRIPTION, `no subscription ${id} on this connection`);
    return sub;
  }

  /** The connection's output drained: paused subscriptions go on. */
  writable(): void {
    for (const s of this.#subs.values()) void s.pump();
  }

  /** Ends every subscription, telling the client why when `error` is given. */
  endAll(error?: WireErrorInit): void {
    for (const s of [...this.#subs.values()]) s.end(error);
  }
}

class Subscription {
  #records = 0;
  #bytes = 0;
  /** The last read's batches not sent yet, from #heldAt on; a batch cut by credit is replaced by its rest. */
  #held: FastBatch[] = [];
  #heldAt = 0;
  #batch: TailBatch | undefined;
  #pumping = false;
  #ended = false;

  constructor(
    readonly id: number,
    private readonly target: PushTarget,
    private readonly mr: TcpEngine,
    private readonly streamName: string,
    private readonly shardId: string,
    private readonly tail: AsyncIterableIterator<TailBatch>,
    private readonly maxPerEvent: number,
    private readonly onEnd: () => void,
  ) {}

  grant(records: number, bytes: number): void {
    this.#records = Math.min(MAX_CREDIT, this.#records + records);
    this.#bytes = Math.min(MAX_CREDIT, this.#bytes + bytes);
  }

  end(error?: WireErrorInit): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error) {
      this.target.outbox.writer.pushError('SubscriptionEvent', this.id, error);
      this.target.outbox.schedule();
    }
    void this.tail.return?.();
    this.onEnd();
  }

  /** Sends events while credit and the connection's buffer allow; one loop at a time. */
  async pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#ended && this.#records > 0 && this.#bytes > 0 && this.target.writable) {
        if (this.#heldAt >= this.#held.length) {
          const r = await this.tail.next();
          if (this.#ended) return;
          if (r.done) return this.end(await this.#whyEnded());
          this.#batch = r.value;
          this.#held = r.value.batches ?? [];
          this.#heldAt = 0;
          // An empty read is a heartbeat (or the end of a closed shard): it costs no credit.
          if (this.#held.length === 0) await this.#send();
          continue;
        }
        await this.#send();
      }
    } catch (err) {
      this.end(toWireError(err));
    } finally {
      this.#pumping = false;
    }
  }

  /** The tail ended without reaching a shard end: the stream is gone, or the engine is closing. */
  async #whyEnded(): Promise<WireErrorInit> {
    try {
      await this.mr.fast.read(this.streamName, this.shardId, { offset: Number.MAX_SAFE_INTEGER - 1, maxRecords: 1 });
      return { code: WireErrorCode.MR_SHUTTING_DOWN, message: 'the subscription was ended by the server' };
    } catch (err) {
      return toWireError(err);
    }
  }

  async #send(): Promise<void> {
    const batch = this.#batch!;
    const slice = slicePacked(this.#held, this.#heldAt, {
      maxRecords: Math.min(this.#records, this.maxPerEvent),
      maxBytes: Math.min(this.#bytes, EVENT_MAX_BYTES),
      overshoot: true,
      frameBudget: this.target.peerMaxFrameBytes - EVENT_RESERVE,
    });
    this.#heldAt += slice.taken;
    if (slice.rest) this.#held[this.#heldAt] = slice.rest;
    this.#records -= slice.count;
    this.#bytes -= slice.bytes;
    const all = this.#heldAt >= this.#held.length;
    const nextOffset = all ? batch.nextOffset : this.#held[this.#heldAt]!.firstOffset;
    const shardEnd = all && batch.atShardEnd;
    const childShards = shardEnd ? await childShardsOf(this.mr, this.streamName, this.shardId) : [];
    if (this.#ended) return;
    if (all) this.#held = [];
    this.target.outbox.writer.push('SubscriptionEvent', this.id, {
      nextOffset,
      millisBehindLatest: slice.lastTimestamp !== undefined && nextOffset < batch.endOffset ? Math.max(0, Date.now() - slice.lastTimestamp) : 0,
      shardEnd,
      batches: slice.batches,
      childShards,
    });
    this.target.outbox.schedule();
    if (shardEnd) this.end();
  }
}

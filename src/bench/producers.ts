// The producer loops of a bench run. Closed loop: each producer sends its next batch when the last
// is answered. Open loop: batches are due on a fixed schedule and sent when due whatever happened
// to earlier ones; latency runs from the intended send time (its slot in the schedule), and a batch
// delayed by a slow server is still sent and measured, so a stall shows up as the latency its
// victims saw instead of being omitted (no coordinated omission).
import { pause, type BenchFace, type PutOutcome } from './faces/face.js';
import type { BenchOptions } from './options.js';
import { nowMs, SlotPool } from './payload.js';

/** Most batches one open-loop producer keeps in flight before it waits (bounds client memory). */
const MAX_OPEN_IN_FLIGHT = 1024;
/** How far ahead of its slot an open-loop batch may go out, so timer lateness never delays it. */
const EARLY_MS = 1;

export interface ProducerHooks {
  /** A batch was answered; `sentAt` is its send time (closed loop) or intended send time (open loop). */
  onPut(sentAt: number, outcome: PutOutcome): void;
  /** A put failed as a whole (the request, not records inside it). */
  onError(err: unknown): void;
}

export class Producers {
  /** No batch is due (open loop) or started (closed loop) at or after this time; moved by the run. */
  deadline = Infinity;
  #claimed = 0;
  readonly #pools: SlotPool<unknown>[];

  constructor(
    private readonly face: BenchFace,
    private readonly o: BenchOptions,
    keys: readonly string[],
    stream: string,
    private readonly hooks: ProducerHooks,
    private readonly signal?: AbortSignal,
  ) {
    // One pool of in-flight batch slots per producer (the most producers any phase runs), each
    // starting at a different partition key; pools outlive phases, so warm-up slots are reused.
    const count = Math.max(o.producers, 4);
    const targets = face.stampTargets && ((b: unknown) => face.stampTargets!(b));
    this.#pools = Array.from({ length: count }, (_, p) => new SlotPool(o.recordSize, o.batchSize, keys, (datas, ks) => face.prepare(stream, datas, ks), p * 7919, targets));
  }

  /**
   * Runs `loops` producers until the deadline, the signal, or `limit` records claimed since this
   * call (undefined: no limit). Closed loop unless the options give a rate.
   */
  async run(limit: number | undefined, loops = this.o.producers, open = this.o.rate !== undefined): Promise<void> {
    this.#claimed = 0;
    await Promise.all(Array.from({ length: loops }, (_, p) => (open ? this.#open(p, limit) : this.#closed(p, limit))));
  }

  #claim(limit: number | undefined): boolean {
    if (this.signal?.aborted || (limit !== undefined && this.#claimed >= limit)) return false;
    this.#claimed += this.o.batchSize;
    return true;
  }

  async #closed(p: number, limit: number | undefined): Promise<void> {
    const slots = this.#pools[p]!;
    while (nowMs() < this.deadline && this.#claim(limit)) {
      const slot = slots.take();
      const sentAt = nowMs();
      slot.stamp(sentAt);
      try {
        this.hooks.onPut(sentAt, await this.face.put(slot.request));
      } catch (err) {
        this.hooks.onError(err);
        // A failing server is not hammered in a tight loop; the pause is part of the measured time.
        await pause(10);
      }
      slots.give(slot);
    }
  }

  async #open(p: number, limit: number | undefined): Promise<void> {
    const { o } = this;
    const slots = this.#pools[p]!;
    const intervalMs = (o.batchSize * 1000 * o.producers) / o.rate!;
    // Producers are staggered across one interval so the offered load is smooth, not bursty.
    let next = nowMs() + (intervalMs * p) / o.producers;
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const settled = () => {
      inFlight--;
      wake?.();
    };
    // Intended times up to the deadline are all sent, however late: that lateness is the latency.
    while (next < this.deadline && this.#claim(limit)) {
      // Timers fire late (by 0.1–1 ms here), and the producer's own timer is not the system's
      // latency: sleep until about a millisecond before the slot and send then, a little early.
      const wait = next - nowMs();
      if (wait >= 1 + EARLY_MS) await pause(wait - EARLY_MS, this.signal);
      while (inFlight >= MAX_OPEN_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
      // Latency runs from the intended time when the batch goes out late (a stall is charged to
      // it), from the actual send when early (a reply cannot come before the request).
      const intended = Math.min(next, nowMs());
      next += intervalMs;
      const slot = slots.take();
      slot.stamp(intended);
      inFlight++;
      this.face.put(slot.request).then(
        (out) => {
          this.hooks.onPut(intended, out);
          slots.give(slot);
          settled();
        },
        (err: unknown) => {
          this.hooks.onError(err);
          slots.give(slot);
          settled();
        },
      );
    }
    while (inFlight > 0) await new Promise<void>((r) => (wake = r));
  }
}

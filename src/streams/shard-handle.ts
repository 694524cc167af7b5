// One shard's runtime state: its log (opened on first use), sequence-number encoder, throttle and
// the count of appends in flight. Resharding closes a shard by first taking it out of routing,
// then waiting for the appends already routed to it (drained()), and only then reading its final
// end offset: no acknowledged record can land after the shard's EndingSequenceNumber.
import { shardIdOf } from '../core/ids.js';
import { ShardSequencer } from '../core/sequence-number.js';
import type { Clock } from '../core/clock.js';
import type { ShardLog } from '../storage/shard-log.js';
import type { AppendResult } from '../storage/types.js';
import type { ShardEntry } from './catalog.js';
import { ShardThrottle, type ShardLimits } from './throttle.js';

export class ShardHandle {
  readonly shardId: string;
  readonly sequencer: ShardSequencer;
  log: ShardLog | undefined;
  private opening: Promise<ShardLog> | undefined;
  private throttleState: ShardThrottle | undefined;
  private inflight = 0;
  private drainWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    readonly dir: string,
    readonly epoch: number,
    readonly entry: ShardEntry,
    /** Opens the log with the stream's settings as they are at that moment (codec, encryption). */
    private readonly openLog: (dir: string) => Promise<ShardLog>,
  ) {
    this.shardId = shardIdOf(entry.index);
    this.sequencer = new ShardSequencer(epoch, entry.index);
  }

  open(): Promise<ShardLog> {
    if (this.log) return Promise.resolve(this.log);
    this.opening ??= this.openLog(this.dir).then(
      (log) => {
        this.log = log;
        return log;
      },
      (err: unknown) => {
        // Not cached: a later call retries (the key may have been re-enabled, the disk freed).
        this.opening = undefined;
        throw err;
      },
    );
    return this.opening;
  }

  /** The log if it is open or opening, without opening it. */
  async opened(): Promise<ShardLog | undefined> {
    return this.log ?? this.opening?.catch(() => undefined);
  }

  throttle(limits: ShardLimits, clock: Clock): ShardThrottle {
    return (this.throttleState ??= new ShardThrottle(limits, clock));
  }

  /** Appends one packed batch. Counted as in flight from the synchronous call on, for drained(). */
  async appendPacked(payload: Buffer, count: number, timestamp: number): Promise<AppendResult> {
    this.inflight++;
    try {
      const log = this.log ?? (await this.open());
      return await log.appendPacked({ payload, count, timestamp });
    } finally {
      if (--this.inflight === 0) {
        const waiters = this.drainWaiters;
        this.drainWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  /** Resolves when no append is in flight. */
  drained(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drained();
    const log = this.log ?? (this.opening ? await this.opening.catch(() => undefined) : undefined);
    await log?.close();
  }
}

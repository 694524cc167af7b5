// Provisioned-mode shard limits as token buckets: 1 MiB/s and 1,000 records/s in; 2 MiB/s and
// 5 GetRecords calls/s out. Each bucket holds one second's worth, refilled continuously, so short
// bursts pass as they do on AWS. Reads may overdraw the byte bucket (one GetRecords can return up
// to 10 MiB) and then throttle until the debt is repaid, which is AWS's documented behaviour.
import type { Clock } from '../core/clock.js';

export const MiB = 1024 * 1024;

export interface ShardLimits {
  writeBytesPerSecond: number;
  writeRecordsPerSecond: number;
  readBytesPerSecond: number;
  readCallsPerSecond: number;
}

export const AWS_SHARD_LIMITS: ShardLimits = {
  writeBytesPerSecond: MiB,
  writeRecordsPerSecond: 1000,
  readBytesPerSecond: 2 * MiB,
  readCallsPerSecond: 5,
};

export class TokenBucket {
  private level: number;
  private at: number;
  constructor(
    readonly rate: number,
    readonly capacity: number,
    private readonly clock: Clock,
  ) {
    this.level = capacity;
    this.at = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.at) {
      this.level = Math.min(this.capacity, this.level + ((now - this.at) * this.rate) / 1000);
      this.at = now;
    }
  }

  /**
   * Takes `n` tokens if they are all there. A request larger than the whole bucket (a 10 MiB
   * record against 1 MiB/s) passes when the bucket is full and leaves it in debt, so it is slow
   * rather than impossible.
   */
  tryTake(n: number): boolean {
    this.refill();
    if (this.level < Math.min(n, this.capacity)) return false;
    this.level -= n;
    return true;
  }

  /** True while the bucket is not in debt. */
  positive(): boolean {
    this.refill();
    return this.level > 0;
  }

  /** Takes `n` tokens unconditionally; the level may go negative. */
  overdraw(n: number): void {
    this.refill();
    this.level -= n;
  }

  give(n: number): void {
    this.level = Math.min(this.capacity, this.level + n);
  }
}

/** The four buckets of one shard. */
export class ShardThrottle {
  private readonly writeBytes: TokenBucket;
  private readonly writeRecords: TokenBucket;
  private readonly readBytes: TokenBucket;
  private readonly readCalls: TokenBucket;

  constructor(limits: ShardLimits, clock: Clock) {
    this.writeBytes = new TokenBucket(limits.writeBytesPerSecond, limits.writeBytesPerSecond, clock);
    this.writeRecords = new TokenBucket(limits.writeRecordsPerSecond, limits.writeRecordsPerSecond, clock);
    this.readBytes = new TokenBucket(limits.readBytesPerSecond, limits.readBytesPerSecond, clock);
    this.readCalls = new TokenBucket(limits.readCallsPerSecond, limits.readCallsPerSecond, clock);
  }

  /** Admits one record of `bytes` (data + partition key) or refuses it without taking anything. */
  admitWrite(bytes: number): boolean {
    if (!this.writeRecords.tryTake(1)) return false;
    if (!this.writeBytes.tryTake(bytes)) {
      this.writeRecords.give(1);
      return false;
    }
    return true;
  }

  /** Admits one GetRecords call. */
  admitRead(): boolean {
    if (!this.readBytes.positive()) return false;
    return this.readCalls.tryTake(1);
  }

  chargeRead(bytes: number): void {
    this.readBytes.overdraw(bytes);
  }
}

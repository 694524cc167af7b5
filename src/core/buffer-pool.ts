// Reusable buffers for packed batches and frame bodies. The native log writes straight from the
// payload it is given and holds it only until the append settles, so a payload buffer can be packed
// again once every append of its batch has settled. A fresh buffer per batch costs far more than
// the packing: appendPacked of one reused 1,000-record payload ran at 12.1 M records/s here, of a
// fresh copy per call at 4.4 M, and the fast put went from 2.0 to 3.7 M records/s with this pool
// (bench/RESULTS.md, Data Streams). Each large allocation is new external memory, paid in page
// faults and GC work: V8 starts a full collection whenever external memory has grown by 64 MB, so
// a pool too small for the batches in flight (64 TCP puts of 1 MiB each, say) brings back a full
// collection every few dozen milliseconds.
//
// Sizes come in classes of eight steps per doubling (at most 12.5 % unused), so a 1.05 MB batch
// takes 1.125 MiB, not 2 MiB. Idle buffers decay: every `decayMs` the ones that stayed idle through
// the whole period (the low-water mark of the free list) are dropped, so a burst's buffers are
// given back to the system soon after it, while a steady load keeps what it uses.

const MIN_BYTES = 64 * 1024;
const DEFAULT_DECAY_MS = 5000;

export interface BufferPoolOptions {
  /** At most this many idle buffers are kept. Default 16. */
  maxBuffers?: number;
  /** At most this many idle bytes are kept. Default 64 MiB. */
  maxBytes?: number;
  /** Idle buffers left unused for a whole period of this length are dropped. Default 5 s. */
  decayMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** The capacity a request for `size` bytes gets: the next of eight classes per doubling, at least 64 KiB. */
export function capacityFor(size: number): number {
  if (size <= MIN_BYTES) return MIN_BYTES;
  let pow = MIN_BYTES;
  while (pow * 2 < size) pow *= 2;
  const step = pow / 8;
  return Math.ceil(size / step) * step;
}

export class BufferPool {
  private readonly free: Buffer[] = [];
  /** The buffers in `free`: a buffer given back twice (a caller's bug) must not be handed out twice. */
  private readonly idleSet = new WeakSet<Buffer>();
  private bytes = 0;
  private readonly maxBuffers: number;
  private readonly maxBytes: number;
  private readonly decayMs: number;
  private readonly now: () => number;
  /** The fewest idle buffers since the period began: those were not needed in it. */
  private lowWater = 0;
  private periodStart: number;

  constructor(options: BufferPoolOptions = {}) {
    this.maxBuffers = options.maxBuffers ?? 16;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.decayMs = options.decayMs ?? DEFAULT_DECAY_MS;
    this.now = options.now ?? performance.now.bind(performance);
    this.periodStart = this.now();
  }

  /** Buffers handed out fresh and from the pool since it was made. */
  allocated = 0;
  reused = 0;

  /** Idle buffers and bytes held now. */
  get idle(): { buffers: number; bytes: number } {
    return { buffers: this.free.length, bytes: this.bytes };
  }

  /** A buffer of at least `size` bytes that no one else holds (never a slice of Node's shared pool). */
  acquire(size: number): Buffer {
    this.decay();
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i]!;
      // A much larger buffer stays for the batches that need it.
      if (b.length >= size && b.length <= 4 * Math.max(size, MIN_BYTES)) {
        this.free[i] = this.free[this.free.length - 1]!;
        this.free.pop();
        this.idleSet.delete(b);
        this.bytes -= b.length;
        if (this.free.length < this.lowWater) this.lowWater = this.free.length;
        this.reused++;
        return b;
      }
    }
    this.allocated++;
    return Buffer.allocUnsafeSlow(capacityFor(size));
  }

  /** Returns a buffer from acquire(); nothing may use it afterwards. */
  release(buffer: Buffer): void {
    this.decay();
    if (this.idleSet.has(buffer)) return;
    if (this.free.length >= this.maxBuffers || this.bytes + buffer.length > this.maxBytes) return;
    this.free.push(buffer);
    this.idleSet.add(buffer);
    this.bytes += buffer.length;
  }

  /** At the end of each period, drops the buffers that stayed idle through all of it (the oldest first). */
  private decay(): void {
    const now = this.now();
    if (now - this.periodStart < this.decayMs) return;
    const unused = Math.min(this.lowWater, this.free.length);
    if (unused > 0) {
      for (const b of this.free.splice(0, unused)) {
        this.bytes -= b.length;
        this.idleSet.delete(b);
      }
    }
    this.lowWater = this.free.length;
    this.periodStart = now;
  }
}

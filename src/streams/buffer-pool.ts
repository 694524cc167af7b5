// Reusable buffers for packed batches. The native log writes straight from the payload it is
// given and holds it only until the append settles, so a payload buffer can be packed again once
// every append of its batch has settled. A fresh buffer per batch costs far more than the packing:
// appendPacked of one reused 1,000-record payload ran at 12.1 M records/s here, of a fresh copy per
// call at 4.4 M, and the fast put went from 2.0 to 3.7 M records/s with this pool (bench/RESULTS.md,
// Data Streams). Each large allocation is new external memory, paid in page faults and GC work.

const MIN_BYTES = 64 * 1024;

export class BufferPool {
  private readonly free: Buffer[] = [];
  private bytes = 0;

  /** At most `maxBuffers` idle buffers and `maxBytes` idle bytes are kept. */
  constructor(
    private readonly maxBuffers = 16,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** A buffer of at least `size` bytes that no one else holds (never a slice of Node's shared pool). */
  acquire(size: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i]!;
      // A much larger buffer stays for the batches that need it.
      if (b.length >= size && b.length <= 4 * Math.max(size, MIN_BYTES)) {
        this.free[i] = this.free[this.free.length - 1]!;
        this.free.pop();
        this.bytes -= b.length;
        return b;
      }
    }
    let capacity = MIN_BYTES;
    while (capacity < size) capacity *= 2;
    return Buffer.allocUnsafeSlow(capacity);
  }

  /** Returns a buffer from acquire(); nothing may use it afterwards. */
  release(buffer: Buffer): void {
    if (this.free.length >= this.maxBuffers || this.bytes + buffer.length > this.maxBytes) return;
    this.free.push(buffer);
    this.bytes += buffer.length;
  }
}

// Partition key -> shard slot for keys seen recently, one cache per routing table (so a reshard,
// which rebuilds the table, drops it). MD5 of a short key costs about 150 ns on the machines we
// measure (bench/RESULTS.md), a Map hit about 20 ns, and producers typically reuse a bounded set of
// keys (users, devices, sessions). For keys that never repeat the cache would only add a miss and
// an insert per record, so it watches its hit rate and stands aside while that is low.

/** Entries kept before the cache starts over (bounds memory at a few MB). */
const LIMIT = 65_536;
/** Lookups per sampling window. */
const WINDOW = 65_536;
/** Below this hit rate over a window, the next BYPASS records skip the cache. */
const MIN_HIT_RATE = 0.25;
const BYPASS = 1_048_576;

export class RouteCache {
  private readonly slots = new Map<string, number>();
  private lookups = 0;
  private hits = 0;
  private bypass = 0;

  /** The cached slot of `key`, or -1 (also while bypassing). */
  get(key: string): number {
    if (this.bypass > 0) {
      this.bypass--;
      return -1;
    }
    const slot = this.slots.get(key);
    if (++this.lookups === WINDOW) this.endWindow(slot !== undefined);
    else if (slot !== undefined) this.hits++;
    return slot ?? -1;
  }

  set(key: string, slot: number): void {
    if (this.bypass > 0) return;
    if (this.slots.size >= LIMIT) this.slots.clear();
    this.slots.set(key, slot);
  }

  private endWindow(hit: boolean): void {
    const rate = (this.hits + (hit ? 1 : 0)) / WINDOW;
    this.lookups = 0;
    this.hits = 0;
    if (rate < MIN_HIT_RATE) {
      this.bypass = BYPASS;
      this.slots.clear();
    }
  }
}

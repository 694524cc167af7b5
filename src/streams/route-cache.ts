// Partition key -> shard slot for keys seen recently, one cache per routing table (so a reshard,
// which rebuilds the table, drops it). MD5 of a short key costs about 150 ns on the machines we
// measure (bench/RESULTS.md), a Map hit about 20 ns, and producers typically reuse a bounded set of
// keys (users, devices, sessions). For keys that never repeat the cache would only add a miss and
// an insert per record, so it watches its hit rate and stands aside while that is low.
//
// Packed batches (fast.putPacked, the TCP face) route natively and use `memo` instead: a
// direct-mapped table of key bytes -> slot that the native call reads and fills, so no string is
// built per record. It stands aside on the same terms: with unique keys, storing each one into a
// cold line of the table cost ~70 ns on top of the MD5's ~160 (a 1,000-record batch, 4 shards).
import { ROUTE_MEMO_ENTRY_BYTES } from '../storage/hashing.js';

/** Entries of the packed memo: 1 MiB, allocated on the first packed batch with more than one shard. */
const MEMO_ENTRIES = 16_384;

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
  private packed: Uint8Array | undefined;
  private memoLookups = 0;
  private memoHits = 0;
  private memoBypass = 0;

  /** The native router's memo (see the top of this file); zeroed when new. */
  get memo(): Uint8Array {
    return (this.packed ??= new Uint8Array(MEMO_ENTRIES * ROUTE_MEMO_ENTRY_BYTES));
  }

  /** The memo to route a packed batch of `count` records with: an empty one while bypassing. */
  memoFor(count: number): Uint8Array {
    if (this.memoBypass <= 0) return this.memo;
    this.memoBypass -= count;
    return NO_MEMO;
  }

  /** Reports what the native router found in the memo for one batch. */
  notePacked(lookups: number, hits: number): void {
    this.memoLookups += lookups;
    this.memoHits += hits;
    if (this.memoLookups < WINDOW) return;
    // Entries stay: they are still right for this table when the bypass ends.
    if (this.memoHits < MIN_HIT_RATE * this.memoLookups) this.memoBypass = BYPASS;
    this.memoLookups = 0;
    this.memoHits = 0;
  }

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

const NO_MEMO = new Uint8Array(0);

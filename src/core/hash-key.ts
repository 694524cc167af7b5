// The 128-bit hash-key space of a stream. A partition key's MD5 digest, read as a big-endian
// unsigned 128-bit integer, is its hash key; each open shard owns one contiguous range and the open
// shards together cover [0, 2^128 - 1] exactly once.

export const HASH_KEY_SPACE = 1n << 128n;
export const MAX_HASH_KEY = HASH_KEY_SPACE - 1n;

export interface HashKeyRange {
  start: bigint;
  end: bigint;
}

/**
 * The ranges CreateStream gives `count` shards, as AWS computes them: every shard is
 * floor(2^128 / count) wide and the last one absorbs the remainder, ending at 2^128 - 1.
 */
export function evenRanges(count: number, from = 0n, to = MAX_HASH_KEY): HashKeyRange[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const span = to - from + 1n;
  const width = span / BigInt(count);
  const out: HashKeyRange[] = [];
  for (let i = 0; i < count; i++) {
    const start = from + width * BigInt(i);
    const end = i === count - 1 ? to : from + width * BigInt(i + 1) - 1n;
    out.push({ start, end });
  }
  return out;
}

const DECIMAL_HASH_KEY = /^(0|[1-9]\d{0,38})$/;

/** Parses a decimal hash key; undefined when it is not a decimal integer in [0, 2^128 - 1]. */
export function parseHashKey(text: string): bigint | undefined {
  if (!DECIMAL_HASH_KEY.test(text)) return undefined;
  const key = BigInt(text);
  return key <= MAX_HASH_KEY ? key : undefined;
}

/** The 16 big-endian bytes of a hash key. */
export function hashKeyToBytes(key: bigint): Uint8Array {
  const out = new Uint8Array(16);
  let k = key;
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(k & 0xffn);
    k >>= 8n;
  }
  return out;
}

/** Reads 16 big-endian bytes at `offset` as a hash key. */
export function bytesToHashKey(bytes: Uint8Array, offset = 0): bigint {
  let k = 0n;
  for (let i = 0; i < 16; i++) k = (k << 8n) | BigInt(bytes[offset + i]!);
  return k;
}

/**
 * Finds the shard that owns a hash key among ranges that tile the key space. Range starts are kept
 * as four 32-bit words each so routing a batch of MD5 digests compares plain numbers and allocates
 * no bigints: this is on the PutRecords hot path.
 */
export class HashKeyRouter {
  private readonly words: Uint32Array;
  readonly size: number;

  /** `starts` must be sorted ascending; the first must be 0. */
  constructor(starts: readonly bigint[]) {
    this.size = starts.length;
    this.words = new Uint32Array(starts.length * 4);
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i]!;
      if (i > 0 && s <= starts[i - 1]!) throw new RangeError('range starts must be strictly ascending');
      for (let w = 0; w < 4; w++) this.words[i * 4 + w] = Number((s >> BigInt(96 - 32 * w)) & 0xffffffffn);
    }
  }

  /** Index of the range owning the 16-byte big-endian key at `bytes[offset..offset+16)`. */
  routeBytes(bytes: Uint8Array, offset = 0): number {
    const k0 = readU32(bytes, offset);
    const k1 = readU32(bytes, offset + 4);
    const k2 = readU32(bytes, offset + 8);
    const k3 = readU32(bytes, offset + 12);
    // Last range whose start <= key.
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.startLessOrEqual(mid, k0, k1, k2, k3)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  route(key: bigint): number {
    return this.routeBytes(hashKeyToBytes(key));
  }

  private startLessOrEqual(i: number, k0: number, k1: number, k2: number, k3: number): boolean {
    const w = this.words;
    const b = i * 4;
    if (w[b]! !== k0) return w[b]! < k0;
    if (w[b + 1]! !== k1) return w[b + 1]! < k1;
    if (w[b + 2]! !== k2) return w[b + 2]! < k2;
    return w[b + 3]! <= k3;
  }
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

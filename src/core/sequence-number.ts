// Sequence numbers: decimal strings of 56 digits, like AWS's, so clients that compare them by
// length and then lexicographically (or as big integers) get the right order.
//
// Layout of the 187-bit integer, most significant bits first:
//
//   bits 184..186   version = 0b010 (2)  -> every value lies in [2^185, 2^185 + 2^184): 56 digits
//   bits 144..183   stream epoch (40 bits): a per-data-directory counter bumped by each CreateStream,
//                   so a number from a deleted stream of the same name is recognised as foreign
//   bits 112..143   shard index within the stream (32 bits): locates the shard log; children of a
//                   reshard get larger indexes, so numbers keep growing along a shard's lineage
//   bits  64..111   reserved, zero
//   bits   0..63    position: 0 means "before the first record" (a shard's StartingSequenceNumber),
//                   otherwise log offset + 1
//
// Everything above the position is fixed per shard, so numbers are strictly increasing within a
// shard, and they are derived from log offsets alone, so they survive restarts unchanged.

const VERSION = 2n;
const VERSION_SHIFT = 184n;
const EPOCH_SHIFT = 144n;
const SHARD_SHIFT = 112n;
const EPOCH_MASK = (1n << 40n) - 1n;
const SHARD_MASK = (1n << 32n) - 1n;
const RESERVED_MASK = (1n << 48n) - 1n;
const POSITION_MASK = (1n << 64n) - 1n;

export const SEQUENCE_NUMBER_DIGITS = 56;
export const MAX_STREAM_EPOCH = Number(EPOCH_MASK);
export const MAX_SHARD_INDEX = Number(SHARD_MASK);

export interface SequenceParts {
  epoch: number;
  shardIndex: number;
  /** 0 = before the first record; otherwise log offset + 1. */
  position: number;
}

function base(epoch: number, shardIndex: number): bigint {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_STREAM_EPOCH) throw new RangeError(`bad stream epoch ${epoch}`);
  if (!Number.isInteger(shardIndex) || shardIndex < 0 || shardIndex > MAX_SHARD_INDEX) throw new RangeError(`bad shard index ${shardIndex}`);
  return (VERSION << VERSION_SHIFT) | (BigInt(epoch) << EPOCH_SHIFT) | (BigInt(shardIndex) << SHARD_SHIFT);
}

export function encodeSequenceNumber(parts: SequenceParts): string {
  return (base(parts.epoch, parts.shardIndex) | BigInt(parts.position)).toString();
}

/** Decodes one of our sequence numbers; undefined when `text` is not one. */
export function decodeSequenceNumber(text: string): SequenceParts | undefined {
  if (text.length !== SEQUENCE_NUMBER_DIGITS || !/^[1-9]\d*$/.test(text)) return undefined;
  const v = BigInt(text);
  if (v >> VERSION_SHIFT !== VERSION) return undefined;
  if ((v >> 64n) & RESERVED_MASK) return undefined;
  const position = v & POSITION_MASK;
  if (position > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return {
    epoch: Number((v >> EPOCH_SHIFT) & EPOCH_MASK),
    shardIndex: Number((v >> SHARD_SHIFT) & SHARD_MASK),
    position: Number(position),
  };
}

/** Orders two decimal sequence numbers as integers (length first, then digits), as AWS's compare. */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The low digits are handled as a number below 1e9: a small integer, whose decimal form V8 makes fast. */
const WINDOW = 1e9;
const WINDOW_DIGITS = 9;
/** The last three digits come from a table; the six above them change once per thousand positions. */
const TAIL = 1000;
const TAIL_DIGITS = 3;
const BLOCK_DIGITS = WINDOW_DIGITS - TAIL_DIGITS;
const ZEROS = Array.from({ length: WINDOW_DIGITS + 1 }, (_, i) => '0'.repeat(i));
const TAILS = Array.from({ length: TAIL }, (_, i) => String(i).padStart(TAIL_DIGITS, '0'));

/**
 * Encodes the sequence numbers of one shard. Positions are taken in windows: for the current
 * window, every digit but the last nine is one cached string, and a number's last nine digits are
 * the window's low part plus the distance into the window, in plain small-integer arithmetic. Of
 * those nine, the last three come from a table and the six above them are cached with the head
 * for the block of a thousand positions last asked for, so a run of neighbouring numbers (a
 * PutRecords' results, a GetRecords' records) costs one concatenation each and no
 * integer-to-string conversion: that conversion was a tenth of the embedded PutRecords' CPU
 * (bench/RESULTS.md). A position outside the window moves it (one bigint formatting).
 */
export class ShardSequencer {
  readonly epoch: number;
  readonly shardIndex: number;
  private readonly high: bigint;
  private windowStart = 0;
  private head = '';
  private low = 0;
  /** The block (low digits / 1000) whose prefix is cached, and that prefix: every digit but the last three. */
  private block = -1;
  private blockPrefix = '';

  constructor(epoch: number, shardIndex: number) {
    this.epoch = epoch;
    this.shardIndex = shardIndex;
    this.high = base(epoch, shardIndex);
    this.moveWindow(0);
  }

  /** The shard's StartingSequenceNumber: below every record's number. */
  get starting(): string {
    return this.at(0);
  }

  /** The sequence number of the record stored at log `offset`. */
  forOffset(offset: number): string {
    return this.at(offset + 1);
  }

  at(position: number): string {
    const d = position - this.windowStart;
    let low = this.low + d;
    if (d < 0 || low >= WINDOW) {
      this.moveWindow(position);
      low = this.low;
    }
    const block = (low / TAIL) | 0;
    if (block !== this.block) {
      const digits = String(block);
      this.block = block;
      this.blockPrefix = this.head + ZEROS[BLOCK_DIGITS - digits.length] + digits;
    }
    return this.blockPrefix + TAILS[low - block * TAIL]!;
  }

  private moveWindow(position: number): void {
    const text = (this.high | BigInt(position)).toString();
    this.windowStart = position;
    this.head = text.slice(0, text.length - WINDOW_DIGITS);
    this.low = Number(text.slice(text.length - WINDOW_DIGITS));
    this.block = -1;
  }
}

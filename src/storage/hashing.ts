// MD5 of partition keys, per batch: routing a PutRecords call hashes every key in one native call,
// and a packed batch is routed (and split per range) in one native call.
import {
  ROUTE_FAIL_BAD_END, ROUTE_FAIL_MALFORMED, ROUTE_FAIL_PAST_END, ROUTE_FAIL_TOO_LARGE, ROUTE_MEMO_ENTRY_BYTES,
} from '../core/constants.js';
import { InvalidArgumentError, RecordTooLargeError } from '../errors.js';
import { native } from './native.js';

/** MD5 digests of `keys` (UTF-8), 16 bytes each, concatenated in order. */
export function md5Keys(keys: readonly string[]): Buffer {
  const ends = new Uint32Array(keys.length);
  let ascii = true;
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string') throw new InvalidArgumentError(`keys[${i}] must be a string`);
    total += k.length;
    ends[i] = total;
  }
  const joined = keys.join('');
  const bytes = Buffer.from(joined, 'utf8');
  if (bytes.length !== total) ascii = false;
  if (!ascii) {
    // Multi-byte characters: byte ends differ from string lengths.
    let end = 0;
    for (let i = 0; i < keys.length; i++) {
      end += Buffer.byteLength(keys[i], 'utf8');
      ends[i] = end;
    }
  }
  return native.md5Keys(bytes, ends);
}

/**
 * For each 16-byte big-endian hash in `hashes`, the index of the range it falls in, where
 * `starts` holds the sorted 16-byte starting keys of contiguous ranges (the first must be 0).
 */
export function bucketize(hashes: Uint8Array, starts: Uint8Array): Uint32Array {
  if (hashes.byteLength % 16 !== 0 || starts.byteLength % 16 !== 0 || starts.byteLength === 0) {
    throw new InvalidArgumentError('hashes and starts must be non-empty multiples of 16 bytes');
  }
  return native.bucketize(hashes, starts);
}

/** Bytes of one entry of a routing memo (native/route_packed.cc). */
export { ROUTE_MEMO_ENTRY_BYTES };

/** A packed batch grouped by hash-key range; see groupPacked. */
export interface PackedGroups {
  /** Groups in first-seen order. */
  groups: number;
  /** For record i: its range, its group, its rank within the group. */
  rangeOf: Uint32Array;
  groupOf: Uint32Array;
  rank: Uint32Array;
  /** Per group g, at 4g…4g+3: range, records, packed bytes, data bytes. */
  parts: Uint32Array;
  /** Keys looked up in the memo, and found there. */
  memoLookups: number;
  memoHits: number;
}

/**
 * Routes `count` packed records (docs/ARCHITECTURE.md, "Record") in one native call: the MD5 of
 * each partition key (or its explicit hash key) placed among `starts` (sorted 16-byte range
 * starts, the first 0), records grouped by range in first-seen order. With more than one group
 * and an `out` of at least the payload's length, the groups are copied there back to back, in
 * group order, each keeping its records' order. `memo` (a multiple of ROUTE_MEMO_ENTRY_BYTES,
 * zeroed when new, used with these `starts` only) remembers the ranges of keys seen before.
 * Throws InvalidArgumentError unless the records fill the payload exactly, and
 * RecordTooLargeError for data longer than `maxDataBytes`.
 */
export function groupPacked(payload: Uint8Array, count: number, starts: Uint8Array, maxDataBytes: number, memo: Uint8Array, out: Uint8Array): PackedGroups {
  if (!(payload instanceof Uint8Array) || !(memo instanceof Uint8Array) || !(out instanceof Uint8Array)) {
    throw new InvalidArgumentError('payload, memo and out must be Uint8Arrays');
  }
  if (!Number.isSafeInteger(count) || count < 0 || count > 0xffffffff) throw new InvalidArgumentError('count must be a 32-bit unsigned integer');
  if (starts.byteLength % 16 !== 0 || starts.byteLength === 0) throw new InvalidArgumentError('starts must be a non-empty multiple of 16 bytes');
  if (memo.byteLength % ROUTE_MEMO_ENTRY_BYTES !== 0) throw new InvalidArgumentError(`memo must be a multiple of ${ROUTE_MEMO_ENTRY_BYTES} bytes`);
  const cols = new Uint32Array(3 * count + 2);
  const parts = new Uint32Array(4 * (starts.byteLength / 16));
  const groups = native.routePacked(payload, count, starts, Math.min(maxDataBytes, 0xffffffff), memo, out, cols, parts);
  if (groups === 0 && count > 0) {
    const [kind, i, pos, value] = parts;
    if (kind === ROUTE_FAIL_PAST_END) throw new InvalidArgumentError(`record ${i} starts past the end of the payload`);
    if (kind === ROUTE_FAIL_MALFORMED) throw new InvalidArgumentError(`record ${i} at byte ${pos} is not a well-formed packed record`);
    if (kind === ROUTE_FAIL_TOO_LARGE) throw new RecordTooLargeError(`record ${i}: data is ${value} bytes; the limit is ${maxDataBytes}`);
    if (kind === ROUTE_FAIL_BAD_END) throw new InvalidArgumentError(`${count} records end at byte ${pos} of a ${payload.byteLength}-byte payload`);
  }
  return {
    groups,
    rangeOf: cols.subarray(0, count),
    groupOf: cols.subarray(count, 2 * count),
    rank: cols.subarray(2 * count, 3 * count),
    parts,
    memoLookups: cols[3 * count]!,
    memoHits: cols[3 * count + 1]!,
  };
}

// The write path's core, shared by PutRecord(s) and the fast path: a batch of records is routed to
// the stream's open shards and packed, per shard, straight into the storage's packed record layout
// (docs/ARCHITECTURE.md, "Record"), so each shard gets one `appendPacked` call. Per batch: one MD5 call for the
// keys the route cache does not know, one bucketize call, one buffer allocation. Per record: a few
// typed-array stores and two copies; no objects, no promises. Packed batches (routePacked) are
// validated, hashed, grouped and copied in a single native call instead, with no per-record JS.
import {
  EXPLICIT_HASH_SIZE, MAX_BATCH_BYTES, MAX_PARTITION_KEY_BYTES, RECORD_HEADER_SIZE, R_FLAG_EXPLICIT_HASH, R_OFF_DATA_LEN,
  R_OFF_FLAGS, R_OFF_KEY_LEN, R_OFF_SIZE, R_OFF_TS_DELTA, BATCH_HEADER_SIZE,
} from '../core/constants.js';
import { InvalidArgumentError, RecordTooLargeError } from '../errors.js';
import { bucketize, groupPacked, md5Keys, type PackedGroups } from '../storage/hashing.js';
import type { Routing } from './engine.js';
import type { ShardHandle } from './shard-handle.js';

// Imported bindings are live and not constant-folded; the record loop reads these per byte.
const HEADER = RECORD_HEADER_SIZE;
const EHK = EXPLICIT_HASH_SIZE;
const FLAG_EHK = R_FLAG_EXPLICIT_HASH;
const OFF_SIZE = R_OFF_SIZE;
const OFF_TS = R_OFF_TS_DELTA;
const OFF_DATA = R_OFF_DATA_LEN;
const OFF_KEY = R_OFF_KEY_LEN;
const OFF_FLAGS = R_OFF_FLAGS;
const MAX_KEY = MAX_PARTITION_KEY_BYTES;
const MAX_PAYLOAD = MAX_BATCH_BYTES - BATCH_HEADER_SIZE;
/** Data up to this size is copied byte by byte: cheaper than TypedArray#set's call for tiny records. */
const SMALL_COPY = 16;

/** A batch as columns: record i is (keys[i], data[i], explicit?.[i]). */
export interface BatchColumns {
  keys: readonly string[];
  data: readonly Uint8Array[];
  /** 16-byte big-endian hash keys that override the partition key's MD5, where set. */
  explicit?: readonly (Uint8Array | undefined)[];
}

/** The records of the batch that go to one shard, packed. */
export interface ShardPart {
  handle: ShardHandle;
  count: number;
  /** Sum of data bytes. */
  dataBytes: number;
  payload: Buffer;
}

export interface RoutedBatch {
  parts: ShardPart[];
  /** The routing table's shards when the batch was routed, and record i's index into them. */
  handles: readonly ShardHandle[];
  slotOf: Uint32Array;
  /** For record i: index into `parts`, or REJECTED. */
  partOf: Uint32Array;
  /** For record i: its index within its part, so its offset is the part's first offset + rank. */
  rank: Uint32Array;
  /** Records refused by `admit`. */
  rejected: number;
  /** Data plus UTF-8 key bytes of every record, as AWS meters a request (routeBatch only; 0 from routePacked). */
  requestBytes: number;
  /** The pooled buffer behind the parts' payloads: give it back with releaseBatch once every append has settled. */
  buffer: Buffer | undefined;
}

export const REJECTED = 0xffffffff;

/** Decides whether one record (data + key bytes, as AWS meters it) may be written to a shard. */
export type Admit = (handle: ShardHandle, bytes: number) => boolean;

/** A cap on a whole request's data plus key bytes, and how to refuse one over it (the face's wording). */
export interface RequestLimit {
  maxBytes: number;
  refuse(): never;
}

/** UTF-8 length of a partition key, with a plain scan for the common all-ASCII key. */
export function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/**
 * Routes and packs a batch; throws InvalidArgumentError / RecordTooLargeError for a bad record
 * before anything is written. Records refused by `admit` are left out (partOf = REJECTED). A
 * request over `limit` is refused before any record is admitted (so throttling tokens are not
 * spent on it); the keys' UTF-8 lengths are measured once, here, for both.
 */
export function routeBatch(routing: Routing, cols: BatchColumns, maxRecordBytes: number, admit?: Admit, limit?: RequestLimit): RoutedBatch {
  const { keys, data, explicit } = cols;
  const n = keys.length;
  const { handles, router, cache } = routing;
  const single = handles.length === 1;
  const keyLen = new Uint16Array(n);
  const slotOf = new Uint32Array(n);
  const sizeOf = new Uint32Array(n);
  const dataOf = new Uint32Array(n);
  const misses = new Misses();
  let requestBytes = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const d = data[i]!;
    if (typeof k !== 'string') throw new InvalidArgumentError(`record ${i}: partitionKey must be a string`);
    if (!(d instanceof Uint8Array)) throw new InvalidArgumentError(`record ${i}: data must be a Uint8Array`);
    if (d.byteLength > maxRecordBytes) throw new RecordTooLargeError(`record ${i}: data is ${d.byteLength} bytes; the limit is ${maxRecordBytes}`);
    const len = utf8Length(k);
    if (len < 1 || len > MAX_KEY) throw new InvalidArgumentError(`record ${i}: partitionKey must be 1 to ${MAX_KEY} bytes of UTF-8, got ${len}`);
    keyLen[i] = len;
    dataOf[i] = d.byteLength;
    requestBytes += len + d.byteLength;
    const h = explicit?.[i];
    sizeOf[i] = HEADER + (h !== undefined ? EHK : 0) + len + d.byteLength;
    if (h !== undefined) {
      if (!(h instanceof Uint8Array) || h.byteLength !== EHK) throw new InvalidArgumentError(`record ${i}: explicit hash key must be ${EHK} bytes`);
      slotOf[i] = single ? 0 : router.routeBytes(h, 0);
    } else if (!single) {
      const slot = cache.get(k);
      if (slot >= 0) slotOf[i] = slot;
      else misses.add(k, i);
    }
  }
  if (limit !== undefined && requestBytes > limit.maxBytes) limit.refuse();
  misses.route(routing, slotOf);

  let rejected = 0;
  if (admit !== undefined) {
    for (let i = 0; i < n; i++) {
      if (admit(handles[slotOf[i]!]!, dataOf[i]! + keyLen[i]!)) continue;
      sizeOf[i] = 0;
      rejected++;
    }
  }
  const { parts, partOf, rank, sizes, total } = group(handles, slotOf, sizeOf, dataOf);
  const { out, cursor } = layout(routing, parts, sizes, total);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < n; i++) {
    const p = partOf[i]!;
    if (p === REJECTED) continue;
    cursor[p] = writeRecord(out, view, cursor[p]!, data[i]!, keys[i]!, keyLen[i]!, explicit?.[i]);
  }
  return { parts, handles, slotOf, partOf, rank, rejected, requestBytes, buffer: out };
}

/**
 * Routes a payload already in the packed layout (a producer's or the TCP protocol's batch) in one
 * native call (groupPacked): it validates the records, hashes their keys (remembering the slots
 * of keys seen before in the route cache's memo), groups them by shard and copies each group
 * into its slice of one pooled buffer. A batch whose records all go to one shard (always, for a
 * stream with one open shard) takes the payload as it is, with no copy. Throws
 * InvalidArgumentError when the entries do not fill the payload exactly.
 */
export function routePacked(routing: Routing, payload: Buffer, count: number, maxRecordBytes: number): RoutedBatch {
  const { handles, starts, cache } = routing;
  const multi = handles.length > 1;
  // Every record goes to some part, so the parts together are exactly the payload's size.
  let buffer = multi ? routing.pool.acquire(payload.length) : undefined;
  let grouped: PackedGroups;
  try {
    grouped = groupPacked(payload, count, starts, maxRecordBytes, multi ? cache.memoFor(count) : EMPTY, buffer ?? EMPTY);
  } catch (err) {
    if (buffer !== undefined) routing.pool.release(buffer);
    throw err;
  }
  const { groups, rangeOf, groupOf, rank, parts: sizes } = grouped;
  if (multi) cache.notePacked(grouped.memoLookups, grouped.memoHits);
  const parts: ShardPart[] = new Array(groups);
  let start = 0;
  for (let g = 0; g < groups; g++) {
    const bytes = sizes[4 * g + 2]!;
    if (bytes > MAX_PAYLOAD) {
      if (buffer !== undefined) routing.pool.release(buffer);
      throw new RecordTooLargeError(`the records for ${handles[sizes[4 * g]!]!.shardId} pack to ${bytes} bytes; one batch holds at most ${MAX_PAYLOAD}`);
    }
    const payloadOf = groups === 1 ? payload : buffer!.subarray(start, start + bytes);
    parts[g] = { handle: handles[sizes[4 * g]!]!, count: sizes[4 * g + 1]!, dataBytes: sizes[4 * g + 3]!, payload: payloadOf };
    start += bytes;
  }
  if (groups === 1 && buffer !== undefined) {
    routing.pool.release(buffer);
    buffer = undefined;
  }
  return { parts, handles, slotOf: rangeOf, partOf: groupOf, rank, rejected: 0, requestBytes: 0, buffer };
}

/** Keys the route cache did not know, routed together: one MD5 call, one bucketize call. */
class Misses {
  private keys: string[] | undefined;
  private at: number[] | undefined;

  add(key: string, index: number): void {
    (this.keys ??= []).push(key);
    (this.at ??= []).push(index);
  }

  route(routing: Routing, slotOf: Uint32Array): void {
    const keys = this.keys;
    if (keys === undefined) return;
    const slots = bucketize(md5Keys(keys), routing.starts);
    for (let j = 0; j < keys.length; j++) {
      slotOf[this.at![j]!] = slots[j]!;
      routing.cache.set(keys[j]!, slots[j]!);
    }
  }
}

/**
 * Parts in first-seen order, each record's part and rank within it, bytes per part. `sizeOf` and
 * `dataOf` are a record's packed and data sizes; a packed size of 0 (never a real record's, whose
 * header alone is 16 bytes) leaves it out.
 */
function group(handles: readonly ShardHandle[], slotOf: Uint32Array, sizeOf: Uint32Array, dataOf: Uint32Array) {
  const n = slotOf.length;
  const partOfSlot = new Int32Array(handles.length).fill(-1);
  const parts: ShardPart[] = [];
  const sizes: number[] = [];
  const partOf = new Uint32Array(n);
  const rank = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const slot = slotOf[i]!;
    if (sizeOf[i] === 0) {
      partOf[i] = REJECTED;
      continue;
    }
    let p = partOfSlot[slot]!;
    if (p < 0) {
      p = partOfSlot[slot] = parts.length;
      parts.push({ handle: handles[slot]!, count: 0, dataBytes: 0, payload: EMPTY });
      sizes.push(0);
    }
    const part = parts[p]!;
    partOf[i] = p;
    rank[i] = part.count++;
    part.dataBytes += dataOf[i]!;
    sizes[p] += sizeOf[i]!;
  }
  let total = 0;
  for (let p = 0; p < parts.length; p++) {
    if (sizes[p]! > MAX_PAYLOAD) throw new RecordTooLargeError(`the records for ${parts[p]!.handle.shardId} pack to ${sizes[p]} bytes; one batch holds at most ${MAX_PAYLOAD}`);
    total += sizes[p]!;
  }
  return { parts, partOf, rank, total, sizes };
}

/** One pooled buffer for all parts; each part's payload a contiguous slice, and its write cursor. */
function layout(routing: Routing, parts: ShardPart[], sizes: readonly number[], total: number): { out: Buffer; cursor: number[] } {
  const out = routing.pool.acquire(total);
  const cursor = new Array<number>(parts.length);
  let start = 0;
  for (let p = 0; p < parts.length; p++) {
    cursor[p] = start;
    start += sizes[p]!;
    parts[p]!.payload = out.subarray(cursor[p]!, start);
  }
  return { out, cursor };
}

const EMPTY = Buffer.alloc(0);

/** Gives the batch's buffer back to the pool; call once every append of the batch has settled. */
export function releaseBatch(routing: Routing, batch: RoutedBatch): void {
  if (batch.buffer !== undefined) routing.pool.release(batch.buffer);
  batch.buffer = undefined;
}

/** Writes one packed record at `pos` (arrival delta 0: the log stamps the batch) and returns the end. */
function writeRecord(out: Buffer, view: DataView, pos: number, data: Uint8Array, key: string, keyLen: number, hash: Uint8Array | undefined): number {
  const dl = data.byteLength;
  const size = HEADER + (hash !== undefined ? EHK : 0) + keyLen + dl;
  // Through a DataView: one bounds-checked store per field, where byte stores took one per byte
  // (the same trade as the readers' in core/record-pack.ts). The buffer was sized for exactly
  // these records.
  view.setUint32(pos + OFF_SIZE, size, true);
  view.setUint32(pos + OFF_TS, 0, true);
  view.setUint32(pos + OFF_DATA, dl, true);
  view.setUint16(pos + OFF_KEY, keyLen, true);
  view.setUint16(pos + OFF_FLAGS, hash !== undefined ? FLAG_EHK : 0, true);
  let p = pos + HEADER;
  if (hash !== undefined) {
    out.set(hash, p);
    p += EHK;
  }
  // keyLen equals the string's length only when every character is ASCII: one byte each.
  if (keyLen === key.length) for (let c = 0; c < keyLen; c++) out[p + c] = key.charCodeAt(c);
  else out.write(key, p, keyLen, 'utf8');
  p += keyLen;
  if (dl <= SMALL_COPY) for (let c = 0; c < dl; c++) out[p + c] = data[c]!;
  else out.set(data, p);
  return p + dl;
}

// PutRecords' entries already in the packed record layout (docs/ARCHITECTURE.md, "Record"), as a
// face that reads the request's bytes itself hands them over (the HTTP face's JSON scanner,
// server/http/put-records-scan.ts). putRecords then routes them in one native call (routePacked),
// as the TCP face's batches are, instead of hashing 500 key strings and copying 500 Data buffers
// into a packed buffer of its own.
//
// The input keeps its AWS shape: `Records` is built from the packed bytes when something reads it
// (a path that needs the objects: provisioned throttling, a request the fast checks do not pass,
// so that validation words its errors as for any other). The packed form sits beside it under
// PACKED_PUT, not enumerable.
import { Buffer } from 'node:buffer';
import { RecordCursor } from '../../core/record-pack.js';
import { BufferPool } from '../../core/buffer-pool.js';
import type { PutRecordsRequestEntry } from './shapes.js';

export const PACKED_PUT: unique symbol = Symbol('millrace.packedPut');

/**
 * Payload buffers, taken back once PutRecords has appended them: a fresh ~60 KB buffer per request
 * is external memory, and V8 answers its growth with full collections (core/buffer-pool.ts).
 */
const payloads = new BufferPool({ maxBuffers: 64 });

/** A buffer of at least `size` bytes for packed entries, to hand to PackedPutEntries as `pooled`. */
export function payloadBuffer(size: number): Buffer {
  return payloads.acquire(size);
}

export class PackedPutEntries {
  constructor(
    /** `count` packed records: ASCII partition keys of 1 to 256 characters, no explicit hash keys. */
    readonly payload: Buffer,
    readonly count: number,
    /** Data and key bytes of all records: what PutRecords' 10 MiB limit counts. */
    readonly bytes: number,
    /** The longest Data. */
    readonly maxDataBytes: number,
    /** The pool buffer `payload` views (from payloadBuffer), given back by release(). */
    private readonly pooled?: Buffer,
  ) {}

  /**
   * Called by putRecords once its appends of these entries have settled and nothing of the payload
   * is held (the results hold offsets only); not called on a path that built the objects, whose
   * Data views the payload. Once.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.pooled !== undefined) payloads.release(this.pooled);
  }

  #released = false;

  /** The entries in AWS's shape: Data views the payload, keys are strings. */
  toEntries(): PutRecordsRequestEntry[] {
    if (this.#released) throw new Error('packed PutRecords entries read after their payload was given back');
    const out = new Array<PutRecordsRequestEntry>(this.count);
    const c = new RecordCursor(this.payload, 0, this.payload.length, 0, 0);
    for (let i = 0; c.next(); i++) out[i] = { Data: c.data(), PartitionKey: c.partitionKey() };
    return out;
  }
}

/**
 * A PutRecords input over packed entries: `rest` (the stream reference members) plus a `Records`
 * built on first read, and the entries under PACKED_PUT.
 */
export function packedPutInput(rest: Record<string, unknown>, entries: PackedPutEntries): Record<string, unknown> {
  let records: PutRecordsRequestEntry[] | undefined;
  Object.defineProperty(rest, 'Records', {
    enumerable: true,
    configurable: true,
    get: () => (records ??= entries.toEntries()),
    set: (v: PutRecordsRequestEntry[]) => {
      records = v;
    },
  });
  Object.defineProperty(rest, PACKED_PUT, { value: entries });
  return rest;
}

/** The packed entries an input carries, if any. */
export function packedPutOf(input: unknown): PackedPutEntries | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const packed = (input as { [PACKED_PUT]?: unknown })[PACKED_PUT];
  return packed instanceof PackedPutEntries ? packed : undefined;
}

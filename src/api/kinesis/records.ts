// Stored records in AWS's shape, shared by GetRecords and SubscribeToShard. `Data` is a zero-copy
// Uint8Array view of the log (or of a decoded batch), valid as long as the caller holds it.
import { RecordCursor } from '../../core/record-pack.js';
import type { ShardSequencer } from '../../core/sequence-number.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { PackedBatch } from '../../streams/subscriptions.js';
import { PutResults } from './put.js';
import type { KinesisRecord } from './shapes.js';

export interface BuiltRecords {
  records: KinesisRecord[];
  /** How many records (records.length, or what a PackedRecords holds). */
  count: number;
  /** Data bytes, for metrics and the read throttle. */
  bytes: number;
  /** Arrival time of the last record (0 when none), for MillisBehindLatest. */
  lastTimestamp: number;
}

/**
 * Records in AWS's shape straight from packed batches (a cursor per batch, no intermediate record
 * object): the read path of GetRecords and SubscribeToShard.
 */
export function kinesisRecordsOf(stream: StreamEntry, seq: ShardSequencer, batches: readonly PackedBatch[]): BuiltRecords {
  const encrypted = stream.encryptionType === 'KMS';
  let count = 0;
  for (const b of batches) count += b.recordCount;
  const records: KinesisRecord[] = new Array(count);
  let bytes = 0;
  let lastTimestamp = 0;
  let i = 0;
  for (const b of batches) {
    const c = new RecordCursor(b.payload, 0, b.payload.length, b.firstOffset, b.baseTimestamp);
    while (c.next()) {
      const k: KinesisRecord = {
        SequenceNumber: seq.forOffset(c.offset),
        ApproximateArrivalTimestamp: new Date(c.timestamp),
        Data: c.dataView(),
        PartitionKey: c.partitionKey(),
      };
      if (encrypted) k.EncryptionType = 'KMS';
      records[i++] = k;
      bytes += c.dataLength;
      lastTimestamp = c.timestamp;
    }
  }
  return { records, count, bytes, lastTimestamp };
}

/**
 * GetRecords' records left in the log's packed batches, for a face that encodes them itself: the
 * HTTP face's JSON writes them straight into the response (src/server/http/records-json.ts)
 * instead of building a record object, a Date and a view per record and then converting each.
 * Asked for with KinesisContext.packedRecords (which also leaves PutRecords' results unbuilt); the
 * output then holds it under PACKED_RECORDS (not enumerable, so JSON.stringify and the CBOR encoder
 * do not see it) and `Records` is empty.
 */
export class PackedRecords {
  constructor(
    readonly stream: StreamEntry,
    readonly sequencer: ShardSequencer,
    readonly batches: readonly PackedBatch[],
  ) {}

  get encrypted(): boolean {
    return this.stream.encryptionType === 'KMS';
  }

  /** The same records as objects in AWS's shape. */
  toRecords(): KinesisRecord[] {
    return kinesisRecordsOf(this.stream, this.sequencer, this.batches).records;
  }
}

/** Where an output keeps its unbuilt records: GetRecords' PackedRecords, PutRecords' PutResults (put.ts). */
export const PACKED_RECORDS: unique symbol = Symbol('millrace.packedRecords');

/** The unbuilt records an output carries, if any. */
export function packedRecordsOf(output: unknown): PackedRecords | PutResults | undefined {
  if (output === null || typeof output !== 'object') return undefined;
  const packed = (output as { [PACKED_RECORDS]?: unknown })[PACKED_RECORDS];
  return packed instanceof PackedRecords || packed instanceof PutResults ? packed : undefined;
}

/** What kinesisRecordsOf reports, without building the records (for a PackedRecords). */
export function packedRecordsStats(stream: StreamEntry, seq: ShardSequencer, batches: readonly PackedBatch[]): BuiltRecords & { packed: PackedRecords } {
  let count = 0;
  let bytes = 0;
  let lastTimestamp = 0;
  for (const b of batches) {
    const c = new RecordCursor(b.payload, 0, b.payload.length, b.firstOffset, b.baseTimestamp);
    while (c.next()) {
      count++;
      bytes += c.dataLength;
      lastTimestamp = c.timestamp;
    }
  }
  return { records: [], count, bytes, lastTimestamp, packed: new PackedRecords(stream, seq, batches) };
}

/** MillisBehindLatest of a read that stopped at `nextOffset` of a shard whose records end at `endOffset`: 0 at the tip. */
export function millisBehind(now: number, built: BuiltRecords, nextOffset: number, endOffset: number): number {
  return nextOffset >= endOffset || built.count === 0 ? 0 : Math.max(0, now - built.lastTimestamp);
}

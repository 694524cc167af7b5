// Stored records in AWS's shape, shared by GetRecords and SubscribeToShard. `Data` is a zero-copy
// Uint8Array view of the log (or of a decoded batch), valid as long as the caller holds it.
import { RecordCursor } from '../../core/record-pack.js';
import type { ShardSequencer } from '../../core/sequence-number.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { PackedBatch } from '../../streams/subscriptions.js';
import type { KinesisRecord } from './shapes.js';

export interface BuiltRecords {
  records: KinesisRecord[];
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
  return { records, bytes, lastTimestamp };
}

/** MillisBehindLatest of a read that stopped at `nextOffset` of a shard whose records end at `endOffset`: 0 at the tip. */
export function millisBehind(now: number, built: BuiltRecords, nextOffset: number, endOffset: number): number {
  return nextOffset >= endOffset || built.records.length === 0 ? 0 : Math.max(0, now - built.lastTimestamp);
}

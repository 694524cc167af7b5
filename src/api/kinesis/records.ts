// Stored records in AWS's shape, shared by GetRecords and SubscribeToShard. `Data` is the log's
// zero-copy view (a Buffer, hence a Uint8Array): valid as long as the caller holds it.
import type { ShardSequencer } from '../../core/sequence-number.js';
import type { StoredRecord } from '../../storage/types.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { KinesisRecord } from './shapes.js';

export function toKinesisRecords(stream: StreamEntry, seq: ShardSequencer, records: readonly StoredRecord[]): KinesisRecord[] {
  const encrypted = stream.encryptionType === 'KMS';
  const out: KinesisRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const k: KinesisRecord = {
      SequenceNumber: seq.forOffset(r.offset),
      ApproximateArrivalTimestamp: new Date(r.timestamp),
      Data: r.data,
      PartitionKey: r.partitionKey,
    };
    if (encrypted) k.EncryptionType = 'KMS';
    out[i] = k;
  }
  return out;
}

export function byteSize(records: readonly StoredRecord[]): number {
  let n = 0;
  for (const r of records) n += r.data.byteLength;
  return n;
}

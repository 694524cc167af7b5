// Where a GetBatch or Subscribe starts: a wire Position resolved to an offset in the shard. Offsets
// are the protocol's own positions; sequence numbers and Kinesis iterators are accepted for
// compatibility and resolved through the same operations the HTTP face uses.
import { shardIndexOf } from '../../core/ids.js';
import { decodeSequenceNumber } from '../../core/sequence-number.js';
import { KinesisError } from '../../api/errors.js';
import type { Position } from '../../protocol/index.js';
import type { TcpEngine } from './options.js';

const FAR = Number.MAX_SAFE_INTEGER - 1;

/** The shard's end offset now (where LATEST starts). */
export async function endOffsetOf(mr: TcpEngine, streamName: string, shardId: string): Promise<number> {
  return (await mr.fast.read(streamName, shardId, { offset: FAR, maxRecords: 1 })).endOffset;
}

/** The sequence number of the record at `offset` in the shard. */
export async function sequenceNumberAt(mr: TcpEngine, streamName: string, shardId: string, offset: number): Promise<string> {
  return (await mr.fast.read(streamName, shardId, { offset: FAR, maxRecords: 1 })).sequenceNumber(offset);
}

function sequenceOffset(shardId: string, sequenceNumber: string, after: boolean): number {
  const parts = decodeSequenceNumber(sequenceNumber);
  if (!parts || parts.shardIndex !== shardIndexOf(shardId)) {
    throw new KinesisError('InvalidArgumentException', `Invalid StartingSequenceNumber ${sequenceNumber} for shard ${shardId}`);
  }
  // position 0 is "before the first record"; otherwise offset + 1.
  if (parts.position === 0) return 0;
  return after ? parts.position : parts.position - 1;
}

/** Offset of the record a Kinesis iterator points at, found by reading one record through it. */
async function iteratorOffset(mr: TcpEngine, streamName: string, shardId: string, iterator: string): Promise<number> {
  const res = await mr.kinesis.getRecords({ ShardIterator: iterator, Limit: 1 });
  const first = res.Records[0];
  if (first?.SequenceNumber) return sequenceOffset(shardId, first.SequenceNumber, false);
  return endOffsetOf(mr, streamName, shardId);
}

export async function resolvePosition(mr: TcpEngine, streamName: string, shardId: string, p: Position): Promise<number> {
  switch (p.type) {
    case 'AT_OFFSET':
      return p.offset;
    case 'AFTER_OFFSET':
      return p.offset + 1;
    case 'AT_SEQUENCE_NUMBER':
      return sequenceOffset(shardId, p.sequenceNumber, false);
    case 'AFTER_SEQUENCE_NUMBER':
      return sequenceOffset(shardId, p.sequenceNumber, true);
    case 'LATEST':
      return endOffsetOf(mr, streamName, shardId);
    case 'TRIM_HORIZON': {
      const res = await mr.fast.read(streamName, shardId, { maxRecords: 1 });
      return res.records[0]?.offset ?? res.nextOffset;
    }
    case 'AT_TIMESTAMP': {
      const { ShardIterator } = await mr.kinesis.getShardIterator({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Date(p.timestampMs),
      });
      return iteratorOffset(mr, streamName, shardId, ShardIterator!);
    }
    case 'SHARD_ITERATOR':
      return iteratorOffset(mr, streamName, shardId, p.shardIterator);
  }
}

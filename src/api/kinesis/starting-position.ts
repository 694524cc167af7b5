// Where a reader starts, for GetShardIterator and SubscribeToShard: the five iterator types turned
// into a log offset, with AWS's checks and wording. Sequence numbers name their shard and stream
// incarnation (src/core/sequence-number.ts), so one from another shard or an earlier stream of the
// same name is refused rather than silently misread.
import { shardIdOf } from '../../core/ids.js';
import { decodeSequenceNumber } from '../../core/sequence-number.js';
import type { ShardEntry, StreamEntry } from '../../streams/catalog.js';
import type { ShardHandle } from '../../streams/shard-handle.js';
import { fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { ShardIteratorType } from './shapes.js';

export interface Position {
  type: ShardIteratorType;
  sequenceNumber?: string;
  timestamp?: Date;
}

export async function startingOffset(ctx: KinesisContext, stream: StreamEntry, shard: ShardEntry, handle: ShardHandle, p: Position): Promise<number> {
  const { engine } = ctx;
  const shardId = shardIdOf(shard.index);
  const bySequence = p.type === 'AT_SEQUENCE_NUMBER' || p.type === 'AFTER_SEQUENCE_NUMBER';
  if (bySequence && p.sequenceNumber === undefined) fail('InvalidArgumentException', msg.iteratorTypeNeedsSequence(p.type));
  if (!bySequence && p.sequenceNumber !== undefined) fail('InvalidArgumentException', msg.iteratorTypeForbidsSequence(p.type));

  switch (p.type) {
    case 'TRIM_HORIZON':
      return engine.trimHorizon(stream, handle);
    case 'LATEST':
      return engine.endOffset(handle);
    case 'AT_TIMESTAMP': {
      if (p.timestamp === undefined) fail('InvalidArgumentException', msg.timestampMissing());
      const ts = p.timestamp.getTime();
      const now = engine.now();
      if (ts > now) fail('InvalidArgumentException', msg.timestampInFuture(ts, now));
      return engine.offsetAtTimestamp(handle, Math.max(0, Math.floor(ts)));
    }
    default: {
      const seq = p.sequenceNumber!;
      const parts = decodeSequenceNumber(seq);
      if (!parts) fail('InvalidArgumentException', msg.startingSequenceInvalid(seq, shardId, stream.name, engine.account));
      if (parts.shardIndex !== shard.index) fail('InvalidArgumentException', msg.startingSequenceOtherShard(parts.shardIndex, shardId));
      if (parts.epoch !== stream.epoch) fail('InvalidArgumentException', msg.startingSequenceOtherStream(seq, shardId, stream.name, engine.account));
      // Position p names the record at offset p - 1 (0 is the shard's starting number).
      return p.type === 'AT_SEQUENCE_NUMBER' ? Math.max(0, parts.position - 1) : parts.position;
    }
  }
}

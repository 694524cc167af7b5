// GetShardIterator: an opaque iterator for a shard position, valid for 5 minutes. Closed shards
// (parents of a reshard) stay readable until retention removes them.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html
import { validateInput, SEQUENCE_NUMBER, SHARD_ID, STREAM_REF } from '../validate.js';
import { fail, liveStream, shardById } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import { SHARD_ITERATOR_TYPES, type GetShardIteratorInput, type GetShardIteratorOutput } from './shapes.js';
import { startingOffset } from './starting-position.js';

const shape = {
  type: 'structure',
  members: {
    ...STREAM_REF,
    ShardId: { ...SHARD_ID, required: true },
    ShardIteratorType: { type: 'string', enum: SHARD_ITERATOR_TYPES, required: true },
    StartingSequenceNumber: SEQUENCE_NUMBER,
    Timestamp: { type: 'timestamp' },
  },
} as const;

export async function getShardIterator(ctx: KinesisContext, input: GetShardIteratorInput): Promise<GetShardIteratorOutput> {
  const req = validateInput<GetShardIteratorInput>(input, shape);
  const { engine } = ctx;
  const stream = liveStream(ctx, req);
  const shard = shardById(stream, req.ShardId);
  if (!shard) fail('ResourceNotFoundException', msg.shardDoesNotExist(req.ShardId, stream.name, engine.account));
  const handle = engine.handle(stream, shard);
  const offset = await startingOffset(ctx, stream, shard, handle, {
    type: req.ShardIteratorType,
    sequenceNumber: req.StartingSequenceNumber,
    timestamp: req.Timestamp,
  });
  return {
    ShardIterator: engine.tokens.encode({ streamName: stream.name, epoch: stream.epoch, shardIndex: shard.index, offset, createdAt: engine.now() }),
  };
}

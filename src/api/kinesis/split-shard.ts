// SplitShard: closes a shard and opens two children dividing its hash-key range at
// NewStartingHashKey. The stream is UPDATING until the split is applied (updateStreamDelayMs).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SplitShard.html
import { shardIdOf } from '../../core/ids.js';
import { validateInput, HASH_KEY, SHARD_ID, STREAM_REF } from '../validate.js';
import { activeStream, checkShardLimit, fail, shardById } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { EmptyOutput, SplitShardInput } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    ...STREAM_REF,
    ShardToSplit: { ...SHARD_ID, required: true },
    NewStartingHashKey: { ...HASH_KEY, required: true },
  },
} as const;

export async function splitShard(ctx: KinesisContext, input: SplitShardInput): Promise<EmptyOutput> {
  const req = validateInput<SplitShardInput>(input, shape);
  const { engine } = ctx;
  const stream = activeStream(ctx, req);
  const shard = shardById(stream, req.ShardToSplit);
  if (!shard) fail('ResourceNotFoundException', msg.couldNotFindShard(req.ShardToSplit, stream.name, engine.account));
  const shardId = shardIdOf(shard.index);
  if (shard.closedAt !== undefined) fail('InvalidArgumentException', msg.shardClosed(shardId, stream.name, engine.account));
  const key = BigInt(req.NewStartingHashKey);
  if (key <= BigInt(shard.start) + 1n || key >= BigInt(shard.end)) {
    fail('InvalidArgumentException', msg.splitKeyOutOfRange(req.NewStartingHashKey, shardId, stream.name, engine.account, shard.start, shard.end));
  }
  checkShardLimit(ctx, 1);
  await engine.update(stream, { kind: 'split', shard: shard.index, newStartingHashKey: key.toString() });
  return {};
}

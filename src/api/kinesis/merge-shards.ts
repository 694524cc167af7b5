// MergeShards: closes two adjacent open shards and opens one child covering both ranges, with
// ParentShardId = ShardToMerge and AdjacentParentShardId = AdjacentShardToMerge.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_MergeShards.html
import { shardIdOf } from '../../core/ids.js';
import { validateInput, SHARD_ID, STREAM_REF } from '../validate.js';
import { activeStream, fail, shardById } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { EmptyOutput, MergeShardsInput } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    ...STREAM_REF,
    ShardToMerge: { ...SHARD_ID, required: true },
    AdjacentShardToMerge: { ...SHARD_ID, required: true },
  },
} as const;

export async function mergeShards(ctx: KinesisContext, input: MergeShardsInput): Promise<EmptyOutput> {
  const req = validateInput<MergeShardsInput>(input, shape);
  const { engine } = ctx;
  const stream = activeStream(ctx, req);
  const a = shardById(stream, req.ShardToMerge);
  if (!a) fail('ResourceNotFoundException', msg.couldNotFindShard(req.ShardToMerge, stream.name, engine.account));
  const b = shardById(stream, req.AdjacentShardToMerge);
  if (!b) fail('ResourceNotFoundException', msg.couldNotFindShard(req.AdjacentShardToMerge, stream.name, engine.account));
  for (const s of [a, b]) {
    if (s.closedAt !== undefined) fail('InvalidArgumentException', msg.shardClosed(shardIdOf(s.index), stream.name, engine.account));
  }
  const adjacent = BigInt(a.end) + 1n === BigInt(b.start) || BigInt(b.end) + 1n === BigInt(a.start);
  if (!adjacent) fail('InvalidArgumentException', msg.notAdjacent(shardIdOf(a.index), shardIdOf(b.index), stream.name, engine.account));
  await engine.update(stream, { kind: 'merge', shard: a.index, adjacent: b.index });
  return {};
}

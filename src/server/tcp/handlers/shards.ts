// Shard listing and resharding: the AWS-shaped operations, called with the wire's fields.
import type {
  ChildShard,
  Empty,
  ListShardsRequest,
  ListShardsResponse,
  MergeShardsRequest,
  SplitShardRequest,
  UpdateShardCountRequest,
  UpdateShardCountResponse,
} from '../../../protocol/index.js';
import type { TcpEngine } from '../options.js';
import type { Handler } from './context.js';

export const listShards: Handler<ListShardsRequest, ListShardsResponse> = async ({ mr }, req) => {
  const out = await mr.kinesis.listShards({
    StreamName: req.streamName,
    ...(req.exclusiveStartShardId ? { ExclusiveStartShardId: req.exclusiveStartShardId } : {}),
    ...(req.limit > 0 ? { MaxResults: req.limit } : {}),
  });
  return {
    shards: (out.Shards ?? []).map((s) => ({
      shardId: s.ShardId,
      parentShardId: s.ParentShardId ?? '',
      adjacentParentShardId: s.AdjacentParentShardId ?? '',
      startingHashKey: BigInt(s.HashKeyRange.StartingHashKey),
      endingHashKey: BigInt(s.HashKeyRange.EndingHashKey),
      startingSequenceNumber: s.SequenceNumberRange.StartingSequenceNumber,
      endingSequenceNumber: s.SequenceNumberRange.EndingSequenceNumber ?? '',
    })),
    hasMore: out.NextToken !== undefined,
  };
};

/** Children of a closed shard, for a records result at SHARD_END. */
export async function childShardsOf(mr: TcpEngine, streamName: string, shardId: string): Promise<ChildShard[]> {
  const children: ChildShard[] = [];
  let token: string | undefined;
  do {
    const out = await mr.kinesis.listShards(token ? { NextToken: token } : { StreamName: streamName });
    for (const s of out.Shards ?? []) {
      const parents = [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => p !== undefined);
      if (!parents.includes(shardId)) continue;
      children.push({
        shardId: s.ShardId,
        parentShards: parents,
        startingHashKey: BigInt(s.HashKeyRange.StartingHashKey),
        endingHashKey: BigInt(s.HashKeyRange.EndingHashKey),
      });
    }
    token = out.NextToken;
  } while (token);
  return children;
}

export const updateShardCount: Handler<UpdateShardCountRequest, UpdateShardCountResponse> = async ({ mr }, req) => {
  const out = await mr.kinesis.updateShardCount({ StreamName: req.streamName, TargetShardCount: req.targetShardCount, ScalingType: req.scalingType });
  return { currentShardCount: out.CurrentShardCount ?? 0, targetShardCount: out.TargetShardCount ?? req.targetShardCount };
};

export const splitShard: Handler<SplitShardRequest, Empty> = async ({ mr }, req) => {
  await mr.kinesis.splitShard({ StreamName: req.streamName, ShardToSplit: req.shardToSplit, NewStartingHashKey: req.newStartingHashKey.toString() });
  return {};
};

export const mergeShards: Handler<MergeShardsRequest, Empty> = async ({ mr }, req) => {
  await mr.kinesis.mergeShards({ StreamName: req.streamName, ShardToMerge: req.shardToMerge, AdjacentShardToMerge: req.adjacentShardToMerge });
  return {};
};

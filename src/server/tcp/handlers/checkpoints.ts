// Consumer-group checkpoints (CommitCheckpoint, FetchCheckpoint), kept by the server's store.
import type { CommitCheckpointRequest, Empty, FetchCheckpointRequest, FetchCheckpointResponse } from '../../../protocol/index.js';
import type { Handler } from './context.js';

export const commitCheckpoint: Handler<CommitCheckpointRequest, Empty> = async ({ mr, checkpoints }, req) => {
  // The shard must exist: a checkpoint for a typo would otherwise be kept forever.
  await mr.fast.read(req.streamName, req.shardId, { offset: Number.MAX_SAFE_INTEGER - 1, maxRecords: 1 });
  await checkpoints.commit(req, req.offset, req.shardEnd, req.metadata, Date.now());
  return {};
};

export const fetchCheckpoint: Handler<FetchCheckpointRequest, FetchCheckpointResponse> = async ({ checkpoints }, req) => {
  return { checkpoint: (await checkpoints.fetch(req)) ?? null };
};

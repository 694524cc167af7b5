// The data path: PutBatch, GetBatch and GetShardIterator over the engine's fast API. Puts arrive
// packed and are handed on as views of the frame; reads leave as the log's packed batches (record-views.ts).
import { FRAME_HEADER_SIZE, type GetBatchRequest, type GetBatchResponse, type GetShardIteratorRequest, type GetShardIteratorResponse, type PutBatchRequest, type PutBatchResponse } from '../../../protocol/index.js';
import { resolvePosition, sequenceNumberAt } from '../positions.js';
import { slicePacked } from '../record-views.js';
import type { FastBatch } from '../../../api/fast/read-shard.js';
import { ErrorCodes, MillraceError } from '../../../errors.js';
import type { HandlerContext, Handler } from './context.js';
import { childShardsOf } from './shards.js';

/** Frame bytes of a records result besides its batches; child shards get a generous allowance. */
const RESULT_RESERVE = FRAME_HEADER_SIZE + 21 + 8 * 1024;

export const putBatch: Handler<PutBatchRequest, PutBatchResponse> = async (ctx, req) => {
  if (req.codec !== 0) throw new MillraceError(ErrorCodes.MR_FEATURE_NOT_NEGOTIATED, 'LZ4 batches need the LZ4 feature, which this server does not grant');
  const stampedAt = Date.now();
  // The frame's payload as received: records bound for one shard are stored from it without a copy.
  // putPacked settles only once every append has (allSettled), and the connection gives a pooled
  // frame buffer back only after that, so the bytes stay put until written. A batch aimed at one
  // shard (a producer that routes itself) is checked by the same routing pass: every record must
  // hash into that open shard, or nothing is stored (the producer's shard map is stale).
  const out = await ctx.mr.fast.putPacked(req.streamName, req.payload, req.recordCount, req.shardId ? { shardId: req.shardId } : undefined);
  const results = out.shards.map((s) => ({ shardId: s.shardId, status: 0, firstOffset: s.firstOffset, recordCount: s.count, timestampMs: stampedAt, message: '' }));
  let assignment: Uint16Array | null = null;
  if (results.length > 1) assignment = Uint16Array.from(out.shardOf);
  return { results, assignment };
};

interface ReadOutcome {
  batches?: FastBatch[];
  nextOffset: number;
  endOffset: number;
  atShardEnd: boolean;
}

/**
 * Waits up to `waitMs` for a first record, following the shard's appends (no polling). The wait
 * is the tail's own lifetime timer, not AbortSignal.any([…, AbortSignal.timeout()]): Node can
 * collect a timeout signal held only by a composite before it fires (nodejs/node#57736), which
 * left a long poll waiting forever.
 */
async function longPoll(ctx: HandlerContext, req: GetBatchRequest, offset: number, maxRecords: number, waitMs: number): Promise<ReadOutcome | undefined> {
  const tail = await ctx.mr.fast.tail(req.streamName, req.shardId, { offset, maxRecords, packed: true, signal: ctx.signal, lifetimeMs: waitMs });
  try {
    for (;;) {
      const r = await tail.next();
      if (r.done) return undefined;
      if (r.value.batches?.length || r.value.atShardEnd) return r.value;
    }
  } catch (err) {
    if (ctx.signal.aborted) return undefined;
    throw err;
  } finally {
    await tail.return?.();
  }
}

export const getBatch: Handler<GetBatchRequest, GetBatchResponse> = async (ctx, req) => {
  const { mr, limits } = ctx;
  const maxRecords = req.maxRecords || limits.defaultMaxRecords;
  const maxBytes = req.maxBytes || limits.defaultMaxBytes;
  const offset = await resolvePosition(mr, req.streamName, req.shardId, req.position);
  // Packed: the stored batches' bytes go to the socket as they are (record-views.ts).
  let res: ReadOutcome = await mr.fast.read(req.streamName, req.shardId, { offset, maxRecords, maxBytes, packed: true });
  const waitMs = Math.min(req.waitMs, limits.maxWaitMs);
  if (!res.batches?.length && !res.atShardEnd && waitMs > 0) res = (await longPoll(ctx, req, offset, maxRecords, waitMs)) ?? res;
  const held = res.batches ?? [];
  const slice = slicePacked(held, 0, { maxRecords, maxBytes, overshoot: false, frameBudget: ctx.peerMaxFrameBytes - RESULT_RESERVE });
  const all = slice.rest === undefined && slice.taken === held.length;
  const nextOffset = all ? res.nextOffset : (slice.rest ?? held[slice.taken]!).firstOffset;
  const shardEnd = all && res.atShardEnd;
  return {
    nextOffset,
    millisBehindLatest: slice.lastTimestamp !== undefined && nextOffset < res.endOffset ? Math.max(0, Date.now() - slice.lastTimestamp) : 0,
    shardEnd,
    batches: slice.batches,
    childShards: shardEnd ? await childShardsOf(mr, req.streamName, req.shardId) : [],
  };
};

const ITERATOR_TYPE = {
  TRIM_HORIZON: 'TRIM_HORIZON',
  LATEST: 'LATEST',
  AT_SEQUENCE_NUMBER: 'AT_SEQUENCE_NUMBER',
  AFTER_SEQUENCE_NUMBER: 'AFTER_SEQUENCE_NUMBER',
  AT_TIMESTAMP: 'AT_TIMESTAMP',
} as const;

export const getShardIterator: Handler<GetShardIteratorRequest, GetShardIteratorResponse> = async ({ mr }, req) => {
  const p = req.position;
  const offset = await resolvePosition(mr, req.streamName, req.shardId, p);
  // Offsets have no Kinesis iterator type of their own: they are sequence numbers of this shard.
  const input =
    p.type === 'AT_OFFSET' || p.type === 'AFTER_OFFSET'
      ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER' as const, StartingSequenceNumber: await sequenceNumberAt(mr, req.streamName, req.shardId, offset) }
      : p.type === 'AT_SEQUENCE_NUMBER' || p.type === 'AFTER_SEQUENCE_NUMBER'
        ? { ShardIteratorType: ITERATOR_TYPE[p.type], StartingSequenceNumber: p.sequenceNumber }
        : p.type === 'AT_TIMESTAMP'
          ? { ShardIteratorType: ITERATOR_TYPE[p.type], Timestamp: new Date(p.timestampMs) }
          : { ShardIteratorType: ITERATOR_TYPE[p.type] };
  const out = await mr.kinesis.getShardIterator({ StreamName: req.streamName, ShardId: req.shardId, ...input });
  return { shardIterator: out.ShardIterator ?? '', offset };
};

// The data path: PutBatch, GetBatch and GetShardIterator over the engine's fast API. Puts arrive
// packed and are handed on as views of the frame; reads leave as views of the log (record-views.ts).
import { createHash } from 'node:crypto';
import { FRAME_HEADER_SIZE, type GetBatchRequest, type GetBatchResponse, type GetShardIteratorRequest, type GetShardIteratorResponse, type PutBatchRequest, type PutBatchResponse } from '../../../protocol/index.js';
import { KinesisError } from '../../../api/errors.js';
import { resolvePosition, sequenceNumberAt } from '../positions.js';
import { sliceRecords, unpackRecords, type PutRecord, type ReadRecord } from '../record-views.js';
import { ErrorCodes, MillraceError } from '../../../errors.js';
import type { HandlerContext, Handler } from './context.js';
import { childShardsOf } from './shards.js';

/** Frame bytes of a records result besides its batches; child shards get a generous allowance. */
const RESULT_RESERVE = FRAME_HEADER_SIZE + 21 + 8 * 1024;

export const putBatch: Handler<PutBatchRequest, PutBatchResponse> = async (ctx, req) => {
  if (req.codec !== 0) throw new MillraceError(ErrorCodes.MR_FEATURE_NOT_NEGOTIATED, 'LZ4 batches need the LZ4 feature, which this server does not grant');
  const records = unpackRecords(req.payload, req.recordCount);
  if (req.shardId) await checkShardTarget(ctx, req.streamName, req.shardId, records);
  const stampedAt = Date.now();
  const out = await ctx.mr.fast.put(req.streamName, records);
  const results = out.shards.map((s) => ({ shardId: s.shardId, status: 0, firstOffset: s.firstOffset, recordCount: s.count, timestampMs: stampedAt, message: '' }));
  let assignment: Uint16Array | null = null;
  if (results.length > 1) {
    assignment = new Uint16Array(records.length);
    for (let i = 0; i < records.length; i++) assignment[i] = out.shardOf[i]!;
  }
  return { results, assignment };
};

/**
 * A PutBatch aimed at one shard: every record's hash key must fall in that open shard's range, or
 * the whole batch is refused (the producer's shard map is stale). Hashing here costs one MD5 per
 * record, paid only by producers that route themselves.
 */
async function checkShardTarget(ctx: HandlerContext, streamName: string, shardId: string, records: PutRecord[]): Promise<void> {
  const { Shards = [] } = await ctx.mr.kinesis.listShards({ StreamName: streamName, ShardFilter: { Type: 'AT_LATEST' } });
  const shard = Shards.find((s) => s.ShardId === shardId);
  if (!shard) throw new KinesisError('InvalidArgumentException', `shard ${shardId} of stream ${streamName} is not open`);
  const lo = BigInt(shard.HashKeyRange.StartingHashKey);
  const hi = BigInt(shard.HashKeyRange.EndingHashKey);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const key = r.explicitHashKey !== undefined ? BigInt(r.explicitHashKey) : BigInt('0x' + createHash('md5').update(r.partitionKey, 'utf8').digest('hex'));
    if (key < lo || key > hi) throw new KinesisError('InvalidArgumentException', `record ${i} hashes outside shard ${shardId}: the shard map is stale`);
  }
}

interface ReadOutcome {
  records: readonly ReadRecord[];
  nextOffset: number;
  endOffset: number;
  atShardEnd: boolean;
}

/** Waits up to `waitMs` for a first record, following the shard's appends (no polling). */
async function longPoll(ctx: HandlerContext, req: GetBatchRequest, offset: number, maxRecords: number, waitMs: number): Promise<ReadOutcome | undefined> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(waitMs)]);
  const tail = await ctx.mr.fast.tail(req.streamName, req.shardId, { offset, maxRecords, signal });
  try {
    for (;;) {
      const r = await tail.next();
      if (r.done) return undefined;
      if (r.value.records.length > 0 || r.value.atShardEnd) return r.value;
    }
  } catch (err) {
    if (signal.aborted) return undefined;
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
  let res: ReadOutcome = await mr.fast.read(req.streamName, req.shardId, { offset, maxRecords, maxBytes });
  const waitMs = Math.min(req.waitMs, limits.maxWaitMs);
  if (res.records.length === 0 && !res.atShardEnd && waitMs > 0) res = (await longPoll(ctx, req, offset, maxRecords, waitMs)) ?? res;
  const slice = sliceRecords(res.records, 0, { maxRecords, maxBytes, overshoot: false, frameBudget: ctx.peerMaxFrameBytes - RESULT_RESERVE });
  const all = slice.count === res.records.length;
  const nextOffset = all ? res.nextOffset : res.records[slice.count]!.offset;
  const last = slice.count > 0 ? res.records[slice.count - 1] : undefined;
  const shardEnd = all && res.atShardEnd;
  return {
    nextOffset,
    millisBehindLatest: last && nextOffset < res.endOffset ? Math.max(0, Date.now() - last.timestamp) : 0,
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

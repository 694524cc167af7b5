// Fast-path reads: a shard's records from an offset as the storage returns them, zero-copy
// (`data` views the segment), without AWS shapes or iterators. Retention and closed-shard ends
// apply as for GetRecords.
//
// With `packed: true` the records come as the stored batches' packed bytes instead (ShardLog.
// readBatches): no object per record, for callers that pass records on in the packed layout, as
// the TCP face does to its sockets.
import { OffsetOutOfRangeError, InvalidArgumentError } from '../../errors.js';
import type { StoredRecord } from '../../storage/types.js';
import type { PackedRead } from '../../storage/shard-log.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { StreamsEngine } from '../../streams/engine.js';
import type { ShardHandle } from '../../streams/shard-handle.js';
import type { PackedBatch } from '../../streams/subscriptions.js';
import { liveStreamByName, shardOf } from './common.js';

const HOUR = 3_600_000;

export interface FastReadOptions {
  /** Offset to start at (default: the oldest retained record). */
  offset?: number;
  maxRecords?: number;
  /** Data bytes; with `packed`, packed bytes (what a consumer of the batches receives). */
  maxBytes?: number;
  /** Return the records as packed batches in `batches` (and `records` empty). */
  packed?: boolean;
}

/** Records of one stored batch in the packed layout (docs/ARCHITECTURE.md, "Record"), trimmed to the read. */
export type FastBatch = PackedBatch;

export interface FastReadResult {
  records: StoredRecord[];
  /** With `packed`: the records, batch by batch. */
  batches?: FastBatch[];
  nextOffset: number;
  /** Offset after the last record written so far (the shard's final end once closed). */
  endOffset: number;
  /** The shard is closed and this read reached its end. */
  atShardEnd: boolean;
  /** Sequence number of a record of this shard, by offset. */
  sequenceNumber(offset: number): string;
}

export async function readShard(engine: StreamsEngine, streamName: string, shardId: string, opts: FastReadOptions = {}): Promise<FastReadResult> {
  const stream = liveStreamByName(engine, streamName);
  const shard = shardOf(engine, stream, shardId);
  const handle = engine.handle(stream, shard);
  if (opts.offset !== undefined && (!Number.isSafeInteger(opts.offset) || opts.offset < 0)) throw new InvalidArgumentError('offset must be a non-negative integer');
  if (opts.packed !== undefined && typeof opts.packed !== 'boolean') throw new InvalidArgumentError('packed must be a boolean');
  const offset = opts.offset ?? (await engine.trimHorizon(stream, handle));
  const limits = { maxRecords: opts.maxRecords ?? 10_000, maxBytes: opts.maxBytes ?? 10 * 1024 * 1024 };
  const res = opts.packed ? await readPacked(engine, stream, handle, offset, limits) : await engine.read(stream, handle, offset, limits);
  const seq = handle.sequencer;
  return {
    ...res,
    atShardEnd: shard.endOffset !== undefined && res.nextOffset >= shard.endOffset,
    sequenceNumber: (o) => seq.forOffset(o),
  };
}

/**
 * engine.read's rules over ShardLog.readBatches: from the oldest record still stored when `offset`
 * was trimmed away, and nothing older than the stream's retention period even while its segment
 * still exists.
 */
export async function readPacked(
  engine: StreamsEngine,
  stream: StreamEntry,
  handle: ShardHandle,
  offset: number,
  limits: { maxRecords: number; maxBytes: number },
): Promise<{ records: StoredRecord[]; batches: FastBatch[]; nextOffset: number; endOffset: number }> {
  engine.assertOpen();
  engine.checkKey(stream);
  const log = handle.log ?? (await handle.open());
  const end = handle.entry.endOffset ?? log.endOffset;
  let from = Math.max(offset, log.startOffset);
  if (from >= end) return { records: [], batches: [], nextOffset: Math.max(offset, from), endOffset: end };
  let result: PackedRead;
  try {
    result = await log.readBatchesAsync({ offset: from }, limits);
  } catch (e) {
    if (!(e instanceof OffsetOutOfRangeError)) throw e;
    from = log.startOffset;
    if (from >= end) return { records: [], batches: [], nextOffset: from, endOffset: end };
    result = await log.readBatchesAsync({ offset: from }, limits);
  }
  const cutoff = engine.now() - stream.retentionHours * HOUR;
  let batches = result.batches;
  if (batches.length && batches[0]!.baseTimestamp < cutoff) batches = dropExpired(batches, cutoff);
  return { records: [], batches, nextOffset: result.nextOffset, endOffset: end };
}

function u32(b: Buffer, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

/** Drops records older than `cutoff` from the front of each batch (arrival times rise batch by batch). */
function dropExpired(batches: FastBatch[], cutoff: number): FastBatch[] {
  const out: FastBatch[] = [];
  for (const b of batches) {
    let p = 0;
    let skipped = 0;
    while (skipped < b.recordCount && b.baseTimestamp + u32(b.payload, p + 4) < cutoff) {
      p += u32(b.payload, p);
      skipped++;
    }
    if (skipped === 0) out.push(b);
    else if (skipped < b.recordCount) out.push({ firstOffset: b.firstOffset + skipped, recordCount: b.recordCount - skipped, baseTimestamp: b.baseTimestamp, payload: b.payload.subarray(p) });
  }
  return out;
}

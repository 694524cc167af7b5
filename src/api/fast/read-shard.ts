// Fast-path reads: a shard's records from an offset as the storage returns them, zero-copy
// (`data` views the segment), without AWS shapes or iterators. Retention and closed-shard ends
// apply as for GetRecords.
//
// With `packed: true` the records come as the stored batches' packed bytes instead (ShardLog.
// readBatches): no object per record, for callers that pass records on in the packed layout, as
// the TCP face does to its sockets.
import { InvalidArgumentError } from '../../errors.js';
import type { StoredRecord } from '../../storage/types.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { StreamsEngine } from '../../streams/engine.js';
import type { ShardHandle } from '../../streams/shard-handle.js';
import type { PackedBatch } from '../../streams/subscriptions.js';
import { readPacked } from '../../streams/packed-read.js';
import { liveStreamByName, shardOf } from './common.js';

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

// Fast-path reads: a shard's records from an offset as the storage returns them, zero-copy
// (`data` views the segment), without AWS shapes or iterators. Retention and closed-shard ends
// apply as for GetRecords.
import { InvalidArgumentError } from '../../errors.js';
import type { StoredRecord } from '../../storage/types.js';
import type { StreamsEngine } from '../../streams/engine.js';
import { liveStreamByName, shardOf } from './common.js';

export interface FastReadOptions {
  /** Offset to start at (default: the oldest retained record). */
  offset?: number;
  maxRecords?: number;
  maxBytes?: number;
}

export interface FastReadResult {
  records: StoredRecord[];
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
  const offset = opts.offset ?? (await engine.trimHorizon(stream, handle));
  const res = await engine.read(stream, handle, offset, { maxRecords: opts.maxRecords ?? 10_000, maxBytes: opts.maxBytes ?? 10 * 1024 * 1024 });
  const seq = handle.sequencer;
  return {
    records: res.records,
    nextOffset: res.nextOffset,
    endOffset: res.endOffset,
    atShardEnd: shard.endOffset !== undefined && res.nextOffset >= shard.endOffset,
    sequenceNumber: (o) => seq.forOffset(o),
  };
}

// Reads of a shard as packed batches (ShardLog.readBatchesAsync) under the engine's rules, as
// engine.read applies them to record objects: from the oldest record still stored when `offset`
// was trimmed away, nothing older than the stream's retention period even while its segment still
// exists, compressed batches decoded. Used by the fast path, the TCP face, GetRecords and
// SubscribeToShard (which build their records straight from the batches).
import { readU32 as u32 } from '../core/record-pack.js';
import { OffsetOutOfRangeError } from '../errors.js';
import type { PackedRead } from '../storage/shard-log.js';
import type { StoredRecord } from '../storage/types.js';
import type { StreamEntry } from './catalog.js';
import type { StreamsEngine } from './engine.js';
import type { ShardHandle } from './shard-handle.js';
import type { PackedBatch } from './subscriptions.js';

const HOUR = 3_600_000;

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
): Promise<{ records: StoredRecord[]; batches: PackedBatch[]; nextOffset: number; endOffset: number }> {
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

/** Drops records older than `cutoff` from the front of each batch (arrival times rise batch by batch). */
function dropExpired(batches: PackedBatch[], cutoff: number): PackedBatch[] {
  const out: PackedBatch[] = [];
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

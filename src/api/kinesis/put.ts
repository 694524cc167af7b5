// The write path shared by PutRecord and PutRecords: the batch is routed and packed per shard by
// routeBatch (src/streams/routed-batch.ts: one MD5 call, one buffer), or routePacked when a face
// handed the entries over already packed (packed-put.ts), records over a provisioned
// shard's limits are refused one by one as AWS does, and each shard gets one append, all shards in
// parallel. Routing and the start of every append happen in one synchronous section, so a
// concurrent reshard either sees the appends in flight (and waits for them before sealing the
// parent) or routes them to the children.
import { hashKeyToBytes, parseHashKey } from '../../core/hash-key.js';
import { KmsError } from '../../errors.js';
import type { AppendResult } from '../../storage/types.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { Routing } from '../../streams/engine.js';
import { REJECTED, releaseBatch, routeBatch, routePacked, type Admit, type RoutedBatch } from '../../streams/routed-batch.js';
import type { ShardSequencer } from '../../core/sequence-number.js';
import { fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { PutRecordsResultEntry } from './shapes.js';

export interface PutEntry {
  Data: Uint8Array;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

/** Per-record results, with counts for metrics and FailedRecordCount. */
export interface PutOutcome {
  results: PutResults;
  failed: number;
  throttled: number;
  /** Data plus UTF-8 key bytes of the request's records (known to putEntries; putPackedEntries' callers have it). */
  requestBytes: number;
}

const INTERNAL_FAILURE: PutRecordsResultEntry = { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' };

/**
 * PutRecords' per-record results as the write left them: each record's shard part and rank in it,
 * each part's first offset. Entries in AWS's shape are built on demand (toRecords, entryAt); a face
 * that encodes them itself reads the parts (src/server/http/records-json.ts), so 500 result objects
 * and their strings are not built only to be serialized.
 */
export class PutResults {
  constructor(
    /** For record i: its part, or REJECTED (refused by the write throttle). */
    readonly partOf: Uint32Array,
    /** For record i: its index within its part. */
    readonly rank: Uint32Array,
    /** Per part: the sequencer and shard id of its shard, and its first offset (-1: the append failed). */
    readonly parts: ReadonlyArray<{ readonly sequencer: ShardSequencer; readonly shardId: string; readonly firstOffset: number }>,
    /** The entry of a record refused by the throttle (ProvisionedThroughputExceededException). */
    private readonly rejectedEntry: (i: number) => PutRecordsResultEntry,
  ) {}

  get length(): number {
    return this.partOf.length;
  }

  entryAt(i: number): PutRecordsResultEntry {
    const p = this.partOf[i]!;
    if (p === REJECTED) return this.rejectedEntry(i);
    const part = this.parts[p]!;
    return part.firstOffset < 0 ? { ...INTERNAL_FAILURE } : { SequenceNumber: part.sequencer.forOffset(part.firstOffset + this.rank[i]!), ShardId: part.shardId };
  }

  toRecords(): PutRecordsResultEntry[] {
    const records = new Array<PutRecordsResultEntry>(this.length);
    for (let i = 0; i < records.length; i++) records[i] = this.entryAt(i);
    return records;
  }
}

/**
 * Writes AWS-shaped entries. With `maxRequestBytes`, a request whose records' data and keys
 * together exceed it fails whole (InvalidArgumentException, as AWS words PutRecords' limit),
 * measured while routing rather than in a pass of its own.
 */
export async function putEntries(ctx: KinesisContext, stream: StreamEntry, entries: readonly PutEntry[], maxRequestBytes?: number): Promise<PutOutcome> {
  const { engine } = ctx;
  const n = entries.length;
  const keys = new Array<string>(n);
  const data = new Array<Uint8Array>(n);
  let explicit: (Uint8Array | undefined)[] | undefined;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    keys[i] = e.PartitionKey;
    data[i] = e.Data;
    if (e.ExplicitHashKey === undefined) continue;
    // One out of range fails the whole request, as on AWS.
    const key = parseHashKey(e.ExplicitHashKey);
    if (key === undefined) fail('InvalidArgumentException', msg.explicitHashKey(e.ExplicitHashKey));
    (explicit ??= new Array(n))[i] = hashKeyToBytes(key);
  }

  engine.checkKey(stream);
  const metrics = engine.metrics(stream.name);
  const { shardLimits, clock } = engine.options;
  const admit: Admit | undefined = throttlesWrites(ctx, stream)
      ? (handle, bytes) => {
          if (handle.throttle(shardLimits, clock).admitWrite(bytes)) return true;
          metrics.addShard(handle.shardId, 'WriteProvisionedThroughputExceeded');
          return false;
        }
      : undefined;
  const routing = engine.routing(stream);
  const limit = maxRequestBytes === undefined ? undefined : { maxBytes: maxRequestBytes, refuse: () => fail('InvalidArgumentException', msg.recordsTooLarge(maxRequestBytes)) };
  return settle(ctx, stream, routing, routeBatch(routing, { keys, data, explicit }, engine.options.maxRecordBytes, admit, limit), n);
}

/** Whether writes to `stream` are admitted record by record (a provisioned stream, throttling on). */
export function throttlesWrites(ctx: KinesisContext, stream: StreamEntry): boolean {
  return stream.mode === 'PROVISIONED' && ctx.engine.options.throttling;
}

/**
 * Entries already in the packed layout (a face's scanner packed them: packed-put.ts), routed in one
 * native call. Only for a stream that does not throttle writes: routePacked admits no record
 * apart from the others (callers check throttlesWrites and use putEntries otherwise).
 */
export async function putPackedEntries(ctx: KinesisContext, stream: StreamEntry, payload: Buffer, count: number): Promise<PutOutcome> {
  const { engine } = ctx;
  engine.checkKey(stream);
  const routing = engine.routing(stream);
  return settle(ctx, stream, routing, routePacked(routing, payload, count, engine.options.maxRecordBytes), count);
}

/** Appends each shard's part (all started in the caller's synchronous section) and reports each record's outcome. */
async function settle(ctx: KinesisContext, stream: StreamEntry, routing: Routing, batch: RoutedBatch, n: number): Promise<PutOutcome> {
  const { engine } = ctx;
  const metrics = engine.metrics(stream.name);
  const { parts, partOf, rank } = batch;
  const settled = await Promise.allSettled(parts.map((p) => engine.appendPacked(p.handle, p.payload, p.count)));
  releaseBatch(routing, batch);

  const done = new Array<{ sequencer: ShardSequencer; shardId: string; firstOffset: number }>(parts.length);
  let failed = batch.rejected;
  for (let p = 0; p < parts.length; p++) {
    const s = settled[p]!;
    const { handle, count, dataBytes } = parts[p]!;
    let firstOffset = -1;
    if (s.status === 'rejected') {
      // A lone record (PutRecord) surfaces the error itself, mapped like any other; so does a key
      // that became unusable, which AWS reports for the whole call.
      if (n === 1 || s.reason instanceof KmsError) throw s.reason;
      failed += count;
    } else {
      firstOffset = (s.value as AppendResult).firstOffset;
      metrics.addShard(handle.shardId, 'IncomingRecords', count);
      metrics.addShard(handle.shardId, 'IncomingBytes', dataBytes);
    }
    done[p] = { sequencer: handle.sequencer, shardId: handle.shardId, firstOffset };
  }
  const rejectedEntry = (i: number): PutRecordsResultEntry => ({
    ErrorCode: 'ProvisionedThroughputExceededException',
    ErrorMessage: msg.writeRateExceeded(batch.handles[batch.slotOf[i]!]!.entry.index, stream.name, engine.account),
  });
  return { results: new PutResults(partOf, rank, done, rejectedEntry), failed, throttled: batch.rejected, requestBytes: batch.requestBytes };
}

// The write path shared by PutRecord and PutRecords: the batch is routed and packed per shard by
// routeBatch (src/streams/routed-batch.ts: one MD5 call, one buffer), records over a provisioned
// shard's limits are refused one by one as AWS does, and each shard gets one append, all shards in
// parallel. Routing and the start of every append happen in one synchronous section, so a
// concurrent reshard either sees the appends in flight (and waits for them before sealing the
// parent) or routes them to the children.
import { hashKeyToBytes, parseHashKey } from '../../core/hash-key.js';
import { KmsError } from '../../errors.js';
import type { AppendResult } from '../../storage/types.js';
import type { StreamEntry } from '../../streams/catalog.js';
import { REJECTED, releaseBatch, routeBatch, type Admit } from '../../streams/routed-batch.js';
import { fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { PutRecordsResultEntry } from './shapes.js';

export interface PutEntry {
  Data: Uint8Array;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

/** Per-record results in PutRecords' shape, plus counts for metrics and FailedRecordCount. */
export interface PutOutcome {
  records: PutRecordsResultEntry[];
  failed: number;
  throttled: number;
}

const INTERNAL_FAILURE: PutRecordsResultEntry = { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' };

export async function putEntries(ctx: KinesisContext, stream: StreamEntry, entries: readonly PutEntry[]): Promise<PutOutcome> {
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
  const admit: Admit | undefined =
    stream.mode === 'PROVISIONED' && engine.options.throttling
      ? (handle, bytes) => {
          if (handle.throttle(shardLimits, clock).admitWrite(bytes)) return true;
          metrics.addShard(handle.shardId, 'WriteProvisionedThroughputExceeded');
          return false;
        }
      : undefined;
  const routing = engine.routing(stream);
  const batch = routeBatch(routing, { keys, data, explicit }, engine.options.maxRecordBytes, admit);
  const { parts, partOf, rank } = batch;
  const settled = await Promise.allSettled(parts.map((p) => engine.appendPacked(p.handle, p.payload, p.count)));
  releaseBatch(routing, batch);

  const firstOffsets = new Array<number>(parts.length);
  let failed = batch.rejected;
  for (let p = 0; p < parts.length; p++) {
    const s = settled[p]!;
    const part = parts[p]!;
    if (s.status === 'rejected') {
      // A lone record (PutRecord) surfaces the error itself, mapped like any other; so does a key
      // that became unusable, which AWS reports for the whole call.
      if (n === 1 || s.reason instanceof KmsError) throw s.reason;
      firstOffsets[p] = -1;
      failed += part.count;
      continue;
    }
    firstOffsets[p] = (s.value as AppendResult).firstOffset;
    metrics.addShard(part.handle.shardId, 'IncomingRecords', part.count);
    metrics.addShard(part.handle.shardId, 'IncomingBytes', part.dataBytes);
  }

  const records = new Array<PutRecordsResultEntry>(n);
  for (let i = 0; i < n; i++) {
    const p = partOf[i]!;
    if (p === REJECTED) {
      const handle = batch.handles[batch.slotOf[i]!]!;
      records[i] = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: msg.writeRateExceeded(handle.entry.index, stream.name, engine.account) };
      continue;
    }
    const first = firstOffsets[p]!;
    const { handle } = parts[p]!;
    records[i] = first < 0 ? { ...INTERNAL_FAILURE } : { SequenceNumber: handle.sequencer.forOffset(first + rank[i]!), ShardId: handle.shardId };
  }
  return { records, failed, throttled: batch.rejected };
}

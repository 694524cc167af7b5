// The write path shared by PutRecord and PutRecords. A batch is routed with ONE md5Keys call for
// all its partition keys, admitted record by record against the shard's provisioned limits, then
// appended with one ShardLog.append per shard, all shards in parallel. Routing and the start of
// every append happen in one synchronous section, so a concurrent reshard either sees the appends
// in flight (and waits for them before sealing the parent) or routes them to the children.
import { hashKeyToBytes, parseHashKey } from '../../core/hash-key.js';
import { md5Keys } from '../../storage/hashing.js';
import type { AppendRecord } from '../../storage/types.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { ShardHandle } from '../../streams/shard-handle.js';
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

/** Parses every ExplicitHashKey first: one out of range fails the whole request, as on AWS. */
function explicitKeys(entries: readonly PutEntry[]): (bigint | undefined)[] {
  return entries.map((e) => {
    if (e.ExplicitHashKey === undefined) return undefined;
    const key = parseHashKey(e.ExplicitHashKey);
    if (key === undefined) fail('InvalidArgumentException', msg.explicitHashKey(e.ExplicitHashKey));
    return key;
  });
}

export async function putEntries(ctx: KinesisContext, stream: StreamEntry, entries: readonly PutEntry[]): Promise<PutOutcome> {
  const { engine } = ctx;
  const n = entries.length;
  const explicit = explicitKeys(entries);
  const hashed: string[] = [];
  for (let i = 0; i < n; i++) if (explicit[i] === undefined) hashed.push(entries[i]!.PartitionKey);
  const digests = hashed.length ? md5Keys(hashed) : undefined;

  const routing = engine.routing(stream);
  const throttled = stream.mode === 'PROVISIONED' && engine.options.throttling;
  const metrics = engine.metrics(stream.name);
  const records: PutRecordsResultEntry[] = new Array(n);
  let failed = 0;
  let throttledCount = 0;
  const groups = new Map<ShardHandle, { records: AppendRecord[]; indexes: number[]; bytes: number }>();
  let d = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    const key = explicit[i];
    const slot = key === undefined ? routing.router.routeBytes(digests!, 16 * d++) : routing.router.route(key);
    const handle = routing.handles[slot]!;
    const size = e.Data.byteLength + Buffer.byteLength(e.PartitionKey);
    if (throttled && !handle.throttle(engine.options.shardLimits, engine.options.clock).admitWrite(size)) {
      records[i] = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: msg.writeRateExceeded(handle.entry.index, stream.name, engine.account) };
      failed++;
      throttledCount++;
      metrics.addShard(handle.shardId, 'WriteProvisionedThroughputExceeded');
      continue;
    }
    let g = groups.get(handle);
    if (!g) groups.set(handle, (g = { records: [], indexes: [], bytes: 0 }));
    const rec: AppendRecord = { data: e.Data, partitionKey: e.PartitionKey };
    if (key !== undefined) rec.explicitHashKey = hashKeyToBytes(key);
    g.records.push(rec);
    g.indexes.push(i);
    g.bytes += e.Data.byteLength;
  }

  const work = [...groups].map(([handle, g]) => ({ handle, g, result: engine.append(handle, g.records) }));
  for (const { handle, g, result } of work) {
    try {
      const { firstOffset } = await result;
      for (let k = 0; k < g.indexes.length; k++) {
        records[g.indexes[k]!] = { SequenceNumber: handle.sequencer.forOffset(firstOffset + k), ShardId: handle.shardId };
      }
      metrics.addShard(handle.shardId, 'IncomingRecords', g.records.length);
      metrics.addShard(handle.shardId, 'IncomingBytes', g.bytes);
    } catch (err) {
      // A lone record (PutRecord) surfaces the error itself, mapped like any other.
      if (n === 1) throw err;
      for (const i of g.indexes) records[i] = { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' };
      failed += g.indexes.length;
    }
  }
  return { records, failed, throttled: throttledCount };
}

// Fast-path write: any number of records in one call (up to the storage batch limit per shard),
// routed with one md5Keys call and appended with one ShardLog.append per shard. No per-record
// result objects: placements come back as typed arrays. Provisioned throttling does not apply;
// this path exists for benchmarks and trusted high-throughput producers.
import { hashKeyToBytes, parseHashKey } from '../../core/hash-key.js';
import { InvalidArgumentError } from '../../errors.js';
import { md5Keys } from '../../storage/hashing.js';
import type { AppendRecord } from '../../storage/types.js';
import type { StreamsEngine } from '../../streams/engine.js';
import type { ShardHandle } from '../../streams/shard-handle.js';
import { liveStreamByName } from './common.js';

export interface FastRecord {
  data: Uint8Array;
  partitionKey: string;
  /** Decimal 128-bit hash key overriding the partition key's MD5. */
  explicitHashKey?: string;
}

export interface FastShardPlacement {
  shardId: string;
  count: number;
  firstOffset: number;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
}

export interface FastPutResult {
  shards: FastShardPlacement[];
  /** For record i: index into `shards`. */
  shardOf: Uint32Array;
  /** For record i: its offset in its shard's log. */
  offsetOf: Float64Array;
}

export async function putBatch(engine: StreamsEngine, streamName: string, records: readonly FastRecord[]): Promise<FastPutResult> {
  if (!Array.isArray(records) || records.length === 0) throw new InvalidArgumentError('records must be a non-empty array');
  const stream = liveStreamByName(engine, streamName);
  const n = records.length;
  const hashed: string[] = [];
  const explicit: (bigint | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (r.explicitHashKey === undefined) {
      hashed.push(r.partitionKey);
      continue;
    }
    const k = parseHashKey(r.explicitHashKey);
    if (k === undefined) throw new InvalidArgumentError(`record ${i}: explicitHashKey must be a decimal integer in [0, 2^128-1]`);
    explicit[i] = k;
  }
  const digests = hashed.length ? md5Keys(hashed) : undefined;
  const routing = engine.routing(stream);
  const groupOf = new Map<ShardHandle, number>();
  const groups: { handle: ShardHandle; records: AppendRecord[] }[] = [];
  const shardOf = new Uint32Array(n);
  const rank = new Uint32Array(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const key = explicit[i];
    const handle = routing.handles[key === undefined ? routing.router.routeBytes(digests!, 16 * d++) : routing.router.route(key)]!;
    let g = groupOf.get(handle);
    if (g === undefined) {
      g = groups.length;
      groupOf.set(handle, g);
      groups.push({ handle, records: [] });
    }
    const rec: AppendRecord = { data: r.data, partitionKey: r.partitionKey };
    if (key !== undefined) rec.explicitHashKey = hashKeyToBytes(key);
    shardOf[i] = g;
    rank[i] = groups[g]!.records.push(rec) - 1;
  }
  const appended = await Promise.all(groups.map((g) => engine.append(g.handle, g.records)));
  const offsetOf = new Float64Array(n);
  for (let i = 0; i < n; i++) offsetOf[i] = appended[shardOf[i]!]!.firstOffset + rank[i]!;
  const metrics = engine.metrics(stream.name);
  const shards = groups.map((g, k) => {
    const { firstOffset, lastOffset } = appended[k]!;
    let bytes = 0;
    for (const r of g.records) bytes += r.data.byteLength;
    metrics.addShard(g.handle.shardId, 'IncomingRecords', g.records.length);
    metrics.addShard(g.handle.shardId, 'IncomingBytes', bytes);
    return {
      shardId: g.handle.shardId,
      count: g.records.length,
      firstOffset,
      firstSequenceNumber: g.handle.sequencer.forOffset(firstOffset),
      lastSequenceNumber: g.handle.sequencer.forOffset(lastOffset),
    };
  });
  return { shards, shardOf, offsetOf };
}

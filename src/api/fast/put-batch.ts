// Fast-path write: any number of records in one call (up to the storage batch limit per shard),
// routed and packed per shard by routeBatch (one MD5 call for the keys the route cache does not
// know, one buffer) and appended with one appendPacked per shard. No per-record result objects:
// placements come back as typed arrays. Provisioned throttling does not apply; this path exists
// for benchmarks and trusted high-throughput producers.
//
// API note for the TCP face: `put` keeps its signature; `putPacked` (mr.fast.putPacked) is new and
// takes a payload already in the packed layout, so a PutBatch frame need not be unpacked and packed again.
import { hashKeyToBytes, parseHashKey } from '../../core/hash-key.js';
import { InvalidArgumentError } from '../../errors.js';
import { KinesisError } from '../errors.js';
import type { StreamEntry } from '../../streams/catalog.js';
import type { Routing, StreamsEngine } from '../../streams/engine.js';
import { releaseBatch, routeBatch, routePacked, type RoutedBatch } from '../../streams/routed-batch.js';
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
  const keys = new Array<string>(n);
  const data = new Array<Uint8Array>(n);
  let explicit: (Uint8Array | undefined)[] | undefined;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (r === null || typeof r !== 'object') throw new InvalidArgumentError(`record ${i} must be an object`);
    keys[i] = r.partitionKey;
    data[i] = r.data;
    if (r.explicitHashKey === undefined) continue;
    const k = typeof r.explicitHashKey === 'string' ? parseHashKey(r.explicitHashKey) : undefined;
    if (k === undefined) throw new InvalidArgumentError(`record ${i}: explicitHashKey must be a decimal integer in [0, 2^128-1]`);
    (explicit ??= new Array(n))[i] = hashKeyToBytes(k);
  }
  engine.checkKey(stream);
  const routing = engine.routing(stream);
  return placed(engine, stream, routing, routeBatch(routing, { keys, data, explicit }, engine.options.maxRecordBytes));
}

export interface PackedPutOptions {
  /**
   * The one open shard every record must hash into (a producer that routes itself, such as the
   * TCP client's Producer): otherwise nothing is stored and the call fails with an
   * InvalidArgumentException (the producer's shard map is stale). Checked by the same native
   * routing pass, so a targeted batch costs no more than an untargeted one, and is stored as it is.
   */
  shardId?: string;
}

/**
 * `count` records already in the packed layout (docs/ARCHITECTURE.md, "Record"), as the TCP
 * protocol carries them, routed in one native call (routePacked). A stream with one open shard
 * stores the payload as it is, with no copy and no hashing; otherwise runs of records are copied
 * into one slice per shard, unless they all belong to one.
 */
export async function putPacked(engine: StreamsEngine, streamName: string, payload: Uint8Array, count: number, options: PackedPutOptions = {}): Promise<FastPutResult> {
  if (!(payload instanceof Uint8Array)) throw new InvalidArgumentError('payload must be a Uint8Array');
  if (!Number.isSafeInteger(count) || count < 1) throw new InvalidArgumentError('count must be a positive integer');
  if (options.shardId !== undefined && typeof options.shardId !== 'string') throw new InvalidArgumentError('shardId must be a string');
  const stream = liveStreamByName(engine, streamName);
  engine.checkKey(stream);
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const routing = engine.routing(stream);
  const batch = routePacked(routing, buf, count, engine.options.maxRecordBytes);
  if (options.shardId !== undefined) checkTarget(routing, batch, stream.name, options.shardId);
  return placed(engine, stream, routing, batch);
}

/** Throws (and gives the batch's buffer back) unless every record of the batch went to `shardId`. */
function checkTarget(routing: Routing, batch: RoutedBatch, streamName: string, shardId: string): void {
  if (batch.parts.length === 1 && batch.parts[0]!.handle.shardId === shardId) return;
  releaseBatch(routing, batch);
  const target = batch.handles.findIndex((h) => h.shardId === shardId);
  if (target === -1) throw new KinesisError('InvalidArgumentException', `shard ${shardId} of stream ${streamName} is not open`);
  const i = batch.slotOf.findIndex((slot) => slot !== target);
  throw new KinesisError('InvalidArgumentException', `record ${i} hashes outside shard ${shardId}: the shard map is stale`);
}

/** Appends each shard's part (all started in the caller's synchronous section) and reports placements. */
async function placed(engine: StreamsEngine, stream: StreamEntry, routing: Routing, batch: RoutedBatch): Promise<FastPutResult> {
  const { parts, partOf, rank } = batch;
  const settled = await Promise.allSettled(parts.map((p) => engine.appendPacked(p.handle, p.payload, p.count)));
  releaseBatch(routing, batch);
  const appended = settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
  const firstOf = new Float64Array(appended.map((a) => a.firstOffset));
  const offsetOf = new Float64Array(partOf.length);
  for (let i = 0; i < partOf.length; i++) offsetOf[i] = firstOf[partOf[i]!]! + rank[i]!;
  const metrics = engine.metrics(stream.name);
  const shards = parts.map((p, k) => {
    const { firstOffset, lastOffset } = appended[k]!;
    metrics.addShard(p.handle.shardId, 'IncomingRecords', p.count);
    metrics.addShard(p.handle.shardId, 'IncomingBytes', p.dataBytes);
    return {
      shardId: p.handle.shardId,
      count: p.count,
      firstOffset,
      firstSequenceNumber: p.handle.sequencer.forOffset(firstOffset),
      lastSequenceNumber: p.handle.sequencer.forOffset(lastOffset),
    };
  });
  return { shards, shardOf: partOf, offsetOf };
}

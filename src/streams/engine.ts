// The Data Streams engine: owns the data directory (lock, catalog, token secret), the shard logs,
// routing, throttles, metrics, state transitions and retention. It provides mechanism only: the
// AWS-shaped operations in src/api/kinesis/ validate requests, decide which AWS error applies and
// then call these methods, which assume their preconditions hold.
//
// Data directory layout:
//   LOCK                      owner of the directory (dir-lock.ts)
//   catalog.json              the catalog (catalog.ts)
//   iterator.key              secret for iterators and pagination tokens (tokens.ts)
//   keyring.json              master keys of stream encryption (storage/keyring.ts), once used
//   streams/<name>.<epoch>/shardId-<index>/   one shard log each
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { consumerArn as makeConsumerArn, streamArn as makeStreamArn } from '../core/arn.js';
import { HashKeyRouter, evenRanges, hashKeyToBytes } from '../core/hash-key.js';
import { shardIdOf } from '../core/ids.js';
import { ClosedError, KmsError, OffsetOutOfRangeError } from '../errors.js';
import { Keyring, KEYRING_FILE } from '../storage/keyring.js';
import { ShardLog } from '../storage/shard-log.js';
import type { AppendResult, ReadLimits, StoredRecord } from '../storage/types.js';
import { compressionOf } from './compression.js';
import { Catalog, type ConsumerEntry, type PendingChange, type ShardEntry, type StreamEntry, type StreamMode } from './catalog.js';
import { lockDir, type DirLock } from './dir-lock.js';
import { StreamMetrics } from './metrics.js';
import { resolveOptions, type ResolvedStreamsOptions, type StreamsOptions } from './options.js';
import { uniformScaling } from './resharding.js';
import { BufferPool } from '../core/buffer-pool.js';
import { RouteCache } from './route-cache.js';
import { ShardHandle } from './shard-handle.js';
import { SubscriptionRegistry } from './subscriptions.js';
import { TokenSigner } from './tokens.js';

export interface Routing {
  router: HashKeyRouter;
  /** Open shards, ascending by starting hash key; router index -> handle. */
  handles: ShardHandle[];
  /** Their starting hash keys, 16 big-endian bytes each, for the native bucketize. */
  starts: Uint8Array;
  /** Slots of recently routed partition keys; dropped with the table on reshard. */
  cache: RouteCache;
  /** Buffers for packed batches, shared by all streams. */
  pool: BufferPool;
}

export interface NewStream {
  name: string;
  shardCount: number;
  mode: StreamMode;
  tags: Record<string, string>;
  maxRecordSizeKiB: number;
}

export interface ReadResult {
  records: StoredRecord[];
  nextOffset: number;
  /** Log end when the read happened. */
  endOffset: number;
}

const HOUR = 3_600_000;

export class StreamsEngine {
  readonly options: ResolvedStreamsOptions;
  readonly dataDir: string;
  readonly catalog: Catalog;
  readonly tokens: TokenSigner;
  readonly subscriptions = new SubscriptionRegistry();
  private readonly lock: DirLock;
  private readonly handles = new Map<string, ShardHandle>();
  private readonly routes = new Map<string, Routing>();
  private readonly metricsByStream = new Map<string, StreamMetrics>();
  /** Per-shard copies of routed batches: room for a few hundred MiB in flight (TCP puts of 64 × 1 MiB), decaying when idle. */
  private readonly pool = new BufferPool({ maxBuffers: 256, maxBytes: 256 * 1024 * 1024 });
  private readonly timers = new Set<NodeJS.Timeout>();
  private retentionTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private keyringOpening: Promise<Keyring> | undefined;
  /** The keyring once open; `owned` when this engine opened it (and so closes it). */
  private ring: { keyring: Keyring; owned: boolean } | undefined;

  private constructor(options: ResolvedStreamsOptions, dataDir: string, lock: DirLock, catalog: Catalog, tokens: TokenSigner) {
    this.options = options;
    this.dataDir = dataDir;
    this.lock = lock;
    this.catalog = catalog;
    this.tokens = tokens;
  }

  static async open(opts: StreamsOptions = {}): Promise<StreamsEngine> {
    const options = resolveOptions(opts);
    const dataDir = resolve(options.dataDir);
    await mkdir(join(dataDir, 'streams'), { recursive: true });
    const lock = await lockDir(dataDir);
    try {
      const catalog = await Catalog.load(dataDir);
      const tokens = await TokenSigner.open(dataDir);
      const engine = new StreamsEngine(options, dataDir, lock, catalog, tokens);
      // Logs need the keyring to read encrypted batches; without a keyring file none can exist,
      // and opening it only when first needed spares users of plain streams the root-key warning.
      const encrypted = Object.values(catalog.streams).some((s) => s.encryptionType === 'KMS');
      if (options.keyring instanceof Keyring || encrypted || existsSync(join(dataDir, KEYRING_FILE))) await engine.keyring();
      await engine.recover();
      if (options.retentionIntervalMs > 0) {
        engine.retentionTimer = setInterval(() => void engine.enforceRetention().catch(() => undefined), options.retentionIntervalMs);
        engine.retentionTimer.unref();
      }
      return engine;
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  get account(): string {
    return this.options.accountId;
  }
  get region(): string {
    return this.options.region;
  }
  now(): number {
    return this.options.clock.now();
  }

  /** Throws ClosedError after close(). */
  assertOpen(): void {
    if (this.closed) throw new ClosedError('the Millrace instance is closed');
  }

  // --- lookups -----------------------------------------------------------------------------------

  stream(name: string): StreamEntry | undefined {
    this.assertOpen();
    return this.catalog.stream(name);
  }

  streams(): StreamEntry[] {
    return Object.values(this.catalog.streams).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  streamArn(name: string): string {
    return makeStreamArn(this.region, this.account, name);
  }

  consumerArn(stream: StreamEntry, consumer: ConsumerEntry): string {
    return makeConsumerArn(this.streamArn(stream.name), consumer.name, consumer.createdAt);
  }

  metrics(name: string): StreamMetrics {
    let m = this.metricsByStream.get(name);
    if (!m) this.metricsByStream.set(name, (m = new StreamMetrics()));
    return m;
  }

  openShardCount(): number {
    let n = 0;
    for (const s of Object.values(this.catalog.streams)) for (const sh of s.shards) if (sh.closedAt === undefined) n++;
    return n;
  }

  onDemandStreamCount(): number {
    return Object.values(this.catalog.streams).filter((s) => s.mode === 'ON_DEMAND').length;
  }

  // --- keys ----------------------------------------------------------------------------------------

  /** The keyring: the one given in the options, or the data directory's, opened on first use. */
  keyring(): Promise<Keyring> {
    this.assertOpen();
    return (this.keyringOpening ??= this.openKeyring());
  }

  private async openKeyring(): Promise<Keyring> {
    const k = this.options.keyring;
    if (k instanceof Keyring) {
      this.ring = { keyring: k, owned: false };
      return k;
    }
    try {
      const keyring = await Keyring.open({ ...k, dataDir: this.dataDir, region: this.region, accountId: this.account, clock: this.options.clock });
      this.ring = { keyring, owned: true };
      return keyring;
    } catch (err) {
      // Not cached: a later call retries (with the root key fixed, say).
      this.keyringOpening = undefined;
      throw err;
    }
  }

  /**
   * Throws the MR_KMS_* error of an encrypted stream whose key cannot be used now (disabled,
   * pending deletion, gone): puts and gets fail as on AWS, before anything is read or written.
   */
  checkKey(stream: StreamEntry): void {
    if (stream.encryptionType === 'KMS' && stream.keyId !== undefined && this.ring !== undefined) this.ring.keyring.assertUsable(stream.keyId);
  }

  // --- shards and routing ------------------------------------------------------------------------

  private streamDir(stream: StreamEntry): string {
    return join(this.dataDir, 'streams', `${stream.name}.${stream.epoch}`);
  }

  handle(stream: StreamEntry, shard: ShardEntry): ShardHandle {
    const key = `${stream.epoch}:${shard.index}`;
    let h = this.handles.get(key);
    if (!h) {
      h = new ShardHandle(join(this.streamDir(stream), shardIdOf(shard.index)), stream.epoch, shard, (dir) => this.openLog(stream, dir));
      this.handles.set(key, h);
    }
    return h;
  }

  /** Opens a shard log with the stream's codec and encryption as they are now. */
  private async openLog(stream: StreamEntry, dir: string): Promise<ShardLog> {
    const keyring = this.keyringOpening !== undefined || stream.encryptionType === 'KMS' ? await this.keyring() : undefined;
    const encryption = stream.encryptionType === 'KMS' && stream.keyId !== undefined ? { keyring: keyring!, keyId: stream.keyId } : null;
    return ShardLog.open(dir, { ...this.options.log, compression: compressionOf(stream, this.options.compression), encryption, keyring });
  }

  /** The logs of the stream's open shards that are open (or opening); the others read the catalog when they open. */
  private async openLogs(stream: StreamEntry): Promise<ShardLog[]> {
    const logs: ShardLog[] = [];
    for (const shard of stream.shards) {
      if (shard.closedAt !== undefined) continue;
      const log = await this.handles.get(`${stream.epoch}:${shard.index}`)?.opened();
      if (log) logs.push(log);
    }
    return logs;
  }

  /** Applies the stream's codec (its tag, else the default) to batches appended from now on. */
  async applyCompression(stream: StreamEntry): Promise<void> {
    const codec = compressionOf(stream, this.options.compression);
    for (const log of await this.openLogs(stream)) log.setCompression(codec);
  }

  /**
   * Records the stream's key (or none) in the catalog entry, where logs opened later (children of
   * a reshard too) find it, then switches the logs already open.
   */
  private async applyEncryption(stream: StreamEntry, keyId: string | undefined): Promise<void> {
    const target = keyId === undefined ? null : { keyring: await this.keyring(), keyId };
    stream.encryptionType = keyId === undefined ? 'NONE' : 'KMS';
    if (keyId === undefined) delete stream.keyId;
    else stream.keyId = keyId;
    for (const log of await this.openLogs(stream)) await log.setEncryption(target);
  }

  /** Routing table of the stream's open shards, rebuilt after each reshard. */
  routing(stream: StreamEntry): Routing {
    let r = this.routes.get(stream.name);
    if (!r) {
      const open = stream.shards.filter((s) => s.closedAt === undefined).sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1));
      const starts = new Uint8Array(16 * open.length);
      open.forEach((s, i) => starts.set(hashKeyToBytes(BigInt(s.start)), 16 * i));
      r = {
        router: new HashKeyRouter(open.map((s) => BigInt(s.start))),
        handles: open.map((s) => this.handle(stream, s)),
        starts,
        cache: new RouteCache(),
        pool: this.pool,
      };
      this.routes.set(stream.name, r);
    }
    return r;
  }

  /** Appends records already in the packed layout (routed-batch.ts) as one batch. */
  appendPacked(handle: ShardHandle, payload: Buffer, count: number): Promise<AppendResult> {
    this.assertOpen();
    return handle.appendPacked(payload, count, this.now());
  }

  /**
   * Reads a shard from `offset`, skipping what retention has removed or hides: data older than the
   * stream's retention period is not returned even while its segment still exists.
   */
  async read(stream: StreamEntry, handle: ShardHandle, offset: number, limits: ReadLimits): Promise<ReadResult> {
    this.assertOpen();
    this.checkKey(stream);
    const log = handle.log ?? (await handle.open());
    const end = handle.entry.endOffset ?? log.endOffset;
    let from = Math.max(offset, log.startOffset);
    if (from >= end) return { records: [], nextOffset: Math.max(offset, from), endOffset: end };
    const cutoff = this.now() - stream.retentionHours * HOUR;
    let result: { records: StoredRecord[]; nextOffset: number };
    try {
      result = await log.readAsync({ offset: from }, limits);
    } catch (e) {
      if (!(e instanceof OffsetOutOfRangeError)) throw e;
      from = log.startOffset;
      if (from >= end) return { records: [], nextOffset: from, endOffset: end };
      result = await log.readAsync({ offset: from }, limits);
    }
    let records = result.records;
    if (records.length && records[0]!.timestamp < cutoff) records = records.filter((r) => r.timestamp >= cutoff);
    return { records, nextOffset: result.nextOffset, endOffset: end };
  }

  /** First offset at or after `timestamp` (ms), or the log end. */
  async offsetAtTimestamp(handle: ShardHandle, timestamp: number): Promise<number> {
    const log = handle.log ?? (await handle.open());
    const end = handle.entry.endOffset ?? log.endOffset;
    const { records } = log.read({ timestamp }, { maxRecords: 1 });
    return records.length ? Math.min(records[0]!.offset, end) : end;
  }

  /** Offset TRIM_HORIZON starts at: the oldest record still within retention. */
  async trimHorizon(stream: StreamEntry, handle: ShardHandle): Promise<number> {
    const log = handle.log ?? (await handle.open());
    const cutoff = this.now() - stream.retentionHours * HOUR;
    const first = log.stats().firstTimestamp;
    if (first === undefined || first >= cutoff) return log.startOffset;
    return this.offsetAtTimestamp(handle, cutoff);
  }

  /** Log end of a shard: its final end when closed. */
  async endOffset(handle: ShardHandle): Promise<number> {
    if (handle.entry.endOffset !== undefined) return handle.entry.endOffset;
    const log = handle.log ?? (await handle.open());
    return handle.entry.endOffset ?? log.endOffset;
  }

  // --- control plane -----------------------------------------------------------------------------

  async createStream(spec: NewStream): Promise<StreamEntry> {
    this.assertOpen();
    const now = this.now();
    const entry: StreamEntry = {
      name: spec.name,
      epoch: this.catalog.takeEpoch(),
      createdAt: now,
      status: 'CREATING',
      mode: spec.mode,
      retentionHours: 24,
      shards: evenRanges(spec.shardCount).map((r, index) => ({ index, start: r.start.toString(), end: r.end.toString(), createdAt: now })),
      nextShardIndex: spec.shardCount,
      encryptionType: 'NONE',
      shardLevelMetrics: [],
      tags: spec.tags,
      consumers: [],
      maxRecordSizeKiB: spec.maxRecordSizeKiB,
      scalingEvents: [],
    };
    this.catalog.streams[spec.name] = entry;
    this.routes.delete(spec.name);
    await this.schedule(entry, { kind: 'create' }, this.options.createStreamDelayMs);
    return entry;
  }

  async deleteStream(stream: StreamEntry): Promise<void> {
    this.assertOpen();
    stream.status = 'DELETING';
    this.subscriptions.endStream(stream.name);
    await this.schedule(stream, { kind: 'delete' }, this.options.deleteStreamDelayMs, true);
  }

  /** Marks the stream UPDATING and applies `change` after the update delay. */
  async update(stream: StreamEntry, change: PendingChange): Promise<void> {
    this.assertOpen();
    stream.status = 'UPDATING';
    await this.schedule(stream, change, this.options.updateStreamDelayMs);
  }

  /** Persists a catalog change that takes effect at once. */
  async commit(): Promise<void> {
    this.assertOpen();
    await this.catalog.save();
  }

  private async schedule(stream: StreamEntry, change: PendingChange, delayMs: number, replace = false): Promise<void> {
    if (stream.pending && !replace) throw new Error(`stream ${stream.name} already has a pending change`);
    stream.pending = change;
    await this.catalog.save();
    if (delayMs <= 0) {
      await this.apply(stream);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed && this.catalog.stream(stream.name) === stream && stream.pending === change) void this.apply(stream).catch(() => undefined);
    }, delayMs);
    this.timers.add(timer);
  }

  private async apply(stream: StreamEntry): Promise<void> {
    const change = stream.pending;
    if (!change) return;
    switch (change.kind) {
      case 'create':
        break;
      case 'delete':
        await this.removeStream(stream);
        return;
      case 'split':
        this.splitNow(stream, change.shard, BigInt(change.newStartingHashKey));
        break;
      case 'merge':
        this.mergeNow(stream, change.shard, change.adjacent);
        break;
      case 'scale': {
        const open = stream.shards.filter((s) => s.closedAt === undefined).map((s) => ({ index: s.index, start: BigInt(s.start), end: BigInt(s.end) }));
        uniformScaling(open, change.target, {
          split: (index, at) => this.splitNow(stream, index, at),
          merge: (left, right) => this.mergeNow(stream, left, right),
        });
        break;
      }
      case 'encryption': {
        const before = stream.encryptionType === 'KMS' ? stream.keyId : undefined;
        try {
          await this.applyEncryption(stream, change.type === 'KMS' ? change.keyId : undefined);
        } catch (err) {
          // The key became unusable after the request was accepted: the change does not happen.
          await this.applyEncryption(stream, before).catch(() => undefined);
          if (stream.pending === change) {
            delete stream.pending;
            stream.status = 'ACTIVE';
          }
          await this.catalog.save();
          throw err;
        }
        break;
      }
      case 'mode':
        stream.mode = change.mode;
        break;
    }
    await this.sealClosedShards(stream);
    if (stream.pending === change) {
      delete stream.pending;
      stream.status = 'ACTIVE';
    }
    await this.catalog.save();
    // Subscribers of shards that just closed deliver their last event with ChildShards now.
    this.subscriptions.wakeStream(stream.name);
  }

  private newShard(stream: StreamEntry, start: bigint, end: bigint, parent: number, adjacentParent?: number): ShardEntry {
    const shard: ShardEntry = { index: stream.nextShardIndex++, parent, start: start.toString(), end: end.toString(), createdAt: this.now() };
    if (adjacentParent !== undefined) shard.adjacentParent = adjacentParent;
    stream.shards.push(shard);
    return shard;
  }

  private shardAt(stream: StreamEntry, index: number): ShardEntry {
    const s = stream.shards.find((x) => x.index === index);
    if (!s) throw new Error(`shard ${index} missing from ${stream.name}`);
    return s;
  }

  /** Closes `index` and opens its two children; synchronous, so no append can route in between. */
  private splitNow(stream: StreamEntry, index: number, at: bigint): [number, number] {
    const parent = this.shardAt(stream, index);
    parent.closedAt = this.now();
    const left = this.newShard(stream, BigInt(parent.start), at - 1n, index);
    const right = this.newShard(stream, at, BigInt(parent.end), index);
    this.routes.delete(stream.name);
    return [left.index, right.index];
  }

  private mergeNow(stream: StreamEntry, index: number, adjacent: number): number {
    const a = this.shardAt(stream, index);
    const b = this.shardAt(stream, adjacent);
    const now = this.now();
    a.closedAt = now;
    b.closedAt = now;
    const lo = BigInt(a.start) < BigInt(b.start) ? a : b;
    const hi = lo === a ? b : a;
    const child = this.newShard(stream, BigInt(lo.start), BigInt(hi.end), index, adjacent);
    this.routes.delete(stream.name);
    return child.index;
  }

  /** Records the final end offset of shards closed but not yet sealed, once their appends drain. */
  private async sealClosedShards(stream: StreamEntry): Promise<void> {
    for (const shard of stream.shards) {
      if (shard.closedAt === undefined || shard.endOffset !== undefined) continue;
      const h = this.handle(stream, shard);
      await h.drained();
      const log = h.log ?? (await h.open());
      shard.endOffset = log.endOffset;
    }
  }

  private async removeStream(stream: StreamEntry): Promise<void> {
    this.subscriptions.endStream(stream.name);
    for (const shard of stream.shards) {
      const key = `${stream.epoch}:${shard.index}`;
      const h = this.handles.get(key);
      this.handles.delete(key);
      await h?.close();
    }
    if (this.catalog.stream(stream.name) === stream) delete this.catalog.streams[stream.name];
    this.routes.delete(stream.name);
    this.metricsByStream.delete(stream.name);
    await this.catalog.save();
    await rm(this.streamDir(stream), { recursive: true, force: true });
  }

  /** Finishes what a crash or close interrupted: pending changes and unsealed closed shards. */
  private async recover(): Promise<void> {
    for (const stream of Object.values(this.catalog.streams)) {
      if (stream.pending) {
        // An encryption change whose key is no longer usable is dropped (apply rolls it back).
        await this.apply(stream).catch((err: unknown) => {
          if (!(err instanceof KmsError)) throw err;
        });
      } else {
        await this.sealClosedShards(stream);
      }
      for (const c of stream.consumers) {
        if (c.status === 'CREATING') c.status = 'ACTIVE';
      }
      stream.consumers = stream.consumers.filter((c) => c.status !== 'DELETING');
    }
    await this.catalog.save();
    // Log directories of streams the catalog no longer has: a crash came between deleting a
    // stream from the catalog and removing its files.
    const live = new Set(Object.values(this.catalog.streams).map((s) => `${s.name}.${s.epoch}`));
    for (const dir of await readdir(join(this.dataDir, 'streams'))) {
      if (!live.has(dir)) await rm(join(this.dataDir, 'streams', dir), { recursive: true, force: true });
    }
  }

  // --- consumers ---------------------------------------------------------------------------------

  async registerConsumer(stream: StreamEntry, name: string, tags: Record<string, string>): Promise<ConsumerEntry> {
    this.assertOpen();
    const consumer: ConsumerEntry = { name, createdAt: this.now(), status: 'CREATING', tags };
    stream.consumers.push(consumer);
    await this.consumerTransition(stream, consumer, 'ACTIVE');
    return consumer;
  }

  async deregisterConsumer(stream: StreamEntry, consumer: ConsumerEntry): Promise<void> {
    this.assertOpen();
    consumer.status = 'DELETING';
    this.subscriptions.endConsumer(this.consumerArn(stream, consumer));
    await this.consumerTransition(stream, consumer, undefined);
  }

  private async consumerTransition(stream: StreamEntry, consumer: ConsumerEntry, to: 'ACTIVE' | undefined): Promise<void> {
    const finish = () => {
      if (to) consumer.status = to;
      else stream.consumers = stream.consumers.filter((c) => c !== consumer);
      return this.catalog.save();
    };
    await this.catalog.save();
    if (this.options.consumerDelayMs <= 0) return finish();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) void finish().catch(() => undefined);
    }, this.options.consumerDelayMs);
    this.timers.add(timer);
  }

  // --- retention ---------------------------------------------------------------------------------

  /**
   * Trims data older than each stream's retention period and forgets closed shards whose data has
   * all expired. Runs on a timer; callable directly (tests, after a retention decrease).
   */
  async enforceRetention(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    let changed = false;
    for (const stream of Object.values(this.catalog.streams)) {
      if (stream.status === 'DELETING' || stream.status === 'CREATING') continue;
      const cutoff = now - stream.retentionHours * HOUR;
      for (const shard of [...stream.shards]) {
        const h = this.handle(stream, shard);
        if (shard.closedAt !== undefined && shard.closedAt < cutoff && !this.subscriptions.hasShard(stream.name, shard.index)) {
          const key = `${stream.epoch}:${shard.index}`;
          this.handles.delete(key);
          await h.close();
          stream.shards = stream.shards.filter((s) => s !== shard);
          await rm(h.dir, { recursive: true, force: true });
          changed = true;
          continue;
        }
        const log = h.log ?? (await h.open());
        await log.trim({ olderThan: cutoff });
      }
    }
    if (changed) await this.catalog.save();
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.subscriptions.endAll();
    await this.catalog.flush();
    for (const h of this.handles.values()) await h.close().catch(() => undefined);
    this.handles.clear();
    await this.keyringOpening?.catch(() => undefined);
    if (this.ring?.owned) await this.ring.keyring.close();
    await this.lock.release();
  }
}

// The stream catalog: every stream, its shards and their lineage, consumers, tags, policies and
// settings. Small, so it lives in memory and is persisted whole, as one JSON file replaced
// atomically after each change (see atomic-file.ts): a SIGKILL at any moment leaves either the
// state before or after the change. Saves are coalesced: changes made while a write is in flight
// go out together in the next write, and every caller's promise resolves once its change is durable.
//
// Callers check and mutate in one synchronous section, then await save(); there is no other lock.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../errors.js';
import { removeStaleTemps, writeFileAtomic } from '../storage/atomic-file.js';

export const CATALOG_FILE = 'catalog.json';
const FORMAT = 1;

export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';
export type ConsumerStatus = 'CREATING' | 'DELETING' | 'ACTIVE';

export interface ShardEntry {
  /** Position in the stream's shard list at creation; names the shard (shardId-<index>) and its log. */
  index: number;
  parent?: number;
  adjacentParent?: number;
  /** Hash-key range, decimal. */
  start: string;
  end: string;
  createdAt: number;
  /** Set when the shard is closed by a reshard. */
  closedAt?: number;
  /** Log end offset at close: the shard holds offsets [0, endOffset). */
  endOffset?: number;
}

export interface ConsumerEntry {
  name: string;
  createdAt: number;
  status: ConsumerStatus;
  tags: Record<string, string>;
  policy?: string;
}

/** A change applied after the stream's transition delay; kept so a restart can finish it. */
export type PendingChange =
  | { kind: 'create' }
  | { kind: 'delete' }
  | { kind: 'split'; shard: number; newStartingHashKey: string }
  | { kind: 'merge'; shard: number; adjacent: number }
  | { kind: 'scale'; target: number }
  | { kind: 'encryption'; type: 'NONE' | 'KMS'; keyId?: string }
  | { kind: 'mode'; mode: StreamMode };

export interface StreamEntry {
  name: string;
  /** Unique per data directory; part of sequence numbers, iterators and the log directory name. */
  epoch: number;
  createdAt: number;
  status: StreamStatus;
  mode: StreamMode;
  retentionHours: number;
  shards: ShardEntry[];
  nextShardIndex: number;
  encryptionType: 'NONE' | 'KMS';
  keyId?: string;
  shardLevelMetrics: string[];
  tags: Record<string, string>;
  policy?: string;
  consumers: ConsumerEntry[];
  maxRecordSizeKiB: number;
  pending?: PendingChange;
  /** Times of recent UpdateShardCount calls (AWS allows 10 per rolling 24 h). */
  scalingEvents: number[];
}

export interface AccountSettings {
  minimumThroughputBillingCommitment?: {
    status: 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END';
    startedAt?: number;
    endedAt?: number;
    earliestAllowedEndAt?: number;
  };
}

export interface CatalogData {
  format: number;
  nextEpoch: number;
  streams: Record<string, StreamEntry>;
  account: AccountSettings;
}

export class Catalog {
  readonly path: string;
  readonly data: CatalogData;
  private inflight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  private constructor(path: string, data: CatalogData) {
    this.path = path;
    this.data = data;
  }

  static async load(dir: string): Promise<Catalog> {
    const path = join(dir, CATALOG_FILE);
    await removeStaleTemps(path);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new IoError(`cannot read ${path}`, { file: path, cause: e, errno: (e as NodeJS.ErrnoException).code });
    }
    if (text === undefined) return new Catalog(path, { format: FORMAT, nextEpoch: 1, streams: {}, account: {} });
    let data: CatalogData;
    try {
      data = JSON.parse(text) as CatalogData;
    } catch (e) {
      throw new IoError(`catalog ${path} is not valid JSON`, { file: path, cause: e });
    }
    if (data.format !== FORMAT) throw new IoError(`catalog ${path} has unknown format ${String(data.format)}`, { file: path });
    return new Catalog(path, data);
  }

  get streams(): Record<string, StreamEntry> {
    return this.data.streams;
  }

  stream(name: string): StreamEntry | undefined {
    return Object.hasOwn(this.data.streams, name) ? this.data.streams[name] : undefined;
  }

  takeEpoch(): number {
    return this.data.nextEpoch++;
  }

  /** Persists the current state; resolves when every change made before the call is durable. */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.inflight;
    const next = (async () => {
      // Always yield before taking the snapshot, so changes made right after this call (by callers
      // that get this same promise from `queued`) are in it.
      await previous?.catch(() => undefined);
      this.queued = undefined;
      await writeFileAtomic(this.path, JSON.stringify(this.data));
    })();
    this.queued = next;
    this.inflight = next;
    return next;
  }

  /** Waits for outstanding writes. */
  async flush(): Promise<void> {
    while (this.inflight) {
      const p = this.inflight;
      await p.catch(() => undefined);
      if (this.inflight === p) break;
    }
  }
}

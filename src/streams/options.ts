// Options of the Data Streams engine, with defaults chosen for embedded use: state transitions are
// immediate (a stream is ACTIVE when CreateStream returns) unless delays are asked for, while
// limits and throttling follow AWS so that code tested here behaves the same there.
import { systemClock, type Clock } from '../core/clock.js';
import type { Keyring, KeyringOptions } from '../storage/keyring.js';
import type { Compression, ShardLogOptions } from '../storage/types.js';
import { AWS_SHARD_LIMITS, MiB, type ShardLimits } from './throttle.js';

export interface StreamsOptions {
  /** Where streams live (default ./millrace-data). */
  dataDir?: string;
  /** Account id in ARNs and messages (default 000000000000). */
  accountId?: string;
  /** Region in ARNs and messages (default us-east-1). */
  region?: string;
  clock?: Clock;
  /** Open shards allowed across all streams (AWS default: 500 in the largest regions). */
  shardLimit?: number;
  /** On-demand streams allowed (AWS default 50). */
  onDemandStreamCountLimit?: number;
  /** Shards of a new on-demand stream (AWS starts them with 4). */
  onDemandShardCount?: number;
  /** CREATING -> ACTIVE delay in ms (default 0: ACTIVE on return). */
  createStreamDelayMs?: number;
  /** DELETING -> gone delay in ms (default 0). */
  deleteStreamDelayMs?: number;
  /** UPDATING -> ACTIVE delay for reshards, mode and encryption changes (default 0). */
  updateStreamDelayMs?: number;
  /** Consumer CREATING -> ACTIVE and DELETING -> gone delay (default 0). */
  consumerDelayMs?: number;
  /** Enforce provisioned per-shard limits (default true; turn off for benchmarks). */
  throttling?: boolean;
  /** Per-shard limits of provisioned streams (default AWS's). */
  shardLimits?: Partial<ShardLimits>;
  /** Largest record data accepted, bytes (default 1 MiB, at most 10 MiB). */
  maxRecordBytes?: number;
  /** How often retention trims old data, ms (default 60 s; 0 disables the timer). */
  retentionIntervalMs?: number;
  /** Shard iterator lifetime (AWS: 5 minutes). */
  iteratorTtlMs?: number;
  /** SubscribeToShard lifetime (AWS: 5 minutes). */
  subscriptionLifetimeMs?: number;
  /** Quiet-shard heartbeat of SubscribeToShard, ms (AWS sends an event at least every 5 s). */
  subscriptionHeartbeatMs?: number;
  /** Passed to every shard log (durability, segment size...). Compression and encryption are set per stream. */
  log?: Omit<ShardLogOptions, 'compression' | 'encryption' | 'keyring' | 'logId'>;
  /**
   * Codec of new batches for streams without a `millrace:compression` tag (default `none`). The
   * tag (`none` or `lz4`, set with CreateStream's Tags, AddTagsToStream or TagResource) chooses per stream.
   */
  compression?: Compression;
  /**
   * The KMS-style keyring behind StartStreamEncryption and `mr.kms`: a Keyring the caller opened
   * (and closes), or how to open the one in the data directory (its root key). That one is opened
   * on first use, or at open when the data directory already has one.
   */
  keyring?: Keyring | KeyringSettings;
}

/** How the data directory's keyring is unlocked: see Keyring.open (MILLRACE_ROOT_KEY by default). */
export type KeyringSettings = Pick<KeyringOptions, 'rootKey' | 'env' | 'logger'>;

export type ResolvedStreamsOptions = Required<Omit<StreamsOptions, 'shardLimits' | 'log' | 'keyring'>> & {
  shardLimits: ShardLimits;
  log: NonNullable<StreamsOptions['log']>;
  keyring: Keyring | KeyringSettings;
};

export const COMPRESSIONS: readonly Compression[] = ['none', 'lz4'];

export const MAX_RECORD_BYTES_CEILING = 10 * MiB;

export function resolveOptions(o: StreamsOptions = {}): ResolvedStreamsOptions {
  const maxRecordBytes = o.maxRecordBytes ?? MiB;
  if (!Number.isInteger(maxRecordBytes) || maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_BYTES_CEILING) {
    throw new RangeError(`maxRecordBytes must be an integer in [1, ${MAX_RECORD_BYTES_CEILING}], got ${maxRecordBytes}`);
  }
  if (o.accountId !== undefined && !/^\d{12}$/.test(o.accountId)) throw new RangeError(`accountId must be 12 digits, got ${o.accountId}`);
  if (o.compression !== undefined && !COMPRESSIONS.includes(o.compression)) throw new RangeError(`compression must be one of ${COMPRESSIONS.join(', ')}, got ${String(o.compression)}`);
  if (o.keyring !== undefined && (o.keyring === null || typeof o.keyring !== 'object')) throw new TypeError('keyring must be a Keyring or an object of keyring settings');
  return {
    dataDir: o.dataDir ?? './millrace-data',
    accountId: o.accountId ?? '000000000000',
    region: o.region ?? 'us-east-1',
    clock: o.clock ?? systemClock,
    shardLimit: o.shardLimit ?? 500,
    onDemandStreamCountLimit: o.onDemandStreamCountLimit ?? 50,
    onDemandShardCount: o.onDemandShardCount ?? 4,
    createStreamDelayMs: o.createStreamDelayMs ?? 0,
    deleteStreamDelayMs: o.deleteStreamDelayMs ?? 0,
    updateStreamDelayMs: o.updateStreamDelayMs ?? 0,
    consumerDelayMs: o.consumerDelayMs ?? 0,
    throttling: o.throttling ?? true,
    shardLimits: { ...AWS_SHARD_LIMITS, ...o.shardLimits },
    maxRecordBytes,
    retentionIntervalMs: o.retentionIntervalMs ?? 60_000,
    iteratorTtlMs: o.iteratorTtlMs ?? 300_000,
    subscriptionLifetimeMs: o.subscriptionLifetimeMs ?? 300_000,
    subscriptionHeartbeatMs: o.subscriptionHeartbeatMs ?? 5_000,
    log: { maxRecordBytes, ...o.log },
    compression: o.compression ?? 'none',
    keyring: o.keyring ?? {},
  };
}

// Public shapes of the storage layer. The shard log stores opaque records; it knows nothing about
// streams: callers route records to logs and give each log an id (bound into encryption AAD).
//
// Compression and encryption at rest are properties of a ShardLog (docs/ARCHITECTURE.md):
//   ShardLog.open(dir, { compression?: 'none' | 'lz4', encryption?: { keyring, keyId } | null,
//                        keyring?: Keyring, logId?: string, ... })
//   log.setCompression('none' | 'lz4'): void
//       applies to batches appended after the call.
//   log.setEncryption({ keyring, keyId } | null): Promise<void>
//       StartStreamEncryption / StopStreamEncryption. Checks the key first (rejects with the
//       MR_KMS_* KmsError and changes nothing when it is unusable), then every append called after
//       the promise resolves is encrypted under it (or, with null, stored in the clear). Batches
//       already written keep whatever they were written with and stay readable as long as their
//       master key is usable and the log has a keyring.
//   log.compression, log.encryption: the current settings.

import type { Keyring } from './keyring.js';

export type Durability = 'always' | 'interval' | 'never';
export type Compression = 'none' | 'lz4';

/** Encrypt new batches under this master key (an id, alias, key ARN or alias ARN of the keyring). */
export interface LogEncryption {
  keyring: Keyring;
  keyId: string;
}
export type IoMode = 'auto' | 'io_uring' | 'pwrite';

export interface ShardLogOptions {
  /** Largest segment file in bytes (default 128 MiB, at least 64 KiB). */
  segmentBytes?: number;
  /** `always`: acknowledge after fdatasync (group commit); `interval`: sync every `syncIntervalMs`; `never`: page cache only. */
  durability?: Durability;
  /** Sync period for `interval` (default 1000 ms). */
  syncIntervalMs?: number;
  /** Write path. `auto`: io_uring for durable logs when the kernel allows it (else pwrite), pwrite for `never`; or force one. */
  io?: IoMode;
  /** Bytes of log between sparse index entries (default 4096). */
  indexIntervalBytes?: number;
  /** Largest record data accepted (default 1 MiB, at most 10 MiB). */
  maxRecordBytes?: number;
  /** LZ4 per batch for new appends (default `none`); see setCompression. */
  compression?: Compression;
  /** Envelope encryption of new appends (default none); see setEncryption. Opening never checks the key: appends and reads do. */
  encryption?: LogEncryption | null;
  /** Unwraps data keys of encrypted batches already in the log; defaults to `encryption.keyring`. Needed to read them after encryption stopped. */
  keyring?: Keyring;
  /**
   * The log's identity (e.g. stream ARN + shard id), bound into every encrypted batch and data key,
   * so that batches cannot be moved between logs. Must never change for a log; defaults to the id
   * the log recorded with its first data key, or a random one.
   */
  logId?: string;
}

/** One record handed to `ShardLog.append`. */
export interface AppendRecord {
  data: Uint8Array;
  /** 1..256 UTF-8 bytes. */
  partitionKey: string;
  /** 16 bytes, big-endian 128-bit hash key, when the producer set one. */
  explicitHashKey?: Uint8Array;
}

export interface AppendResult {
  firstOffset: number;
  lastOffset: number;
  /** Arrival time stamped on the batch (ms since epoch). */
  timestamp: number;
}

export interface ReadLimits {
  /** Default 10,000. */
  maxRecords?: number;
  /** Sum of data bytes (default 10 MiB). A first record larger than this is still returned. */
  maxBytes?: number;
}

/** A record as read back. `data` is a zero-copy view of the segment for plain batches. */
export interface StoredRecord {
  offset: number;
  timestamp: number;
  partitionKey: string;
  explicitHashKey: Uint8Array | undefined;
  data: Buffer;
}

export interface LogStats {
  /** First offset still stored (trimmed data is gone). */
  startOffset: number;
  /** Next offset to be assigned; the log holds [startOffset, endOffset). */
  endOffset: number;
  segments: number;
  bytes: number;
  firstTimestamp: number | undefined;
  lastTimestamp: number | undefined;
  io: 'io_uring' | 'pwrite';
  durability: Durability;
}

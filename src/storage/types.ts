// Public shapes of the storage layer. The shard log stores opaque records; it knows nothing about
// streams: callers route records to logs and give each log an id (bound into encryption AAD).

export type Durability = 'always' | 'interval' | 'never';
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

// A shard log: the TypeScript face of one native log directory. It validates every argument,
// packs records into one payload per append (one native call per batch), and decodes the
// zero-copy views that reads return.
import { mkdir } from 'node:fs/promises';
import {
  DURABILITY_ALWAYS, DURABILITY_INTERVAL, DURABILITY_NEVER, DEFAULT_INDEX_INTERVAL_BYTES, DEFAULT_SEGMENT_BYTES,
  FLAG_CODEC_MASK, FLAG_CONTROL, FLAG_ENCRYPTED, IO_AUTO, IO_PWRITE, IO_URING, MAX_BATCH_BYTES, MIN_SEGMENT_BYTES,
} from '../core/constants.js';
import { ClosedError, CorruptBatchError, InvalidArgumentError, RecordTooLargeError } from '../errors.js';
import { native, type NativeLog } from './native.js';
import { forEachBatch, packRecords, RecordCursor } from './record-pack.js';
import type { AppendRecord, AppendResult, Durability, IoMode, LogStats, ReadLimits, ShardLogOptions, StoredRecord } from './types.js';

const DURABILITY: Record<Durability, number> = { never: DURABILITY_NEVER, interval: DURABILITY_INTERVAL, always: DURABILITY_ALWAYS };
const IO: Record<IoMode, number> = { auto: IO_AUTO, io_uring: IO_URING, pwrite: IO_PWRITE };
const MAX_RECORD_BYTES_LIMIT = 10 * 1024 * 1024;
const DEFAULT_MAX_RECORDS = 10_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/** Reads follow into later segments at most this many times per call. */
const MAX_SEGMENT_HOPS = 8;

function positiveInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidArgumentError(`${name} must be an integer, got ${typeof value === 'number' ? value : typeof value}`);
  if (value < min || value > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function checkTimestamp(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer of epoch milliseconds`);
  return value;
}

export type ReadFrom = { offset: number } | { timestamp: number };

export interface ReadResult {
  records: StoredRecord[];
  /** Offset to read from next. */
  nextOffset: number;
}

export interface PackedAppend {
  /** Records in the packed layout (record-pack.ts), or opaque bytes when `flags` sets a codec. */
  payload: Uint8Array;
  count: number;
  /** Batch flags (codec, encryption); 0 for plain packed records. */
  flags?: number;
  /** Payload size before compression, when compressed. */
  rawSize?: number;
  timestamp?: number;
}

export class ShardLog {
  private closed = false;
  private lastTimestamp: number;
  private readonly listeners = new Set<(result: AppendResult) => void>();

  private constructor(
    private readonly nativeLog: NativeLog,
    readonly dir: string,
    readonly durability: Durability,
    readonly maxRecordBytes: number,
  ) {
    this.lastTimestamp = nativeLog.stats().lastTimestamp ?? 0;
  }

  static async open(dir: string, options: ShardLogOptions = {}): Promise<ShardLog> {
    if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('dir must be a non-empty string');
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options must be an object');
    const durability = options.durability ?? 'interval';
    if (!(durability in DURABILITY)) throw new InvalidArgumentError(`durability must be one of always, interval, never; got ${String(durability)}`);
    const io = options.io ?? 'auto';
    if (!(io in IO)) throw new InvalidArgumentError(`io must be one of auto, io_uring, pwrite; got ${String(io)}`);
    const segmentBytes = positiveInt('segmentBytes', options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, MIN_SEGMENT_BYTES, 2 ** 32 - 1);
    const syncIntervalMs = positiveInt('syncIntervalMs', options.syncIntervalMs ?? 1000, 1, 3_600_000);
    const indexIntervalBytes = positiveInt('indexIntervalBytes', options.indexIntervalBytes ?? DEFAULT_INDEX_INTERVAL_BYTES, 64, 1 << 30);
    const maxRecordBytes = positiveInt('maxRecordBytes', options.maxRecordBytes ?? 1024 * 1024, 1, MAX_RECORD_BYTES_LIMIT);
    await mkdir(dir, { recursive: true });
    const nativeLog = await native.openLog(dir, {
      segmentBytes,
      durability: DURABILITY[durability],
      syncIntervalMs,
      indexIntervalBytes,
      io: IO[io],
    });
    return new ShardLog(nativeLog, dir, durability, maxRecordBytes);
  }

  /** Which write path the log uses. */
  get io(): 'io_uring' | 'pwrite' {
    return this.nativeLog.io;
  }

  get startOffset(): number {
    this.assertOpen();
    return this.nativeLog.startOffset();
  }

  /** The next offset to be assigned: the log holds [startOffset, endOffset). */
  get endOffset(): number {
    this.assertOpen();
    return this.nativeLog.endOffset();
  }

  /** Appends records as one batch: one native call, one write, offsets assigned densely. */
  async append(records: readonly AppendRecord[], options: { timestamp?: number } = {}): Promise<AppendResult> {
    this.assertOpen();
    if (!Array.isArray(records) || records.length === 0) throw new InvalidArgumentError('records must be a non-empty array');
    const payload = packRecords(records, this.maxRecordBytes);
    return this.appendPacked({ payload, count: records.length, timestamp: options.timestamp });
  }

  /** The fast path: a payload already in the packed layout (from a producer or the TCP protocol). */
  async appendPacked(batch: PackedAppend): Promise<AppendResult> {
    this.assertOpen();
    if (batch === null || typeof batch !== 'object') throw new InvalidArgumentError('batch must be an object');
    if (!(batch.payload instanceof Uint8Array)) throw new InvalidArgumentError('batch.payload must be a Uint8Array');
    const count = positiveInt('batch.count', batch.count, 1, 1_000_000);
    const flags = batch.flags ?? 0;
    if (!Number.isInteger(flags) || (flags & ~(FLAG_CODEC_MASK | FLAG_ENCRYPTED)) !== 0) throw new InvalidArgumentError(`batch.flags has unknown bits: ${flags}`);
    if (batch.payload.byteLength + 64 > MAX_BATCH_BYTES) throw new RecordTooLargeError(`a batch may hold at most ${MAX_BATCH_BYTES - 64} bytes, got ${batch.payload.byteLength}`);
    const rawSize = batch.rawSize ?? batch.payload.byteLength;
    const requested = batch.timestamp === undefined ? Date.now() : checkTimestamp('timestamp', batch.timestamp);
    // Arrival times never go backwards within a log, so the time index stays sorted.
    const ts = Math.max(requested, this.lastTimestamp);
    this.lastTimestamp = ts;
    const firstOffset = await this.nativeLog.append(batch.payload, count, ts, ts, flags, rawSize, 0);
    const result = { firstOffset, lastOffset: firstOffset + count - 1, timestamp: ts };
    for (const listener of this.listeners) listener(result);
    return result;
  }

  /** Reads up to the limits from an offset, or from the first record at or after a time. */
  read(from: ReadFrom, limits: ReadLimits = {}): ReadResult {
    this.assertOpen();
    const maxRecords = positiveInt('maxRecords', limits.maxRecords ?? DEFAULT_MAX_RECORDS, 1, 1_000_000);
    const maxBytes = positiveInt('maxBytes', limits.maxBytes ?? DEFAULT_MAX_BYTES, 1, 2 ** 31);
    let offset: number;
    let minTimestamp = 0;
    if (from !== null && typeof from === 'object' && 'offset' in from) {
      offset = positiveInt('offset', from.offset, 0, Number.MAX_SAFE_INTEGER);
    } else if (from !== null && typeof from === 'object' && 'timestamp' in from) {
      minTimestamp = checkTimestamp('timestamp', from.timestamp);
      offset = this.nativeLog.findByTimestamp(minTimestamp);
    } else {
      throw new InvalidArgumentError('from must be { offset } or { timestamp }');
    }
    const records: StoredRecord[] = [];
    let bytes = 0;
    let next = offset;
    let full = false;
    for (let hop = 0; hop < MAX_SEGMENT_HOPS && !full && records.length < maxRecords && bytes < maxBytes; hop++) {
      const view = this.nativeLog.read(next, maxRecords - records.length, maxBytes - bytes);
      if (view === null) break;
      const before = next;
      forEachBatch(view.buffer, (h, payloadStart) => {
        if (h.flags & FLAG_CONTROL) return;
        if (h.flags & (FLAG_CODEC_MASK | FLAG_ENCRYPTED)) {
          throw new CorruptBatchError(`batch at offset ${h.firstOffset} uses codec flags this build cannot decode (${h.flags})`, { file: view.file });
        }
        const cursor = new RecordCursor(view.buffer, payloadStart, h.payloadSize, h.firstOffset, h.baseTimestamp);
        while (cursor.next()) {
          if (cursor.offset < next) continue;
          if (cursor.timestamp < minTimestamp) {
            next = cursor.offset + 1;
            continue;
          }
          if (records.length >= maxRecords || (records.length > 0 && bytes + cursor.dataLength > maxBytes)) {
            full = true;
            return false;
          }
          records.push(cursor.toRecord());
          bytes += cursor.dataLength;
          next = cursor.offset + 1;
        }
        next = Math.max(next, h.firstOffset + h.recordCount);
        return undefined;
      });
      if (next === before) break;
    }
    return { records, nextOffset: next };
  }

  /** Calls `listener` after every acknowledged append; returns the unsubscribe function. */
  onAppend(listener: (result: AppendResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Retention: removes whole segments older than `olderThan` (epoch ms) or beyond `maxBytes`. */
  async trim(options: { olderThan?: number; maxBytes?: number; beforeOffset?: number }): Promise<number> {
    this.assertOpen();
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError('trim options must be an object');
    const olderThan = options.olderThan === undefined ? null : checkTimestamp('olderThan', options.olderThan);
    const maxBytes = options.maxBytes === undefined ? 0 : positiveInt('maxBytes', options.maxBytes, 1, Number.MAX_SAFE_INTEGER);
    const beforeOffset = options.beforeOffset === undefined ? 0 : positiveInt('beforeOffset', options.beforeOffset, 0, Number.MAX_SAFE_INTEGER);
    return this.nativeLog.trim(olderThan, maxBytes, beforeOffset);
  }

  /** Forces everything written so far to disk, whatever the durability policy. */
  async flush(): Promise<void> {
    this.assertOpen();
    return this.nativeLog.flush();
  }

  stats(): LogStats {
    this.assertOpen();
    return { ...this.nativeLog.stats(), io: this.nativeLog.io, durability: this.durability };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.nativeLog.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError(`shard log ${this.dir}`);
  }
}

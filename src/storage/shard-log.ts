// A shard log: the TypeScript face of one native log directory. It validates every argument,
// packs records into one payload per append (one native call per batch), compresses and picks the
// data key per batch (the addon seals it on its I/O thread), and decodes the views that reads
// return: plain batches zero-copy, compressed or encrypted ones opened and decompressed per batch.
import { mkdir } from 'node:fs/promises';
import {
  BATCH_HEADER_SIZE, CODEC_LZ4, CODEC_NONE, DURABILITY_ALWAYS, DURABILITY_INTERVAL, DURABILITY_NEVER, DEFAULT_INDEX_INTERVAL_BYTES,
  DEFAULT_SEGMENT_BYTES, FLAG_CODEC_MASK, FLAG_CONTROL, FLAG_ENCRYPTED, IO_AUTO, IO_PWRITE, IO_URING, MAX_BATCH_BYTES, MIN_SEGMENT_BYTES,
} from '../core/constants.js';
import { readU32 as u32 } from '../core/record-pack.js';
import { ClosedError, CorruptBatchError, CryptoError, InvalidArgumentError, MillraceError, RecordTooLargeError } from '../errors.js';
import {
  compressBatch, compressBatchSync, decompressBatch, decompressBatchSync, LZ4_COMPRESS_ASYNC_MIN_BYTES, LZ4_DECOMPRESS_ASYNC_MIN_BYTES,
  type CodecId, type CompressedPayload,
} from './codec.js';
import { LogDataKeys, type Run } from './data-keys.js';
import { Keyring } from './keyring.js';
import { native, type NativeLog, type NativeReadView } from './native.js';
import { forEachBatch, packRecords, RecordCursor, type BatchHeader } from './record-pack.js';
import type {
  AppendRecord, AppendResult, Compression, Durability, IoMode, LogEncryption, LogStats, ReadLimits, ShardLogOptions, StoredRecord,
} from './types.js';

const AEAD_OVERHEAD = 28;
const CODECS: Record<Compression, CodecId> = { none: CODEC_NONE, lz4: CODEC_LZ4 };
const noop = (): void => undefined;

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

function checkCompression(value: unknown): CodecId {
  if (typeof value !== 'string' || !(value in CODECS)) throw new InvalidArgumentError(`compression must be 'none' or 'lz4', got ${String(value)}`);
  return CODECS[value as Compression];
}

function checkEncryption(value: unknown): LogEncryption | null {
  if (value === null || value === undefined) return null;
  const e = value as LogEncryption;
  if (typeof e !== 'object' || !(e.keyring instanceof Keyring)) throw new InvalidArgumentError('encryption must be null or { keyring: Keyring, keyId: string }');
  if (typeof e.keyId !== 'string' || e.keyId.length === 0) throw new InvalidArgumentError('encryption.keyId must be a key id, alias or ARN');
  // A copy: the log compares identities to notice a new setting.
  return { keyring: e.keyring, keyId: e.keyId };
}

/** A batch ready to queue: compressed (or not) by the log's codec, still plaintext. */
interface Prepared {
  payload: Uint8Array;
  count: number;
  codec: number;
  rawSize: number;
}

/** Errors from opening or decoding a stored batch, pinned to the batch's file and position. */
function atBatch(err: unknown, where: { file: string; position: number }): unknown {
  if (!(err instanceof MillraceError)) return err;
  if (err.code === 'MR_CRYPTO') return new CryptoError(err.message, { ...where, cause: err });
  if (err.code === 'MR_CORRUPT_BATCH') return new CorruptBatchError(`${err.message} (${where.file} at byte ${where.position})`, { ...where, cause: err });
  return err;
}

export type ReadFrom = { offset: number } | { timestamp: number };

/**
 * What `predecode` looked at and decoded ahead of a read: the first native view (the read takes it
 * over instead of asking for the same bytes again) and the raw payloads of its compressed batches
 * by first offset.
 */
interface Predecoded {
  offset: number;
  view: NativeReadView;
  raw: Map<number, Buffer>;
}

export interface PackedRead {
  /** Each batch's packed records from the first one asked for; payload is a view of the segment or the decoded bytes. */
  batches: { firstOffset: number; recordCount: number; baseTimestamp: number; payload: Buffer }[];
  nextOffset: number;
}

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
  /** Payload size before compression: required with a codec, and the payload must decode to exactly this many bytes of valid records. */
  rawSize?: number;
  timestamp?: number;
}

export class ShardLog {
  private closed = false;
  private lastTimestamp: number;
  private readonly listeners = new Set<(result: AppendResult) => void>();
  private codec: CodecId;
  /**
   * The log may hold compressed batches: its codec is or was LZ4, a producer handed one in, or a
   * read met one (a log reopened without compression). Until then reads skip the look-ahead.
   */
  private mayHoldCompressed = false;
  private target: LogEncryption | null;
  /** Unwraps data keys for reads: options.keyring, else the latest encryption keyring. */
  private readKeyring: Keyring | undefined;
  /**
   * Appends reach the native log in call order. An append that must wait (async compression of a
   * large batch, a new data key) queues behind `tail`, and so does every append after it until
   * the queue is empty again; the common case never waits and never allocates a promise chain.
   */
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  private constructor(
    private readonly nativeLog: NativeLog,
    readonly dir: string,
    readonly durability: Durability,
    readonly maxRecordBytes: number,
    private readonly keys: LogDataKeys,
    options: { codec: CodecId; encryption: LogEncryption | null; keyring: Keyring | undefined },
  ) {
    this.lastTimestamp = nativeLog.stats().lastTimestamp ?? 0;
    this.codec = options.codec;
    this.mayHoldCompressed = options.codec !== CODEC_NONE;
    this.target = options.encryption;
    this.readKeyring = options.keyring ?? options.encryption?.keyring;
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
    const codec = checkCompression(options.compression ?? 'none');
    const encryption = checkEncryption(options.encryption);
    if (options.keyring !== undefined && !(options.keyring instanceof Keyring)) throw new InvalidArgumentError('keyring must be a Keyring');
    if (options.logId !== undefined && (typeof options.logId !== 'string' || options.logId.length === 0 || options.logId.length > 2048)) {
      throw new InvalidArgumentError('logId must be a non-empty string of at most 2048 characters');
    }
    await mkdir(dir, { recursive: true });
    // A run of batches under one data key ends after about a segment's worth of bytes.
    const keys = await LogDataKeys.load(dir, options.logId, segmentBytes);
    const nativeLog = await native.openLog(dir, {
      segmentBytes,
      durability: DURABILITY[durability],
      syncIntervalMs,
      indexIntervalBytes,
      io: IO[io],
      aad: keys.context,
    });
    return new ShardLog(nativeLog, dir, durability, maxRecordBytes, keys, { codec, encryption, keyring: options.keyring });
  }

  /** Codec for batches appended from now on. */
  get compression(): Compression {
    return this.codec === CODEC_LZ4 ? 'lz4' : 'none';
  }

  /** Master key new batches are encrypted under, or null. */
  get encryption(): LogEncryption | null {
    return this.target === null ? null : { ...this.target };
  }

  /** The id bound into this log's encrypted batches and data keys. */
  get logId(): string {
    return this.keys.logId;
  }

  /** Sets the codec of batches appended after the call; stored batches keep theirs. */
  setCompression(compression: Compression): void {
    this.assertOpen();
    this.codec = checkCompression(compression);
    if (this.codec !== CODEC_NONE) this.mayHoldCompressed = true;
  }

  /**
   * StartStreamEncryption (a key) or StopStreamEncryption (null). The key must exist and be
   * enabled: otherwise this rejects with its MR_KMS_* error and nothing changes. Appends called
   * after the promise resolves are encrypted under a fresh data key (or stored in the clear);
   * batches already written stay readable under their own keys.
   */
  async setEncryption(encryption: LogEncryption | null): Promise<void> {
    this.assertOpen();
    const target = checkEncryption(encryption);
    if (target === null) {
      this.target = null;
      // Through the queue, so that no queued append loses its key before it is copied.
      await this.serial(() => this.keys.endRun());
      return;
    }
    // describeKey creates alias/aws/kinesis on first use, as KMS does; activeVersion checks the state.
    await target.keyring.describeKey(target.keyId);
    target.keyring.activeVersion(target.keyId);
    this.assertOpen();
    this.target = target;
    this.readKeyring = target.keyring;
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

  /**
   * The fast path: a payload already in the packed layout (from a producer or the TCP protocol),
   * or LZ4-compressed by the producer (`flags` = CODEC_LZ4, `rawSize`), which is stored as it is
   * once it is known to decompress to `count` valid records.
   */
  async appendPacked(batch: PackedAppend): Promise<AppendResult> {
    this.assertOpen();
    if (batch === null || typeof batch !== 'object') throw new InvalidArgumentError('batch must be an object');
    if (!(batch.payload instanceof Uint8Array)) throw new InvalidArgumentError('batch.payload must be a Uint8Array');
    const count = positiveInt('batch.count', batch.count, 1, 1_000_000);
    const flags = batch.flags ?? 0;
    if (flags !== CODEC_NONE && flags !== CODEC_LZ4) throw new InvalidArgumentError(`batch.flags may only name a codec (0 none, 1 LZ4), got ${flags}`);
    const overhead = this.target === null ? 0 : AEAD_OVERHEAD;
    if (batch.payload.byteLength + BATCH_HEADER_SIZE + overhead > MAX_BATCH_BYTES) {
      throw new RecordTooLargeError(`a batch may hold at most ${MAX_BATCH_BYTES - BATCH_HEADER_SIZE - overhead} bytes, got ${batch.payload.byteLength}`);
    }
    let rawSize = batch.payload.byteLength;
    if (flags !== CODEC_NONE) rawSize = positiveInt('batch.rawSize', batch.rawSize, 1, MAX_BATCH_BYTES - BATCH_HEADER_SIZE);
    else if (batch.rawSize !== undefined && batch.rawSize !== rawSize) throw new InvalidArgumentError(`batch.rawSize ${batch.rawSize} differs from the uncompressed payload's ${rawSize} bytes`);
    const requested = batch.timestamp === undefined ? undefined : checkTimestamp('timestamp', batch.timestamp);
    // Settings as of the call: a later setCompression/setEncryption does not reach back.
    const target = this.target;
    if (flags !== CODEC_NONE) this.mayHoldCompressed = true;
    const prepared = this.prepare(batch.payload, count, flags, rawSize, this.codec);
    if (this.queued === 0 && !(prepared instanceof Promise)) {
      const run = target === null ? undefined : this.keys.current(target);
      if (target === null || run !== undefined) return this.enqueue(prepared, requested, run);
    }
    if (prepared instanceof Promise) prepared.catch(noop);  // awaited below; not an unhandled rejection meanwhile
    const queued = await this.serial(async () => {
      const p = await prepared;
      let run: Run | undefined;
      if (target !== null) run = this.keys.current(target) ?? (await this.keys.startRun(target, this.nativeLog.nextOffset(), this.nativeLog.startOffset()));
      // Wrapped so that the queue waits for the enqueue only, not for the write.
      return { done: this.enqueue(p, requested, run) };
    });
    return queued.done;
  }

  /** Compresses with the log's codec (inline, or off the JS thread when large), or checks a producer-compressed payload. */
  private prepare(payload: Uint8Array, count: number, codec: number, rawSize: number, logCodec: CodecId): Prepared | Promise<Prepared> {
    if (codec !== CODEC_NONE) {
      const accept = (raw: Buffer): Prepared => {
        native.validateRecords(raw, count, 0);
        return { payload, count, codec, rawSize };
      };
      const reject = (cause: unknown): never => {
        throw new InvalidArgumentError(`batch.payload is not an LZ4 batch payload of ${rawSize} bytes`, { cause });
      };
      if (rawSize >= LZ4_DECOMPRESS_ASYNC_MIN_BYTES) return decompressBatch(codec, payload, rawSize).then(accept, reject);
      let raw: Buffer;
      try {
        raw = decompressBatchSync(codec, payload, rawSize);
      } catch (cause) {
        return reject(cause);
      }
      return accept(raw);
    }
    if (logCodec === CODEC_NONE) return { payload, count, codec: CODEC_NONE, rawSize };
    // Once compressed the native side cannot check the records, so check them first.
    native.validateRecords(payload, count, 0);
    const done = (c: CompressedPayload): Prepared => ({ payload: c.payload, count, codec: c.codec, rawSize: c.rawSize });
    return payload.byteLength < LZ4_COMPRESS_ASYNC_MIN_BYTES ? done(compressBatchSync(payload, logCodec)) : compressBatch(payload, logCodec).then(done);
  }

  /** Stamps the batch and hands it to the native log (one call); resolves once it is written. */
  private enqueue(p: Prepared, requested: number | undefined, run: Run | undefined): Promise<AppendResult> {
    // Arrival times never go backwards within a log, so the time index stays sorted.
    const ts = Math.max(requested ?? Date.now(), this.lastTimestamp);
    this.lastTimestamp = ts;
    const flags = p.codec | (run === undefined ? 0 : FLAG_ENCRYPTED);
    const written = this.nativeLog.append(p.payload, p.count, ts, ts, flags, p.rawSize, run?.ref ?? 0, run?.key);
    if (run !== undefined) run.bytes += p.payload.byteLength + AEAD_OVERHEAD;
    return written.then((firstOffset) => {
      const result = { firstOffset, lastOffset: firstOffset + p.count - 1, timestamp: ts };
      for (const listener of this.listeners) listener(result);
      return result;
    });
  }

  /** Runs `task` after every queued append has reached the native log. */
  private serial<T>(task: () => T | Promise<T>): Promise<T> {
    this.queued++;
    const done = this.tail.then(task).finally(() => {
      this.queued--;
    });
    this.tail = done.then(noop, noop);
    return done;
  }

  /** Plaintext records of a compressed and/or encrypted batch (decoded ahead by `predecode`, or now). */
  private decode(view: NativeReadView, h: BatchHeader, payloadStart: number, predecoded?: Predecoded): Buffer {
    const ready = predecoded?.raw.get(h.firstOffset);
    if (ready !== undefined) return ready;
    if (h.flags & FLAG_CODEC_MASK) this.mayHoldCompressed = true;
    const headerAt = payloadStart - BATCH_HEADER_SIZE;
    const where = { file: view.file, position: view.position + headerAt };
    let payload: Buffer = view.buffer.subarray(payloadStart, payloadStart + h.payloadSize);
    try {
      if (h.flags & FLAG_ENCRYPTED) payload = this.nativeLog.openBatch(view.buffer, headerAt, this.keys.readKey(h.keyRef, this.readKeyring));
      return decompressBatchSync(h.flags & FLAG_CODEC_MASK, payload, h.rawSize);
    } catch (err) {
      throw atBatch(err, where);
    }
  }

  /**
   * Decodes the compressed batches a read is about to return off the JS thread, all at once
   * (AES-GCM open and lz4-napi's async API on the libuv pool: several batches on several cores), when there is
   * enough of it to be worth the hop; small reads decode inline. Only the first segment's view is
   * looked at. A batch that fails here is left out: the read decodes it again and reports the error
   * with its position.
   */
  private predecode(from: ReadFrom, limits: ReadLimits): Promise<Predecoded> | undefined {
    if (!this.mayHoldCompressed) return undefined;
    const { maxRecords, maxBytes, offset } = this.readStart(from, limits);
    const view = this.nativeLog.read(offset, maxRecords, maxBytes);
    if (view === null) return undefined;
    const found: { h: BatchHeader; payloadStart: number }[] = [];
    let rawBytes = 0;
    forEachBatch(view.buffer, (h, payloadStart) => {
      if (h.flags & FLAG_CONTROL || !(h.flags & FLAG_CODEC_MASK) || h.firstOffset + h.recordCount <= offset) return;
      found.push({ h, payloadStart });
      rawBytes += h.rawSize;
    });
    if (rawBytes < LZ4_DECOMPRESS_ASYNC_MIN_BYTES) return undefined;
    const predecoded: Predecoded = { offset, view, raw: new Map() };
    return Promise.all(
      found.map(async ({ h, payloadStart }) => {
        try {
          let payload: Buffer = view.buffer.subarray(payloadStart, payloadStart + h.payloadSize);
          if (h.flags & FLAG_ENCRYPTED) payload = await this.nativeLog.openBatchAsync(view.buffer, payloadStart - BATCH_HEADER_SIZE, this.keys.readKey(h.keyRef, this.readKeyring));
          predecoded.raw.set(h.firstOffset, await decompressBatch(h.flags & FLAG_CODEC_MASK, payload, h.rawSize));
        } catch {
          // decoded again, with its position in the error, by the read itself
        }
      }),
    ).then(() => predecoded);
  }

  /** Checks a read's arguments; resolves a time to the offset of the batch that may hold it. */
  private readStart(from: ReadFrom, limits: ReadLimits): { maxRecords: number; maxBytes: number; offset: number; minTimestamp: number } {
    this.assertOpen();
    const maxRecords = positiveInt('maxRecords', limits.maxRecords ?? DEFAULT_MAX_RECORDS, 1, 1_000_000);
    const maxBytes = positiveInt('maxBytes', limits.maxBytes ?? DEFAULT_MAX_BYTES, 1, 2 ** 31);
    if (from !== null && typeof from === 'object' && 'offset' in from) {
      return { maxRecords, maxBytes, offset: positiveInt('offset', from.offset, 0, Number.MAX_SAFE_INTEGER), minTimestamp: 0 };
    }
    if (from !== null && typeof from === 'object' && 'timestamp' in from) {
      const minTimestamp = checkTimestamp('timestamp', from.timestamp);
      return { maxRecords, maxBytes, offset: this.nativeLog.findByTimestamp(minTimestamp), minTimestamp };
    }
    throw new InvalidArgumentError('from must be { offset } or { timestamp }');
  }

  /** Reads up to the limits from an offset, or from the first record at or after a time. */
  read(from: ReadFrom, limits: ReadLimits = {}): ReadResult {
    return this.readWith(from, limits, undefined);
  }

  /**
   * `read`, with large runs of compressed batches decompressed off the JS thread and in parallel
   * first: for readers of compressed logs (GetRecords, subscriptions) that can wait a moment.
   */
  async readAsync(from: ReadFrom, limits: ReadLimits = {}): Promise<ReadResult> {
    const pending = this.predecode(from, limits);
    return this.readWith(from, limits, pending === undefined ? undefined : await pending);
  }

  private readWith(from: ReadFrom, limits: ReadLimits, predecoded: Predecoded | undefined): ReadResult {
    const { maxRecords, maxBytes, offset, minTimestamp } = this.readStart(from, limits);
    const records: StoredRecord[] = [];
    let bytes = 0;
    let next = offset;
    let full = false;
    for (let hop = 0; hop < MAX_SEGMENT_HOPS && !full && records.length < maxRecords && bytes < maxBytes; hop++) {
      const view = hop === 0 && predecoded?.offset === next ? predecoded.view : this.nativeLog.read(next, maxRecords - records.length, maxBytes - bytes);
      if (view === null) break;
      const before = next;
      forEachBatch(view.buffer, (h, payloadStart) => {
        if (h.flags & FLAG_CONTROL) return;
        // Plain batches are read in place (zero-copy); others are decoded once per read call.
        const decoded = h.flags & (FLAG_CODEC_MASK | FLAG_ENCRYPTED) ? this.decode(view, h, payloadStart, predecoded) : undefined;
        const cursor = decoded === undefined
          ? new RecordCursor(view.buffer, payloadStart, h.payloadSize, h.firstOffset, h.baseTimestamp)
          : new RecordCursor(decoded, 0, decoded.length, h.firstOffset, h.baseTimestamp);
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
    // Appends already accepted reach the native log before it closes.
    await this.tail;
    this.keys.close();
    await this.nativeLog.close();
  }

  /**
   * `read` without an object per record: the stored batches as they are, each one's packed-record
   * bytes (a view of the segment for plain batches, the decoded buffer for compressed or encrypted
   * ones) trimmed at record boundaries to `from` and the limits, for callers that pass records on
   * in the packed layout (the TCP face writes these payloads to its socket). Limits as for `read`,
   * except that maxBytes counts packed bytes, as a consumer receives them: a batch that fits whole
   * is taken without walking its records; a walk (lengths only) happens only where one is cut.
   * From a time: from the first record at or after it.
   */
  readBatches(from: ReadFrom, limits: ReadLimits = {}): PackedRead {
    return this.readBatchesWith(from, limits, undefined);
  }

  /** `readBatches`, decompressing large runs of compressed batches off the JS thread first (see readAsync). */
  async readBatchesAsync(from: ReadFrom, limits: ReadLimits = {}): Promise<PackedRead> {
    const pending = this.predecode(from, limits);
    return this.readBatchesWith(from, limits, pending === undefined ? undefined : await pending);
  }

  private readBatchesWith(from: ReadFrom, limits: ReadLimits, predecoded: Predecoded | undefined): PackedRead {
    const { maxRecords, maxBytes, offset, minTimestamp } = this.readStart(from, limits);
    // Record fields by plain indexed loads (readU32); the native side validated every record's lengths.
    const batches: { firstOffset: number; recordCount: number; baseTimestamp: number; payload: Buffer }[] = [];
    let records = 0;
    let bytes = 0;
    let next = offset;
    let full = false;
    for (let hop = 0; hop < MAX_SEGMENT_HOPS && !full && records < maxRecords && bytes < maxBytes; hop++) {
      const view = hop === 0 && predecoded?.offset === next ? predecoded.view : this.nativeLog.read(next, maxRecords - records, maxBytes - bytes);
      if (view === null) break;
      const before = next;
      forEachBatch(view.buffer, (h, payloadStart) => {
        const batchEnd = h.firstOffset + h.recordCount;
        // Control batches hold no records; a batch wholly before `next` is not even decoded.
        if (h.flags & FLAG_CONTROL || batchEnd <= next) return;
        const payload = h.flags & (FLAG_CODEC_MASK | FLAG_ENCRYPTED) ? this.decode(view, h, payloadStart, predecoded) : view.buffer.subarray(payloadStart, payloadStart + h.payloadSize);
        const length = payload.length;
        let p = 0;
        let first = h.firstOffset;
        while (p < length && (first < next || h.baseTimestamp + u32(payload, p + 4) < minTimestamp)) {
          p += u32(payload, p);
          first++;
          if (first > next) next = first;
        }
        let end = length;
        let count = batchEnd - first;
        if (count > maxRecords - records || bytes + (length - p) > maxBytes) {
          end = p;
          count = 0;
          while (end < length && count < maxRecords - records) {
            const size = u32(payload, end);
            if (records + count > 0 && bytes + (end + size - p) > maxBytes) break;
            end += size;
            count++;
          }
          full = true;
        }
        if (count > 0) {
          batches.push({ firstOffset: first, recordCount: count, baseTimestamp: h.baseTimestamp, payload: payload.subarray(p, end) });
          records += count;
          bytes += end - p;
          next = first + count;
        }
        if (full) return false;
        next = Math.max(next, batchEnd);
        return undefined;
      });
      if (next === before) break;
    }
    return { batches, nextOffset: next };
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError(`shard log ${this.dir}`);
  }
}

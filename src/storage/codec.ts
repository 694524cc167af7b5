// Batch payload compression. A whole batch payload (all its records, framed) is compressed at once,
// never a single record: one ~100 B JSON record barely shrinks (1.08x), a batch of 500 shrinks
// 2.5x (100 B records) to 4.7x (870 B records). The codec id lives in the batch flags
// (FLAG_CODEC_MASK) and the uncompressed size in B_OFF_RAW_SIZE.
//
// LZ4 payload layout (lz4-napi / lz4_flex "size prepended" block format, the same as python-lz4's
// lz4.block with store_size):
//   [0, 4)  u32 LE  uncompressed size, equal to the batch's B_OFF_RAW_SIZE
//   [4, n)          one LZ4 block
// The batch CRC already covers the payload, so the LZ4 frame format's checksums would be redundant.
import { compress, compressSync, uncompress, uncompressSync } from 'lz4-napi';
import { CODEC_LZ4, CODEC_NONE, MAX_BATCH_BYTES } from '../core/constants.js';
import { CorruptBatchError } from '../errors.js';

export type CodecName = 'none' | 'lz4';
export type CodecId = typeof CODEC_NONE | typeof CODEC_LZ4;

/*
 * Inline or off the JS thread? `node bench/micro/codec.bench.mjs --trials 5` on the 2-vCPU Xeon
 * build machine (Node 20.20, lz4-napi 2.10, libuv threadpool 4, clickstream JSON). Three runs, each
 * the median of 3-5 fresh-process trials; the machine was shared (load 2-10), so treat single
 * figures as +-20%. MiB/s with four batches in flight (a server with several busy shards):
 * sync compresses them one after another on the JS thread, async hands all four to the pool.
 *
 *   compress   sync x4 / async x4 MiB/s, per run     JS thread busy under async
 *   16 KiB     891/494   916/450   881/605           47-51%
 *   64 KiB     890/775   861/639   922/816           22-37%
 *   256 KiB    684/828   678/863   706/667           23-29%
 *   1 MiB      614/1216  620/623   305/429           19-50%
 *
 *   decompress
 *   64 KiB     1567/1474 1300/1649 2529/2016         24-62%
 *   256 KiB    1264/1805 1456/1955 1200/2171         45-50%
 *   1 MiB      2067/1826 1178/1665  780/1190         40-48%
 *
 * One batch alone: the pool hop costs 10-45 us, so async loses outright below 64 KiB (16 KiB
 * compresses in 12 us inline). From 256 KiB the async path is at parity or ahead in throughput
 * in every run but one (-5%), and leaves 70-80% of the JS thread for other work. Inline is not
 * always better on two cores, but the win starts late.
 */

/*
 * In the shard log, appends keep several batches in flight, and the JS thread is the one that
 * also serves every request: `TRIALS=3 SECONDS=2 node bench/storage.mjs --only "append lz4+aes json
 * 100B"` (batches of 1,000 ~100 B JSON records, 121 KiB, 4 in flight), two A/B pairs on the loaded
 * machine: inline 2.82 M / 2.22 M records/s, async 3.51 M / 2.45 M. From 64 KiB the pool hop
 * (10-45 us) is small beside the compression itself (~100 us and up), so large batches go async.
 */
/** Payloads at least this large are compressed through lz4-napi's async API, smaller ones inline. */
export const LZ4_COMPRESS_ASYNC_MIN_BYTES = 64 * 1024;

/** Raw sizes at least this large are decompressed through lz4-napi's async API (see above). */
export const LZ4_DECOMPRESS_ASYNC_MIN_BYTES = 256 * 1024;

const LZ4_SIZE_PREFIX = 4;

export interface CompressedPayload {
  /** Codec actually used: `CODEC_NONE` when LZ4 would not have made the payload smaller. */
  codec: CodecId;
  /** Bytes to store; `raw` itself (no copy) when `codec` is `CODEC_NONE`. */
  payload: Buffer;
  /** Uncompressed size, for B_OFF_RAW_SIZE. */
  rawSize: number;
}

export function codecId(name: CodecName): CodecId {
  if (name === 'none') return CODEC_NONE;
  if (name === 'lz4') return CODEC_LZ4;
  throw new RangeError(`Unknown codec ${JSON.stringify(name)}: expected "none" or "lz4"`);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkRaw(raw: Uint8Array, codec: number): void {
  if (!(raw instanceof Uint8Array)) throw new TypeError('The "raw" argument must be a Buffer or Uint8Array');
  if (raw.byteLength > MAX_BATCH_BYTES) {
    throw new RangeError(`A batch payload is at most ${MAX_BATCH_BYTES} bytes, got ${raw.byteLength}`);
  }
  if (codec !== CODEC_NONE && codec !== CODEC_LZ4) throw new RangeError(`Unknown codec id ${codec}`);
}

function choose(raw: Buffer, compressed: Buffer | undefined): CompressedPayload {
  if (compressed === undefined || compressed.length >= raw.length) {
    return { codec: CODEC_NONE, payload: raw, rawSize: raw.length };
  }
  return { codec: CODEC_LZ4, payload: compressed, rawSize: raw.length };
}

/** Compresses a batch payload on the calling thread. */
export function compressBatchSync(raw: Uint8Array, codec: CodecId): CompressedPayload {
  checkRaw(raw, codec);
  const buf = asBuffer(raw);
  return choose(buf, codec === CODEC_LZ4 && buf.length > 0 ? compressSync(buf) : undefined);
}

/** Compresses a batch payload, off the JS thread from LZ4_COMPRESS_ASYNC_MIN_BYTES. */
export async function compressBatch(raw: Uint8Array, codec: CodecId): Promise<CompressedPayload> {
  checkRaw(raw, codec);
  const buf = asBuffer(raw);
  if (codec !== CODEC_LZ4 || buf.length < LZ4_COMPRESS_ASYNC_MIN_BYTES) return compressBatchSync(buf, codec);
  return choose(buf, await compress(buf));
}

/** Checks a stored payload against its header before any allocation sized by the payload itself. */
function checkStored(codec: number, payload: Uint8Array, rawSize: number): void {
  if (!(payload instanceof Uint8Array)) throw new TypeError('The "payload" argument must be a Buffer or Uint8Array');
  if (!Number.isInteger(rawSize) || rawSize < 0 || rawSize > MAX_BATCH_BYTES) {
    throw new CorruptBatchError(`Batch raw size ${rawSize} is outside 0..${MAX_BATCH_BYTES}`);
  }
  if (codec === CODEC_NONE) {
    if (payload.byteLength !== rawSize) {
      throw new CorruptBatchError(`Uncompressed batch payload is ${payload.byteLength} bytes, header says ${rawSize}`);
    }
  } else if (codec === CODEC_LZ4) {
    if (payload.byteLength < LZ4_SIZE_PREFIX) throw new CorruptBatchError('LZ4 batch payload is shorter than its size prefix');
    const prefixed = new DataView(payload.buffer, payload.byteOffset, LZ4_SIZE_PREFIX).getUint32(0, true);
    if (prefixed !== rawSize) {
      throw new CorruptBatchError(`LZ4 batch payload declares ${prefixed} bytes, header says ${rawSize}`);
    }
  } else {
    throw new CorruptBatchError(`Unknown batch codec ${codec}`);
  }
}

function checkDecoded(out: Buffer, rawSize: number): Buffer {
  if (out.length !== rawSize) throw new CorruptBatchError(`LZ4 batch payload decoded to ${out.length} bytes, header says ${rawSize}`);
  return out;
}

function corrupt(cause: unknown): CorruptBatchError {
  return new CorruptBatchError('LZ4 batch payload is corrupt', { cause });
}

/**
 * Restores a stored batch payload to its raw bytes on the calling thread. `codec` and `rawSize`
 * come from the batch header. An uncompressed payload is returned as is (no copy).
 */
export function decompressBatchSync(codec: number, payload: Uint8Array, rawSize: number): Buffer {
  checkStored(codec, payload, rawSize);
  if (codec === CODEC_NONE) return asBuffer(payload);
  let out: Buffer;
  try {
    out = uncompressSync(payload);
  } catch (err) {
    throw corrupt(err);
  }
  return checkDecoded(out, rawSize);
}

/** As decompressBatchSync, off the JS thread from LZ4_DECOMPRESS_ASYNC_MIN_BYTES of raw size. */
export async function decompressBatch(codec: number, payload: Uint8Array, rawSize: number): Promise<Buffer> {
  checkStored(codec, payload, rawSize);
  if (codec === CODEC_NONE || rawSize < LZ4_DECOMPRESS_ASYNC_MIN_BYTES) return decompressBatchSync(codec, payload, rawSize);
  let out: Buffer;
  try {
    out = await uncompress(payload);
  } catch (err) {
    throw corrupt(err);
  }
  return checkDecoded(out, rawSize);
}

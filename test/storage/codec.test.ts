import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CODEC_LZ4, CODEC_NONE, MAX_BATCH_BYTES } from '../../src/core/constants.js';
import { CorruptBatchError } from '../../src/errors.js';
import {
  codecId,
  compressBatch,
  compressBatchSync,
  decompressBatch,
  decompressBatchSync,
  LZ4_COMPRESS_ASYNC_MIN_BYTES,
  LZ4_DECOMPRESS_ASYNC_MIN_BYTES,
} from '../../src/storage/codec.js';

/** Clickstream-like JSON records, concatenated as a batch payload would hold them. */
function jsonBatch(records: number, seed = 1): Buffer {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const events = ['page_view', 'click', 'add_to_cart', 'purchase'];
  const parts: string[] = [];
  for (let i = 0; i < records; i++) {
    parts.push(JSON.stringify({
      event: events[Math.floor(next() * events.length)],
      user: `u_${Math.floor(next() * 1e6)}`,
      page: `/products/${Math.floor(next() * 1e5)}`,
      ts: 1_717_000_000_000 + i * 17,
      session: Math.floor(next() * 2 ** 32).toString(16),
    }));
  }
  return Buffer.from(parts.join('\n'));
}

describe('compressBatch / decompressBatch', () => {
  it('round-trip JSON batches through the sync and async paths', async () => {
    for (const raw of [jsonBatch(1), jsonBatch(10), jsonBatch(500), jsonBatch(20_000)]) {
      const a = compressBatchSync(raw, CODEC_LZ4);
      const b = await compressBatch(raw, CODEC_LZ4);
      expect(a.rawSize).toBe(raw.length);
      for (const enc of [a, b]) {
        if (raw.length > 1000) expect(enc.codec).toBe(CODEC_LZ4);
        expect(decompressBatchSync(enc.codec, enc.payload, enc.rawSize).equals(raw)).toBe(true);
        expect((await decompressBatch(enc.codec, enc.payload, enc.rawSize)).equals(raw)).toBe(true);
      }
    }
  });

  it('shrink a batch of JSON records well', () => {
    const raw = jsonBatch(500);
    const { payload } = compressBatchSync(raw, CODEC_LZ4);
    expect(raw.length / payload.length).toBeGreaterThan(2);
  });

  it('cross the async threshold in both directions', async () => {
    const raw = jsonBatch(Math.ceil((4 * LZ4_COMPRESS_ASYNC_MIN_BYTES) / 90));
    expect(raw.length).toBeGreaterThan(LZ4_COMPRESS_ASYNC_MIN_BYTES);
    expect(raw.length).toBeGreaterThan(LZ4_DECOMPRESS_ASYNC_MIN_BYTES);
    const enc = await compressBatch(raw, CODEC_LZ4);
    expect(enc.codec).toBe(CODEC_LZ4);
    expect((await decompressBatch(CODEC_LZ4, enc.payload, raw.length)).equals(raw)).toBe(true);
  });

  it('round-trip a large (16 MiB) payload', async () => {
    const raw = Buffer.concat(Array.from({ length: 8 }, (_, i) => Buffer.concat([jsonBatch(12_000, i), randomBytes(1 << 20)])));
    expect(raw.length).toBeGreaterThan(16 << 20);
    const enc = await compressBatch(raw, CODEC_LZ4);
    expect(enc.codec).toBe(CODEC_LZ4);
    expect((await decompressBatch(enc.codec, enc.payload, enc.rawSize)).equals(raw)).toBe(true);
  });

  it('store the empty payload uncompressed', async () => {
    for (const enc of [compressBatchSync(Buffer.alloc(0), CODEC_LZ4), await compressBatch(new Uint8Array(0), CODEC_LZ4)]) {
      expect(enc).toMatchObject({ codec: CODEC_NONE, rawSize: 0 });
      expect(enc.payload.length).toBe(0);
      expect(decompressBatchSync(enc.codec, enc.payload, 0).length).toBe(0);
    }
  });

  it('fall back to no codec, without copying, when LZ4 would not shrink the payload', async () => {
    for (const raw of [randomBytes(100), randomBytes(LZ4_COMPRESS_ASYNC_MIN_BYTES * 2), Buffer.from('ab')]) {
      const enc = await compressBatch(raw, CODEC_LZ4);
      expect(enc.codec).toBe(CODEC_NONE);
      expect(enc.payload).toBe(raw);
      expect(decompressBatchSync(enc.codec, enc.payload, enc.rawSize)).toBe(raw);
    }
  });

  it('pass payloads through when the stream has no codec', async () => {
    const raw = jsonBatch(100);
    expect(compressBatchSync(raw, CODEC_NONE)).toEqual({ codec: CODEC_NONE, payload: raw, rawSize: raw.length });
    expect((await compressBatch(raw, CODEC_NONE)).payload).toBe(raw);
  });

  it('accept Uint8Array views at an offset', () => {
    const raw = jsonBatch(200);
    const backing = new Uint8Array(raw.length + 13);
    backing.set(raw, 13);
    const enc = compressBatchSync(backing.subarray(13), CODEC_LZ4);
    const stored = new Uint8Array(enc.payload.length + 5);
    stored.set(enc.payload, 5);
    expect(decompressBatchSync(CODEC_LZ4, stored.subarray(5), raw.length).equals(raw)).toBe(true);
  });

  it('reject stored payloads that disagree with their header, before decoding', async () => {
    const raw = jsonBatch(300);
    const { payload } = compressBatchSync(raw, CODEC_LZ4);
    const cases: Array<[number, Uint8Array, number]> = [
      [CODEC_LZ4, payload, raw.length + 1], // prefix says raw.length
      [CODEC_LZ4, payload, raw.length - 1],
      [CODEC_LZ4, payload.subarray(0, 3), raw.length], // shorter than the prefix
      [CODEC_LZ4, payload.subarray(0, payload.length - 20), raw.length], // truncated block
      [CODEC_NONE, raw, raw.length - 1],
      [7, payload, raw.length], // unknown codec
      [CODEC_LZ4, payload, MAX_BATCH_BYTES + 1],
      [CODEC_LZ4, payload, -1],
    ];
    for (const [codec, bytes, size] of cases) {
      expect(() => decompressBatchSync(codec, bytes, size)).toThrow(CorruptBatchError);
      await expect(decompressBatch(codec, bytes, size)).rejects.toThrow(CorruptBatchError);
    }
    // A forged prefix cannot make the decoder allocate: it must match the header first.
    const forged = Buffer.from(payload);
    forged.writeUInt32LE(0xffffffff, 0);
    expect(() => decompressBatchSync(CODEC_LZ4, forged, raw.length)).toThrow(/declares 4294967295 bytes/);
  });

  it('never return a wrong-sized payload from a damaged block', () => {
    // Content damage inside the block is the batch CRC's job; the codec guarantees size and framing.
    const raw = jsonBatch(300);
    const { payload } = compressBatchSync(raw, CODEC_LZ4);
    for (let i = 4; i < payload.length; i += 37) {
      const bad = Buffer.from(payload);
      bad[i]! ^= 0xff;
      try {
        expect(decompressBatchSync(CODEC_LZ4, bad, raw.length).length).toBe(raw.length);
      } catch (err) {
        expect(err).toBeInstanceOf(CorruptBatchError);
      }
    }
  });

  it('validate arguments', async () => {
    expect(() => compressBatchSync('text' as unknown as Uint8Array, CODEC_LZ4)).toThrow(TypeError);
    expect(() => compressBatchSync(Buffer.alloc(1), 5 as typeof CODEC_LZ4)).toThrow(RangeError);
    await expect(compressBatch(Buffer.alloc(MAX_BATCH_BYTES + 1), CODEC_LZ4)).rejects.toThrow(RangeError);
    expect(() => decompressBatchSync(CODEC_LZ4, 'x' as unknown as Uint8Array, 1)).toThrow(TypeError);
    expect(codecId('lz4')).toBe(CODEC_LZ4);
    expect(codecId('none')).toBe(CODEC_NONE);
    expect(() => codecId('zstd' as 'lz4')).toThrow(RangeError);
  });
});

// Compression and envelope encryption at rest, through ShardLog with real files: round trips for
// every combination, switching mid-log, key rotation and key states, tampering, swapped batches,
// the sidecar of data keys, and no plaintext anywhere in the data directory.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressSync } from 'lz4-napi';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  B_OFF_CRC, B_OFF_FIRST_OFFSET, B_OFF_FLAGS, B_OFF_KEY_REF, B_OFF_MAX_TS, B_OFF_SIZE, BATCH_HEADER_SIZE, CODEC_LZ4, FLAG_ENCRYPTED, SEGMENT_HEADER_SIZE,
} from '../../src/core/constants.js';
import { DATA_KEYS_FILE } from '../../src/storage/data-keys.js';
import { Keyring } from '../../src/storage/keyring.js';
import { native } from '../../src/storage/native.js';
import { packRecords } from '../../src/storage/record-pack.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import type { AppendRecord, Compression, ShardLogOptions } from '../../src/storage/types.js';
import { tempDir } from '../helpers/tmp.js';
import { rejectsWith } from './reject.js';

const DAY = 86_400_000;
const rootKey = randomBytes(32);
const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function keyring(dataDir: string, clock = new ManualClock(1_700_000_000_000)): Promise<Keyring> {
  const k = await Keyring.open({ dataDir, rootKey, clock });
  opened.push(k);
  return k;
}

async function openLog(dir: string, options: ShardLogOptions = {}): Promise<ShardLog> {
  const log = await ShardLog.open(dir, { durability: 'never', logId: 'stream-a/shardId-000000000000', ...options });
  opened.push(log);
  return log;
}

/** JSON-ish records (they compress), with a marker that must never reach the disk in the clear. */
function records(n: number, tag: string, hash = false): AppendRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionKey: `user-${i % 17}-${tag}`,
    data: Buffer.from(JSON.stringify({ tag, i, event: 'page_view', path: `/products/${i % 50}`, marker: 'SECRET-MARKER-42' })),
    explicitHashKey: hash && i % 3 === 0 ? Buffer.alloc(16, i % 256) : undefined,
  }));
}

function expectRecords(got: Array<{ partitionKey: string; data: Buffer; explicitHashKey: Uint8Array | undefined }>, want: AppendRecord[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((r, i) => {
    expect(r.partitionKey).toBe(want[i]!.partitionKey);
    expect(r.data.toString()).toBe(Buffer.from(want[i]!.data).toString());
    expect(r.explicitHashKey === undefined ? undefined : Buffer.from(r.explicitHashKey)).toEqual(want[i]!.explicitHashKey);
  });
}

function readAll(log: ShardLog, from = 0) {
  const out = [];
  let offset = from;
  while (offset < log.endOffset) {
    const r = log.read({ offset }, { maxRecords: 10_000 });
    out.push(...r.records);
    offset = r.nextOffset;
  }
  return out;
}

/** Batches of a segment file: header position and fields. */
function batchesOf(file: string) {
  const buf = readFileSync(file);
  const out: Array<{ pos: number; size: number; flags: number; firstOffset: number; keyRef: number }> = [];
  for (let pos = SEGMENT_HEADER_SIZE; pos + BATCH_HEADER_SIZE <= buf.length;) {
    const size = buf.readUInt32LE(pos + B_OFF_SIZE);
    if (size === 0) break;
    out.push({ pos, size, flags: buf.readUInt16LE(pos + B_OFF_FLAGS), firstOffset: Number(buf.readBigUInt64LE(pos + B_OFF_FIRST_OFFSET)), keyRef: buf.readUInt32LE(pos + B_OFF_KEY_REF) });
    pos += size;
  }
  return out;
}

const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => join(dir, f));

function fixCrc(buf: Buffer, pos: number): void {
  const size = buf.readUInt32LE(pos + B_OFF_SIZE);
  buf.writeUInt32LE(native.crc32c(buf.subarray(pos + B_OFF_CRC + 4, pos + size)), pos + B_OFF_CRC);
}

describe.each<[Compression, boolean]>([['none', false], ['lz4', false], ['none', true], ['lz4', true]])('compression %s, encrypted %s', (compression, encrypted) => {
  test('round trip, then again after a restart with a fresh keyring', async () => {
    const root = tempDir();
    const dir = join(root, 'log');
    const ring = await keyring(root);
    const key = await ring.createKey({ alias: 'alias/clicks' });
    const log = await openLog(dir, { compression, encryption: encrypted ? { keyring: ring, keyId: 'alias/clicks' } : null });
    const batches = [records(500, 'a', true), records(1, 'b'), records(200, 'c')];
    for (const b of batches) await log.append(b);
    const all = batches.flat();
    expectRecords(readAll(log), all);
    // Reads that start mid-batch and stop at limits still line up.
    const mid = log.read({ offset: 250 }, { maxRecords: 300 });
    expect(mid.records[0]!.offset).toBe(250);
    expect(mid.nextOffset).toBe(550);
    expectRecords(mid.records, all.slice(250, 550));
    const flags = segmentFiles(dir).flatMap(batchesOf).map((b) => b.flags);
    expect(flags.every((f) => ((f & FLAG_ENCRYPTED) !== 0) === encrypted)).toBe(true);
    if (compression === 'lz4') expect(flags.some((f) => (f & CODEC_LZ4) !== 0)).toBe(true);
    await log.close();
    await ring.close();

    const ring2 = await keyring(root);
    const again = await openLog(dir, { keyring: ring2 });
    expectRecords(readAll(again), all);
    if (encrypted) {
      const sidecar = JSON.parse(readFileSync(join(dir, DATA_KEYS_FILE), 'utf8'));
      expect(sidecar.logId).toBe('stream-a/shardId-000000000000');
      expect(sidecar.keys).toHaveLength(1);
      expect((await ring2.describeKey(key.keyId)).keyId).toBe(key.keyId);
    }
    // Appends continue after the restart, under the settings given now (none here).
    await again.append(records(3, 'd'));
    expectRecords(readAll(again, all.length), records(3, 'd'));
  });

  test('no plaintext of a known marker anywhere in the data directory', async () => {
    if (!encrypted) return;
    const root = tempDir();
    const ring = await keyring(root);
    await ring.createKey({ alias: 'alias/clicks' });
    const log = await openLog(join(root, 'log'), { compression, durability: 'always', segmentBytes: 64 * 1024, encryption: { keyring: ring, keyId: 'alias/clicks' } });
    for (let i = 0; i < 100; i++) await log.append(records(100, `SECRET-PK-${i}`));
    expect(log.stats().segments).toBeGreaterThan(1);
    await log.close();
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes('SECRET-MARKER-42'), f).toBe(false);
      expect(bytes.includes('SECRET-PK-'), f).toBe(false);
      expect(bytes.includes('page_view'), f).toBe(false);
    }
  });
});

describe('settings over the life of a log', () => {
  test('switching compression and encryption mid-log keeps every batch readable', async () => {
    const root = tempDir();
    const ring = await keyring(root);
    await ring.createKey({ alias: 'alias/one' });
    const log = await openLog(join(root, 'log'));
    const parts: AppendRecord[][] = [];
    const add = async (tag: string) => {
      const r = records(50, tag);
      parts.push(r);
      await log.append(r);
    };
    await add('plain');
    log.setCompression('lz4');
    expect(log.compression).toBe('lz4');
    await add('lz4');
    await log.setEncryption({ keyring: ring, keyId: 'alias/one' });
    expect(log.encryption?.keyId).toBe('alias/one');
    await add('lz4+aes');
    log.setCompression('none');
    await add('aes');
    await log.setEncryption(null);
    expect(log.encryption).toBeNull();
    await add('plain again');
    expectRecords(readAll(log), parts.flat());
    const flags = segmentFiles(join(root, 'log')).flatMap(batchesOf).map((b) => b.flags);
    expect(flags).toEqual([0, CODEC_LZ4, CODEC_LZ4 | FLAG_ENCRYPTED, FLAG_ENCRYPTED, 0]);
  });

  test('key rotation and a new key: new data keys, old batches still readable', async () => {
    const root = tempDir();
    const dir = join(root, 'log');
    const ring = await keyring(root);
    const one = await ring.createKey({ alias: 'alias/one' });
    const two = await ring.createKey();
    const log = await openLog(dir, { encryption: { keyring: ring, keyId: one.arn } });
    await log.append(records(10, 'v1'));
    await log.append(records(10, 'v1 again'));
    await ring.rotateKey(one.keyId);
    await log.append(records(10, 'v2'));
    await log.setEncryption({ keyring: ring, keyId: two.keyId });
    await log.append(records(10, 'key two'));
    expectRecords(readAll(log), [...records(10, 'v1'), ...records(10, 'v1 again'), ...records(10, 'v2'), ...records(10, 'key two')]);
    const refs = segmentFiles(dir).flatMap(batchesOf).map((b) => b.keyRef);
    expect(refs).toEqual([1, 1, 2, 3]);
    const sidecar = JSON.parse(readFileSync(join(dir, DATA_KEYS_FILE), 'utf8'));
    const versions = sidecar.keys.map((k: { wrapped: string }) => Buffer.from(k.wrapped, 'base64').readUInt32LE(4));
    expect(versions).toEqual([1, 2, 1]);
  });

  test('a run of batches gets a fresh data key after a segment of bytes; trimmed keys leave the sidecar', async () => {
    const root = tempDir();
    const dir = join(root, 'log');
    const ring = await keyring(root);
    await ring.createKey({ alias: 'alias/one' });
    const log = await openLog(dir, { segmentBytes: 64 * 1024, encryption: { keyring: ring, keyId: 'alias/one' } });
    for (let i = 0; i < 40; i++) await log.append(records(100, `r${i}`));
    const keys = () => JSON.parse(readFileSync(join(dir, DATA_KEYS_FILE), 'utf8')).keys as Array<{ ref: number; firstOffset: number }>;
    const before = keys();
    expect(before.length).toBeGreaterThan(3);
    await log.trim({ beforeOffset: 3000 });
    await log.append(records(100, 'after trim'));  // a new run is not due yet: the file is unchanged
    const start = log.startOffset;
    for (let i = 0; i < 10; i++) await log.append(records(100, `more${i}`));
    const after = keys();
    expect(after[after.length - 1]!.ref).toBeGreaterThan(before[before.length - 1]!.ref);
    // Every entry left is still needed: the next one starts above the start offset.
    for (let i = 0; i + 1 < after.length; i++) expect(after[i + 1]!.firstOffset).toBeGreaterThan(start);
    expect(after[0]!.ref).toBeGreaterThan(1);
    const left = readAll(log, start);
    expect(left.map((r) => r.offset)).toEqual(Array.from({ length: log.endOffset - start }, (_, i) => start + i));
    expectRecords(left.slice(-100), records(100, 'more9'));
  });

  test('appends keep call order when a large batch is compressed off the JS thread', async () => {
    const log = await openLog(tempDir(), { compression: 'lz4' });
    const big = records(3000, 'big');
    const pending = [log.append(big), log.append(records(1, 'small')), log.append(records(2, 'small2'))];
    const results = await Promise.all(pending);
    expect(results.map((r) => r.firstOffset)).toEqual([0, 3000, 3001]);
    expectRecords(readAll(log), [...big, ...records(1, 'small'), ...records(2, 'small2')]);
  });

  test('bad settings: typed errors, nothing changes', async () => {
    const root = tempDir();
    const ring = await keyring(root);
    await expect(openLog(join(root, 'a'), { compression: 'zstd' as Compression })).rejects.toMatchObject({ code: 'MR_INVALID_ARGUMENT' });
    await expect(openLog(join(root, 'b'), { encryption: { keyring: {} as Keyring, keyId: 'x' } })).rejects.toMatchObject({ code: 'MR_INVALID_ARGUMENT' });
    await expect(openLog(join(root, 'c'), { logId: '' })).rejects.toMatchObject({ code: 'MR_INVALID_ARGUMENT' });
    const log = await openLog(join(root, 'd'));
    expect(() => log.setCompression('gzip' as Compression)).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT' }));
    await rejectsWith(log.setEncryption({ keyring: ring, keyId: 'alias/missing' }), 'MR_KMS_NOT_FOUND');
    const disabled = await ring.createKey();
    await ring.disableKey(disabled.keyId);
    await rejectsWith(log.setEncryption({ keyring: ring, keyId: disabled.keyId }), 'MR_KMS_DISABLED');
    expect(log.encryption).toBeNull();
    await rejectsWith(log.appendPacked({ payload: packRecords(records(1, 'x'), 1 << 20), count: 1, flags: FLAG_ENCRYPTED }), 'MR_INVALID_ARGUMENT');
    // The AWS managed key is created on first use, as KMS does.
    await log.setEncryption({ keyring: ring, keyId: 'alias/aws/kinesis' });
    await log.append(records(2, 'managed'));
    expectRecords(readAll(log), records(2, 'managed'));
  });

  test('a log id that differs from the one its batches are bound to is refused', async () => {
    const root = tempDir();
    const ring = await keyring(root);
    await ring.createKey({ alias: 'alias/one' });
    const log = await openLog(join(root, 'log'), { encryption: { keyring: ring, keyId: 'alias/one' } });
    await log.append(records(2, 'x'));
    await log.close();
    await rejectsWith(ShardLog.open(join(root, 'log'), { logId: 'another-stream/shardId-000000000000', keyring: ring }), 'MR_INVALID_ARGUMENT');
    const again = await ShardLog.open(join(root, 'log'), { keyring: ring });
    opened.push(again);
    expect(again.logId).toBe('stream-a/shardId-000000000000');
    expectRecords(readAll(again), records(2, 'x'));
  });
});

describe('key states', () => {
  test('disabled, pending deletion and deleted keys stop reads and writes; enabling again restores both', async () => {
    const root = tempDir();
    const clock = new ManualClock(1_700_000_000_000);
    const ring = await keyring(root, clock);
    const key = await ring.createKey({ alias: 'alias/one' });
    const log = await openLog(join(root, 'log'), { compression: 'lz4' });
    await log.append(records(5, 'plain'));
    await log.setEncryption({ keyring: ring, keyId: 'alias/one' });
    await log.append(records(5, 'secret'));
    expect(readAll(log)).toHaveLength(10);

    await ring.disableKey(key.keyId);
    await rejectsWith(log.append(records(1, 'refused')), 'MR_KMS_DISABLED');
    await rejectsWith(() => log.read({ offset: 5 }), 'MR_KMS_DISABLED');
    // Batches written in the clear stay readable.
    expectRecords(log.read({ offset: 0 }, { maxRecords: 5 }).records, records(5, 'plain'));

    await ring.enableKey(key.keyId);
    await log.append(records(1, 'after enable'));
    expectRecords(readAll(log, 5), [...records(5, 'secret'), ...records(1, 'after enable')]);

    await ring.scheduleKeyDeletion(key.keyId, 7);
    await rejectsWith(log.append(records(1, 'refused')), 'MR_KMS_INVALID_STATE');
    await rejectsWith(() => log.read({ offset: 5 }), 'MR_KMS_INVALID_STATE');
    clock.advance(8 * DAY);
    await rejectsWith(log.append(records(1, 'refused')), 'MR_KMS_NOT_FOUND');
    await rejectsWith(() => log.read({ offset: 5 }), 'MR_KMS_NOT_FOUND');
    expect(log.endOffset).toBe(11);
  });

  test('a fresh log object unwraps through the keyring: disabled there too, and no keyring at all is access denied', async () => {
    const root = tempDir();
    const ring = await keyring(root);
    const key = await ring.createKey({ alias: 'alias/one' });
    const dir = join(root, 'log');
    const log = await openLog(dir, { encryption: { keyring: ring, keyId: 'alias/one' } });
    await log.append(records(5, 'secret'));
    await log.close();
    await ring.disableKey(key.keyId);
    const reader = await openLog(dir, { keyring: ring });
    await rejectsWith(() => reader.read({ offset: 0 }), 'MR_KMS_DISABLED');
    await ring.enableKey(key.keyId);
    expectRecords(readAll(reader), records(5, 'secret'));
    const blind = await openLog(dir);
    await rejectsWith(() => blind.read({ offset: 0 }), 'MR_KMS_ACCESS_DENIED');
  });
});

describe('tampering', () => {
  async function encryptedLog(root: string, name: string) {
    const ring = await keyring(root);
    if ((await ring.listAliases()).length === 0) await ring.createKey({ alias: 'alias/one' });
    const dir = join(root, name);
    const log = await openLog(dir, { encryption: { keyring: ring, keyId: 'alias/one' } });
    for (let i = 0; i < 4; i++) await log.append(records(20, `b${i}`));
    await log.close();
    return { ring, dir, file: segmentFiles(dir)[0]! };
  }

  test('one flipped bit in the ciphertext is detected, never returned', async () => {
    const root = tempDir();
    const { ring, dir, file } = await encryptedLog(root, 'log');
    const b = batchesOf(file)[1]!;
    const buf = readFileSync(file);
    buf[b.pos + BATCH_HEADER_SIZE + 40] ^= 0x04;
    writeFileSync(file, buf);
    const log = await openLog(dir, { keyring: ring });
    expectRecords(log.read({ offset: 0 }, { maxRecords: 20 }).records, records(20, 'b0'));
    // The CRC catches it first.
    await rejectsWith(() => log.read({ offset: 20 }), 'MR_CORRUPT_BATCH');
    await log.close();
    // With the CRC recomputed, AES-GCM's tag catches it.
    fixCrc(buf, b.pos);
    writeFileSync(file, buf);
    const again = await openLog(dir, { keyring: ring });
    const err = await rejectsWith(() => again.read({ offset: 20 }), 'MR_CRYPTO');
    expect((err as { details: { file: string; position: number } }).details).toMatchObject({ file, position: b.pos });
    expectRecords(again.read({ offset: 40 }, { maxRecords: 20 }).records, records(20, 'b2'));
  });

  test('an edited header field (timestamp) no longer opens', async () => {
    const root = tempDir();
    const { ring, dir, file } = await encryptedLog(root, 'log');
    const b = batchesOf(file)[2]!;
    const buf = readFileSync(file);
    buf.writeBigInt64LE(buf.readBigInt64LE(b.pos + B_OFF_MAX_TS) + 1n, b.pos + B_OFF_MAX_TS);  // largest arrival time, still plausible
    fixCrc(buf, b.pos);
    writeFileSync(file, buf);
    const log = await openLog(dir, { keyring: ring });
    await rejectsWith(() => log.read({ offset: 40 }), 'MR_CRYPTO');
  });

  test('a batch copied to another position (header patched to fit) is rejected', async () => {
    const root = tempDir();
    const { ring, dir, file } = await encryptedLog(root, 'log');
    const [b0, b1] = batchesOf(file);
    expect(b0!.size).toBe(b1!.size);
    const buf = readFileSync(file);
    buf.copy(buf, b1!.pos, b0!.pos, b0!.pos + b0!.size);
    buf.writeBigUInt64LE(BigInt(b1!.firstOffset), b1!.pos + B_OFF_FIRST_OFFSET);
    fixCrc(buf, b1!.pos);
    writeFileSync(file, buf);
    const log = await openLog(dir, { keyring: ring });
    expectRecords(log.read({ offset: 0 }, { maxRecords: 20 }).records, records(20, 'b0'));
    await rejectsWith(() => log.read({ offset: 20 }), 'MR_CRYPTO');
  });

  test('a batch copied unchanged into another log at the same position is rejected', async () => {
    const root = tempDir();
    const a = await encryptedLog(root, 'a');
    const ring = await keyring(root);
    const dirB = join(root, 'b');
    const logB = await openLog(dirB, { logId: 'stream-b/shardId-000000000000', encryption: { keyring: ring, keyId: 'alias/one' } });
    for (let i = 0; i < 4; i++) await logB.append(records(20, `b${i}`));
    await logB.close();
    const fileB = segmentFiles(dirB)[0]!;
    const src = readFileSync(a.file);
    const dst = readFileSync(fileB);
    const b = batchesOf(a.file)[1]!;
    expect(batchesOf(fileB)[1]).toMatchObject({ pos: b.pos, size: b.size, firstOffset: b.firstOffset, keyRef: b.keyRef });
    src.copy(dst, b.pos, b.pos, b.pos + b.size);  // CRC, offsets and key reference all still fit
    writeFileSync(fileB, dst);
    const reader = await openLog(dirB, { logId: 'stream-b/shardId-000000000000', keyring: ring });
    expectRecords(reader.read({ offset: 0 }, { maxRecords: 20 }).records, records(20, 'b0'));
    await rejectsWith(() => reader.read({ offset: 20 }), 'MR_CRYPTO');
  });

  test('a lost sidecar makes encrypted batches fail typed', async () => {
    const root = tempDir();
    const { ring, dir } = await encryptedLog(root, 'log');
    writeFileSync(join(dir, DATA_KEYS_FILE), JSON.stringify({ format: 1, logId: 'stream-a/shardId-000000000000', keys: [] }));
    const log = await openLog(dir, { keyring: ring });
    await rejectsWith(() => log.read({ offset: 0 }), 'MR_CRYPTO');
    writeFileSync(join(dir, DATA_KEYS_FILE), '{ not json');
    await rejectsWith(openLog(dir, { keyring: ring }), 'MR_CRYPTO');
  });
});

describe('producer-compressed batches', () => {
  test('stored as they are, readable plain and encrypted', async () => {
    const root = tempDir();
    const ring = await keyring(root);
    await ring.createKey({ alias: 'alias/one' });
    const dir = join(root, 'log');
    const log = await openLog(dir);
    const raw = packRecords(records(300, 'producer'), 1 << 20);
    const lz4 = compressSync(raw);
    await log.appendPacked({ payload: lz4, count: 300, flags: CODEC_LZ4, rawSize: raw.length });
    await log.setEncryption({ keyring: ring, keyId: 'alias/one' });
    await log.appendPacked({ payload: lz4, count: 300, flags: CODEC_LZ4, rawSize: raw.length });
    expectRecords(readAll(log), [...records(300, 'producer'), ...records(300, 'producer')]);
    const file = readFileSync(segmentFiles(dir)[0]!);
    const [plain, sealed] = batchesOf(segmentFiles(dir)[0]!);
    expect(plain!.flags).toBe(CODEC_LZ4);
    expect(file.subarray(plain!.pos + BATCH_HEADER_SIZE, plain!.pos + BATCH_HEADER_SIZE + lz4.length)).toEqual(lz4);
    expect(sealed!.flags).toBe(CODEC_LZ4 | FLAG_ENCRYPTED);
  });

  test('bad compressed input is refused with typed errors', async () => {
    const log = await openLog(tempDir());
    const raw = packRecords(records(10, 'x'), 1 << 20);
    const lz4 = compressSync(raw);
    await rejectsWith(log.appendPacked({ payload: lz4, count: 10, flags: CODEC_LZ4 }), 'MR_INVALID_ARGUMENT');
    await rejectsWith(log.appendPacked({ payload: lz4, count: 10, flags: CODEC_LZ4, rawSize: raw.length + 1 }), 'MR_INVALID_ARGUMENT');
    await rejectsWith(log.appendPacked({ payload: lz4, count: 11, flags: CODEC_LZ4, rawSize: raw.length }), 'MR_INVALID_ARGUMENT');
    await rejectsWith(log.appendPacked({ payload: randomBytes(200), count: 1, flags: CODEC_LZ4, rawSize: 300 }), 'MR_INVALID_ARGUMENT');
    const garbage = compressSync(randomBytes(500));
    await rejectsWith(log.appendPacked({ payload: garbage, count: 1, flags: CODEC_LZ4, rawSize: 500 }), 'MR_INVALID_ARGUMENT');
    await rejectsWith(log.appendPacked({ payload: raw, count: 10, flags: 7 }), 'MR_INVALID_ARGUMENT');
    expect(log.endOffset).toBe(0);
    await log.appendPacked({ payload: lz4, count: 10, flags: CODEC_LZ4, rawSize: raw.length });
    expectRecords(readAll(log), records(10, 'x'));
  });

  test('the log codec validates packed records before compressing them', async () => {
    const log = await openLog(tempDir(), { compression: 'lz4' });
    const raw = packRecords(records(10, 'x'), 1 << 20);
    await rejectsWith(log.appendPacked({ payload: raw.subarray(0, raw.length - 3), count: 10 }), 'MR_INVALID_ARGUMENT');
    await rejectsWith(log.appendPacked({ payload: raw, count: 9 }), 'MR_INVALID_ARGUMENT');
    expect(log.endOffset).toBe(0);
  });
});

describe('reads that decode off the JS thread (readAsync, readBatchesAsync)', () => {
  /** An lz4+aes log of `n` batches of 1,000 records: ~150 KB raw each, so a read spans the async threshold. */
  async function bigLog(root: string, n: number) {
    const ring = await keyring(root);
    await ring.createKey({ alias: 'alias/big' });
    const dir = join(root, 'log');
    const log = await openLog(dir, { compression: 'lz4', encryption: { keyring: ring, keyId: 'alias/big' } });
    const batches = Array.from({ length: n }, (_, i) => records(1000, `big${i}`, i === 1));
    for (const b of batches) await log.append(b);
    return { ring, dir, log, all: batches.flat() };
  }

  test('the same records as the inline read, from mid-batch offsets and within limits, decoded on the pool', async () => {
    const { log, all } = await bigLog(tempDir(), 4);
    const opens = vi.spyOn(log['nativeLog'], 'openBatchAsync');
    for (const [offset, maxRecords, maxBytes] of [[0, 10_000, undefined], [1500, 2200, undefined], [999, 10_000, 200_000]] as const) {
      const inline = log.read({ offset }, { maxRecords, maxBytes });
      const async = await log.readAsync({ offset }, { maxRecords, maxBytes });
      expect(async.nextOffset).toBe(inline.nextOffset);
      expectRecords(async.records, inline.records.map((r) => ({ partitionKey: r.partitionKey, data: r.data, explicitHashKey: r.explicitHashKey })));
      expectRecords(async.records, all.slice(offset, inline.nextOffset));
      const packed = await log.readBatchesAsync({ offset }, { maxRecords, maxBytes });
      const packedInline = log.readBatches({ offset }, { maxRecords, maxBytes });
      expect(packed.nextOffset).toBe(packedInline.nextOffset);
      expect(packed.batches.map((b) => [b.firstOffset, b.recordCount, Buffer.compare(b.payload, packedInline.batches.find((x) => x.firstOffset === b.firstOffset)!.payload)]))
        .toEqual(packedInline.batches.map((b) => [b.firstOffset, b.recordCount, 0]));
    }
    // Every read above spanned at least two compressed batches (≥ 256 KiB raw): opened off the JS thread.
    expect(opens).toHaveBeenCalled();
  });

  test('a small read decodes inline: no pool hop', async () => {
    const { log, all } = await bigLog(tempDir(), 2);
    const opens = vi.spyOn(log['nativeLog'], 'openBatchAsync');
    expectRecords((await log.readAsync({ offset: 10 }, { maxRecords: 5 })).records, all.slice(10, 15));
    expect(opens).not.toHaveBeenCalled();
  });

  test('a tampered batch among them fails typed with its position, as the inline read does', async () => {
    const root = tempDir();
    const { ring, dir, log } = await bigLog(root, 4);
    await log.close();
    const file = segmentFiles(dir)[0]!;
    const b = batchesOf(file)[2]!;
    const buf = readFileSync(file);
    buf[b.pos + BATCH_HEADER_SIZE + 100] ^= 0x10;
    fixCrc(buf, b.pos);
    writeFileSync(file, buf);
    const again = await openLog(dir, { keyring: ring });
    const err = await rejectsWith(() => again.readAsync({ offset: 0 }), 'MR_CRYPTO');
    expect((err as { details: { file: string; position: number } }).details).toMatchObject({ file, position: b.pos });
    await rejectsWith(() => again.readBatchesAsync({ offset: 1000 }), 'MR_CRYPTO');
    // The batches before it still read.
    expect((await again.readAsync({ offset: 0 }, { maxRecords: 2000 })).records).toHaveLength(2000);
  });

  test('openBatchAsync: the wrong key rejects typed; a position outside the view throws', async () => {
    const { dir, log } = await bigLog(tempDir(), 1);
    const view = log['nativeLog'].read(0, 1000, 1 << 30)!;
    await rejectsWith(log['nativeLog'].openBatchAsync(view.buffer, 0, randomBytes(32)), 'MR_CRYPTO');
    await rejectsWith(() => log['nativeLog'].openBatchAsync(view.buffer, view.buffer.length, randomBytes(32)), 'MR_INVALID_ARGUMENT');
    expect(segmentFiles(dir)).toHaveLength(1);
  });
});

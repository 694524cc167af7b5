// ShardLog.readBatches: the stored batches as packed payloads, trimmed at record boundaries. Every
// case is checked against `read` (the record-object path) over the same log, for plain, LZ4 and
// encrypted logs.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { B_OFF_MAGIC, BATCH_HEADER_SIZE, BATCH_MAGIC } from '../../src/core/constants.js';
import { RecordCursor } from '../../src/core/record-pack.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { Keyring } from '../../src/storage/keyring.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import type { Compression, ShardLogOptions, StoredRecord } from '../../src/storage/types.js';
import { tempDir } from '../helpers/tmp.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function openLog(options: ShardLogOptions = {}): Promise<ShardLog> {
  const log = await ShardLog.open(tempDir(), { durability: 'never', logId: 'read-batches/shardId-000000000000', ...options });
  opened.push(log);
  return log;
}

type Batch = ReturnType<ShardLog['readBatches']>['batches'][number];

/** The records a list of batches holds, as `read` would return them. */
function unpack(batches: Batch[]): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const b of batches) {
    const c = new RecordCursor(b.payload, 0, b.payload.length, b.firstOffset, b.baseTimestamp);
    let n = 0;
    while (c.next()) {
      out.push({ offset: c.offset, timestamp: c.timestamp, partitionKey: c.partitionKey(), explicitHashKey: c.explicitHashKey(), data: c.data() });
      n++;
    }
    expect(n).toBe(b.recordCount);
  }
  return out;
}

const plain = (records: StoredRecord[]) => records.map((r) => ({ ...r, data: Buffer.from(r.data), explicitHashKey: r.explicitHashKey && Buffer.from(r.explicitHashKey) }));

/** `batches` batches of `per` records of `size` data bytes each, every third with an explicit hash key. */
async function fill(log: ShardLog, batches: number, per: number, size = 40): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const records = Array.from({ length: per }, (_, i) => {
      const n = b * per + i;
      return { partitionKey: `key-${n % 7}`, data: Buffer.alloc(size, n % 251), explicitHashKey: n % 3 === 0 ? Buffer.alloc(16, n % 256) : undefined };
    });
    await log.append(records, { timestamp: 1_000 + b * 10 });
  }
}

async function keyring(): Promise<Keyring> {
  const k = await Keyring.open({ dataDir: tempDir(), rootKey: randomBytes(32), clock: new ManualClock(1_700_000_000_000) });
  opened.push(k);
  await k.createKey({ alias: 'alias/clicks' });
  return k;
}

describe.each<[Compression, boolean]>([['none', false], ['lz4', false], ['none', true], ['lz4', true]])('compression %s, encrypted %s', (compression, encrypted) => {
  async function filled(batches = 10, per = 25): Promise<ShardLog> {
    const log = await openLog({ compression, encryption: encrypted ? { keyring: await keyring(), keyId: 'alias/clicks' } : null });
    await fill(log, batches, per);
    return log;
  }

  test('whole batches come back as stored, with the records read() returns', async () => {
    const log = await filled();
    const res = log.readBatches({ offset: 0 });
    expect(res.nextOffset).toBe(250);
    expect(res.batches.map((b) => [b.firstOffset, b.recordCount, b.baseTimestamp])).toEqual(Array.from({ length: 10 }, (_, b) => [b * 25, 25, 1_000 + b * 10]));
    expect(plain(unpack(res.batches))).toEqual(plain(log.read({ offset: 0 }).records));
  });

  test('a start inside a batch skips its first records; a later batch boundary starts cleanly', async () => {
    const log = await filled();
    for (const from of [1, 13, 24, 25, 26, 249]) {
      const res = log.readBatches({ offset: from });
      expect(res.batches[0]!.firstOffset).toBe(from);
      expect(res.nextOffset).toBe(250);
      expect(plain(unpack(res.batches))).toEqual(plain(log.read({ offset: from }).records));
    }
    expect(log.readBatches({ offset: 250 })).toEqual({ batches: [], nextOffset: 250 });
  });

  test('maxRecords cuts at a record boundary and nextOffset continues exactly there', async () => {
    const log = await filled();
    const seen: number[] = [];
    let offset = 3;
    while (offset < 250) {
      const res = log.readBatches({ offset }, { maxRecords: 37 });
      const got = unpack(res.batches);
      expect(got.length).toBe(Math.min(37, 250 - offset));
      expect(plain(got)).toEqual(plain(log.read({ offset }, { maxRecords: 37 }).records));
      seen.push(...got.map((r) => r.offset));
      offset = res.nextOffset;
    }
    expect(seen).toEqual(Array.from({ length: 247 }, (_, i) => i + 3));
  });

  test('maxBytes counts packed bytes; a first record larger than it still comes back', async () => {
    const log = await filled();
    const whole = log.readBatches({ offset: 0 });
    const entry = whole.batches[0]!.payload.length / 25;
    // Records 0, 3, 6… carry a 16-byte hash key: sizes differ, so cut by the bytes actually taken.
    for (const maxBytes of [1, 100, 1000, 2000, 5000]) {
      const res = log.readBatches({ offset: 5 }, { maxBytes });
      const taken = res.batches.reduce((n, b) => n + b.payload.length, 0);
      const got = unpack(res.batches);
      expect(got.length).toBeGreaterThan(0);
      if (got.length > 1) expect(taken).toBeLessThanOrEqual(maxBytes);
      // One more record would not have fit.
      if (res.nextOffset < 250) expect(taken + entry + 16).toBeGreaterThan(maxBytes);
      expect(res.nextOffset).toBe(5 + got.length);
      expect(got.map((r) => r.offset)).toEqual(Array.from({ length: got.length }, (_, i) => i + 5));
    }
  });

  test('from a time: from the first record at or after it', async () => {
    const log = await filled();
    const res = log.readBatches({ timestamp: 1_031 });
    expect(res.batches[0]!.firstOffset).toBe(100);
    expect(plain(unpack(res.batches))).toEqual(plain(log.read({ timestamp: 1_031 }).records));
  });
});

describe('ShardLog.readBatches', () => {
  test('plain batches are views of the log, not copies', async () => {
    const log = await openLog();
    await fill(log, 3, 10);
    const res = log.readBatches({ offset: 0 });
    // Each payload sits in the native read's view right behind its stored batch header.
    for (const b of res.batches) {
      const header = Buffer.from(b.payload.buffer, b.payload.byteOffset - BATCH_HEADER_SIZE, BATCH_HEADER_SIZE);
      expect(header.readUInt32LE(B_OFF_MAGIC)).toBe(BATCH_MAGIC);
    }
  });

  test('many small batches across segments, limited by records', async () => {
    const log = await openLog({ segmentBytes: 64 * 1024 });
    await fill(log, 200, 5, 300);
    let offset = 0;
    let n = 0;
    while (offset < log.endOffset) {
      const res = log.readBatches({ offset }, { maxRecords: 333 });
      const got = unpack(res.batches);
      expect(got[0]!.offset).toBe(offset);
      n += got.length;
      offset = res.nextOffset;
    }
    expect(n).toBe(1000);
  });

  test('bad arguments are typed errors', async () => {
    const log = await openLog();
    expect(() => log.readBatches({ offset: -1 })).toThrow(InvalidArgumentError);
    expect(() => log.readBatches({ offset: 0 }, { maxRecords: 0 })).toThrow(InvalidArgumentError);
    expect(() => log.readBatches({ offset: 0 }, { maxBytes: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => log.readBatches(null as unknown as { offset: number })).toThrow(InvalidArgumentError);
  });
});

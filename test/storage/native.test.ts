import { expect, test } from 'vitest';
import { packedRecordSize, writePackedRecord } from '../../src/core/record-pack.js';
import { native } from '../../src/storage/native.js';
import { ShardLog } from '../../src/storage/shard-log.js';
import { tempDir } from '../helpers/tmp.js';

const rec = (i: number, size = 100) => ({ partitionKey: `pk-${i % 13}`, data: Buffer.alloc(size, i % 251) });

test('reads of one segment are views of one ArrayBuffer over its mapping', async () => {
  const log = await ShardLog.open(tempDir(), { durability: 'never' });
  for (let i = 0; i < 10; i++) await log.append([rec(i), rec(i + 100)]);
  const a = log.read({ offset: 0 }, { maxRecords: 4 }).records;
  const b = log.read({ offset: 4 }, { maxRecords: 4 }).records;
  // One external ArrayBuffer per mapping, not one per read: V8 counts each new one's length.
  expect(b[0]!.data.buffer).toBe(a[0]!.data.buffer);
  expect(b[0]!.data.byteOffset).toBeGreaterThan(a[3]!.data.byteOffset);
  expect(a.map((r) => r.data[0])).toEqual([0, 100, 1, 101]);
  expect(b.map((r) => r.data[0])).toEqual([2, 102, 3, 103]);
  expect(b.every((r) => Buffer.isBuffer(r.data) && r.data.length === 100)).toBe(true);
  await log.close();
});

test('a view keeps its bytes after retention removed its segment and later segments were read', async () => {
  const log = await ShardLog.open(tempDir(), { segmentBytes: 64 * 1024, durability: 'never' });
  for (let i = 0; i < 60; i++) await log.append(Array.from({ length: 10 }, (_, j) => rec(i * 10 + j, 200)), { timestamp: 1_000 + i });
  const held = log.read({ offset: 0 }, { maxRecords: 3 }).records;
  expect(await log.trim({ olderThan: 1_040 })).toBeGreaterThan(0);
  const later = log.read({ offset: log.startOffset }, { maxRecords: 3 }).records;
  expect(later[0]!.data.buffer).not.toBe(held[0]!.data.buffer);
  expect(held.map((r) => r.data[0])).toEqual([0, 1, 2]);
  expect(held[2]!.data.equals(Buffer.alloc(200, 2))).toBe(true);
  await log.close();
});

test('packBase64Records packs keys and canonical base64 Data from a body, and names the first record it cannot', () => {
  const datas = Array.from({ length: 40 }, (_, n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 0xff)));
  const keys = datas.map((_, i) => `key-${i}`.repeat(1 + (i % 3)));
  // A body of `key|base64|` pairs after a one-byte prefix; spans point into it.
  const src = Buffer.from(`x${datas.map((d, i) => `${keys[i]}|${d.toString('base64')}|`).join('')}`, 'latin1');
  const spans = new Uint32Array(4 * datas.length);
  for (let i = 0, at = 1; i < datas.length; i++) {
    const text = datas[i]!.toString('base64');
    spans.set([at, at + keys[i]!.length, at + keys[i]!.length + 1, at + keys[i]!.length + 1 + text.length], 4 * i);
    at += keys[i]!.length + text.length + 2;
  }
  const expected = Buffer.alloc(datas.reduce((n, d, i) => n + packedRecordSize(keys[i]!.length, d.length, false), 0));
  datas.reduce((pos, d, i) => writePackedRecord(expected, pos, d, keys[i]!, keys[i]!.length), 0);
  const out = Buffer.alloc(expected.length, 0xee);
  expect(native.packBase64Records(src, spans, out)).toBe(-1);
  expect(out.equals(expected)).toBe(true);
  // Too small an output: the first record that does not fit, and nothing written past the end.
  const short = Buffer.alloc(expected.length - 1, 0xee);
  expect(native.packBase64Records(src, spans, short)).toBe(datas.length - 1);
  // Room left over: the record count.
  expect(native.packBase64Records(src, spans, Buffer.alloc(expected.length + 1))).toBe(datas.length);

  const one = (text: string) => {
    const b = Buffer.from(`k${text}`, 'latin1');
    const len = Math.max(0, (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0));
    return native.packBase64Records(b, new Uint32Array([0, 1, 1, b.length]), Buffer.alloc(16 + 1 + Math.floor(len)));
  };
  for (const bad of ['AB==', 'AAB=', 'AAA', 'A===', '-_-_', 'AA==AAAA', 'AA\\"', 'AA A', '====', 'A\u0080AA']) expect(one(bad), bad).toBe(0);
  for (const good of ['', 'AA==', 'AAA=', 'AAAA', '+/+/', 'AQ==']) expect(one(good), good).toBe(-1);
  expect(() => native.packBase64Records(src, new Uint32Array([0, 1, 5, src.length + 1]), out)).toThrow();
});

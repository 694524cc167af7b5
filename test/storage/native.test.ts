import { expect, test } from 'vitest';
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

test('decodeBase64Spans decodes canonical base64 spans at their offsets and names the first that is not', () => {
  const datas = Array.from({ length: 40 }, (_, n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 0xff)));
  const texts = datas.map((d) => d.toString('base64'));
  const src = Buffer.from(`x${texts.join('|')}y`, 'latin1');
  const spans = new Uint32Array(2 * texts.length);
  for (let i = 0, at = 1; i < texts.length; at += texts[i]!.length + 1, i++) {
    spans[2 * i] = at;
    spans[2 * i + 1] = at + texts[i]!.length;
  }
  // Each span lands after a 3-byte gap of its own, which stays as it was.
  const at = new Uint32Array(texts.length);
  for (let i = 0, o = 3; i < texts.length; o += datas[i]!.length + 3, i++) at[i] = o;
  const size = datas.reduce((n, d) => n + d.length + 3, 0);
  const out = Buffer.alloc(size, 0xee);
  expect(native.decodeBase64Spans(src, spans, out, at)).toBe(-1);
  expect(out.equals(Buffer.concat(datas.flatMap((d) => [Buffer.alloc(3, 0xee), d])))).toBe(true);
  // An output too small for the last span: that span, and nothing written past the end.
  const short = Buffer.alloc(size - 1, 0xee);
  expect(native.decodeBase64Spans(src, spans, short, at)).toBe(texts.length - 1);
  // An offset past the end: that span.
  expect(native.decodeBase64Spans(src, spans, out, Uint32Array.from(at, (o, i) => (i === 7 ? size + 1 : o)))).toBe(7);

  const one = (text: string) => {
    const b = Buffer.from(text, 'latin1');
    return native.decodeBase64Spans(b, new Uint32Array([0, b.length]), Buffer.alloc(Math.max(0, (b.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0))), new Uint32Array(1));
  };
  for (const bad of ['AB==', 'AAB=', 'AAA', 'A===', '-_-_', 'AA==AAAA', 'AA\\"', 'AA A', '====', 'A\u0080AA']) expect(one(bad), bad).toBe(0);
  for (const good of ['', 'AA==', 'AAA=', 'AAAA', '+/+/', 'AQ==']) expect(one(good), good).toBe(-1);
  expect(() => native.decodeBase64Spans(src, new Uint32Array([5, src.length + 1]), out, new Uint32Array(1))).toThrow();
  expect(() => native.decodeBase64Spans(src, spans, out, new Uint32Array(1))).toThrow();
});

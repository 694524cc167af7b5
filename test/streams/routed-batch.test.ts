// routeBatch: routing by MD5 (through the route cache) and explicit hash keys, per-shard packing in
// the storage layout, admission, and the errors for bad records. routePacked: the same for batches
// already packed (routed natively), which must agree with routeBatch record for record.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHashKey, evenRanges, hashKeyToBytes, HashKeyRouter } from '../../src/core/hash-key.js';
import { RecordCursor, writePackedRecord } from '../../src/core/record-pack.js';
import type { Routing } from '../../src/streams/engine.js';
import { BufferPool } from '../../src/core/buffer-pool.js';
import { RouteCache } from '../../src/streams/route-cache.js';
import { REJECTED, routeBatch, routePacked } from '../../src/streams/routed-batch.js';
import type { ShardHandle } from '../../src/streams/shard-handle.js';

function routing(shards: number): Routing {
  const ranges = evenRanges(shards);
  const starts = new Uint8Array(16 * shards);
  ranges.forEach((r, i) => starts.set(hashKeyToBytes(r.start), 16 * i));
  return {
    router: new HashKeyRouter(ranges.map((r) => r.start)),
    handles: ranges.map((_, i) => ({ shardId: `shard-${i}` }) as unknown as ShardHandle),
    starts,
    cache: new RouteCache(),
    pool: new BufferPool(),
  };
}

function expectedSlot(key: string, shards: number): number {
  const h = bytesToHashKey(createHash('md5').update(key, 'utf8').digest());
  return evenRanges(shards).findIndex((r) => h >= r.start && h <= r.end);
}

function unpack(payload: Buffer) {
  const c = new RecordCursor(payload, 0, payload.length, 0, 0);
  const out: Array<{ key: string; data: string; hash: Uint8Array | undefined }> = [];
  while (c.next()) out.push({ key: c.partitionKey(), data: c.data().toString(), hash: c.explicitHashKey() });
  return out;
}

describe('routeBatch', () => {
  it('routes by the MD5 of the partition key and packs each shard in arrival order', () => {
    const r = routing(4);
    const keys = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `clé-${i}-ü` : `user-${i % 50}`));
    const data = keys.map((_, i) => Buffer.from(i % 3 === 0 ? `d${i}` : `record number ${i} with more than sixteen bytes`));
    // Twice: the second pass routes from the cache and must agree.
    for (let pass = 0; pass < 2; pass++) {
      const b = routeBatch(r, { keys, data }, 1 << 20);
      expect(b.rejected).toBe(0);
      const seen = b.parts.map((p) => unpack(p.payload));
      for (let i = 0; i < keys.length; i++) {
        const part = b.parts[b.partOf[i]!]!;
        expect(part.handle.shardId).toBe(`shard-${expectedSlot(keys[i]!, 4)}`);
        expect(seen[b.partOf[i]!]![b.rank[i]!]).toEqual({ key: keys[i], data: data[i]!.toString(), hash: undefined });
      }
      expect(b.parts.reduce((n, p) => n + p.count, 0)).toBe(300);
      expect(b.parts.reduce((n, p) => n + p.dataBytes, 0)).toBe(data.reduce((n, d) => n + d.length, 0));
    }
  });

  it('routes by an explicit hash key and stores it with the record', () => {
    const r = routing(2);
    const high = hashKeyToBytes((1n << 128n) - 1n);
    const b = routeBatch(r, { keys: ['a', 'a'], data: [Buffer.from('x'), Buffer.from('y')], explicit: [hashKeyToBytes(0n), high] }, 100);
    expect(b.parts.map((p) => p.handle.shardId)).toEqual(['shard-0', 'shard-1']);
    expect(Buffer.from(unpack(b.parts[1]!.payload)[0]!.hash!)).toEqual(Buffer.from(high));
  });

  it('leaves out records that admission refuses', () => {
    const r = routing(1);
    let n = 0;
    const b = routeBatch(r, { keys: ['a', 'b', 'c'], data: [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')] }, 100, () => n++ !== 1);
    expect(b.rejected).toBe(1);
    expect(b.partOf[1]).toBe(REJECTED);
    expect(unpack(b.parts[0]!.payload).map((x) => x.data)).toEqual(['1', '3']);
    expect([b.rank[0], b.rank[2]]).toEqual([0, 1]);
  });

  it('throws typed errors for bad records before packing anything', () => {
    const r = routing(1);
    const one = (key: unknown, data: unknown, max = 10) => () => routeBatch(r, { keys: [key as string], data: [data as Uint8Array] }, max);
    expect(one('k', Buffer.alloc(11))).toThrow(expect.objectContaining({ code: 'MR_RECORD_TOO_LARGE' }));
    expect(one('', Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT' }));
    expect(one('é'.repeat(200), Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT' }));
    expect(one(7, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT' }));
    expect(one('k', 'data')).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT' }));
  });
});

function pack(keys: readonly string[], data: readonly Buffer[], explicit?: readonly (Uint8Array | undefined)[]): Buffer {
  const out = Buffer.alloc(keys.reduce((n, k, i) => n + 16 + (explicit?.[i] ? 16 : 0) + Buffer.byteLength(k) + data[i]!.length, 0));
  let pos = 0;
  keys.forEach((k, i) => (pos = writePackedRecord(out, pos, data[i]!, k, Buffer.byteLength(k), explicit?.[i])));
  return out;
}

describe('routePacked', () => {
  it('routes and splits like routeBatch, from the memo on later passes', () => {
    const r = routing(4);
    const keys = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `clé-${i}-ü` : i % 11 === 0 ? `long-${i}-${'k'.repeat(80)}` : `user-${i % 50}`));
    const data = keys.map((_, i) => Buffer.from(i % 3 === 0 ? `d${i}` : `record number ${i} with more than sixteen bytes`));
    const explicit = keys.map((_, i) => (i % 13 === 0 ? hashKeyToBytes(BigInt(i) << 120n) : undefined));
    const payload = pack(keys, data, explicit);
    const want = routeBatch(routing(4), { keys, data, explicit }, 1 << 20);
    for (let pass = 0; pass < 3; pass++) {
      const b = routePacked(r, payload, keys.length, 1 << 20);
      expect(b.parts.map((p) => [p.handle.shardId, p.count, p.dataBytes])).toEqual(want.parts.map((p) => [p.handle.shardId, p.count, p.dataBytes]));
      expect(Array.from(b.partOf)).toEqual(Array.from(want.partOf));
      expect(Array.from(b.rank)).toEqual(Array.from(want.rank));
      expect(Array.from(b.slotOf)).toEqual(Array.from(want.slotOf));
      b.parts.forEach((p, k) => expect(Buffer.compare(p.payload, want.parts[k]!.payload)).toBe(0));
      expect(b.buffer).toBeDefined();
    }
  });

  it('takes the payload as it is when every record goes to one shard', () => {
    const payload = pack(['a', 'b'], [Buffer.from('1'), Buffer.from('2')], [hashKeyToBytes(0n), hashKeyToBytes(1n)]);
    for (const shards of [1, 4]) {
      const b = routePacked(routing(shards), payload, 2, 100);
      expect(b.parts).toHaveLength(1);
      expect(b.parts[0]!.payload).toBe(payload);
      expect(b.buffer).toBeUndefined();
      expect(Array.from(b.rank)).toEqual([0, 1]);
    }
  });

  it('ignores a memo entry that names no shard of the table', () => {
    const r = routing(2);
    r.cache.memo.fill(0xff);
    const b = routePacked(r, pack(['user-1'], [Buffer.from('x')]), 1, 100);
    expect(b.parts[0]!.handle.shardId).toBe(`shard-${expectedSlot('user-1', 2)}`);
  });

  it('throws typed errors for malformed payloads and long data, on one shard or several', () => {
    const good = pack(['k', 'key'], [Buffer.from('abc'), Buffer.from('defgh')]);
    for (const shards of [1, 3]) {
      const r = routing(shards);
      const bad = (p: Buffer, count: number, max = 100) => () => routePacked(r, p, count, max);
      expect(bad(good, 2, 4)).toThrow(expect.objectContaining({ code: 'MR_RECORD_TOO_LARGE', message: 'record 1: data is 5 bytes; the limit is 4' }));
      expect(bad(good, 3)).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT', message: 'record 2 starts past the end of the payload' }));
      expect(bad(good, 1)).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT', message: `1 records end at byte 20 of a ${good.length}-byte payload` }));
      const broken = Buffer.from(good);
      broken[20 + 12] = 0; // second key length 0
      expect(bad(broken, 2)).toThrow(expect.objectContaining({ code: 'MR_INVALID_ARGUMENT', message: 'record 1 at byte 20 is not a well-formed packed record' }));
    }
  });
});

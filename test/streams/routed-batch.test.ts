// routeBatch: routing by MD5 (through the route cache) and explicit hash keys, per-shard packing in
// the storage layout, admission, and the errors for bad records.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHashKey, evenRanges, hashKeyToBytes, HashKeyRouter } from '../../src/core/hash-key.js';
import { RecordCursor } from '../../src/core/record-pack.js';
import type { Routing } from '../../src/streams/engine.js';
import { BufferPool } from '../../src/streams/buffer-pool.js';
import { RouteCache } from '../../src/streams/route-cache.js';
import { REJECTED, routeBatch } from '../../src/streams/routed-batch.js';
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

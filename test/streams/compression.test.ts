// Per-stream compression through the `millrace:compression` tag and the instance default
// (src/streams/compression.ts), observed on disk: LZ4 batches do not hold a long run of one byte.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Millrace } from '../../src/millrace.js';
import { bytes, failure, openMillrace, text } from '../api/kinesis/helpers.js';

const RUN = 'Z'.repeat(4000);

function storedRaw(dataDir: string): boolean {
  const dir = join(dataDir, 'streams');
  for (const s of readdirSync(dir)) {
    for (const shard of readdirSync(join(dir, s))) {
      for (const f of readdirSync(join(dir, s, shard))) if (f.endsWith('.log') && readFileSync(join(dir, s, shard, f)).includes(RUN)) return true;
    }
  }
  return false;
}

async function putAndRead(mr: Millrace, tag: string): Promise<void> {
  await mr.kinesis.putRecords({ StreamName: 's', Records: Array.from({ length: 5 }, (_, i) => ({ Data: bytes(`${tag}${i}:${RUN}`), PartitionKey: 'k' })) });
  const it = await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
  const got = (await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! })).Records.map((r) => text(r.Data));
  expect(got.filter((d) => d.startsWith(tag))).toEqual(Array.from({ length: 5 }, (_, i) => `${tag}${i}:${RUN}`));
}

describe('stream compression', () => {
  it('compresses new batches of a stream created with the tag, and round-trips them', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1, Tags: { 'millrace:compression': 'lz4' } });
    await putAndRead(mr, 'a');
    expect(storedRaw(mr.dataDir)).toBe(false);
  });

  it('follows the tag as it is added and removed, and the instance default otherwise', async () => {
    const mr = await openMillrace({ compression: 'lz4' });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await putAndRead(mr, 'a');
    expect(storedRaw(mr.dataDir)).toBe(false);
    await mr.kinesis.addTagsToStream({ StreamName: 's', Tags: { 'millrace:compression': 'none' } });
    await putAndRead(mr, 'b');
    expect(storedRaw(mr.dataDir)).toBe(true);
    await mr.kinesis.removeTagsFromStream({ StreamName: 's', TagKeys: ['millrace:compression'] });
    await putAndRead(mr, 'c');
  });

  it('rejects an unknown codec', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const e = await failure(mr.kinesis.addTagsToStream({ StreamName: 's', Tags: { 'millrace:compression': 'zstd' } }));
    expect(e.name).toBe('InvalidArgumentException');
    expect(e.message).toContain('millrace:compression');
    expect((await mr.kinesis.listTagsForStream({ StreamName: 's' })).Tags).toEqual([]);
  });
});

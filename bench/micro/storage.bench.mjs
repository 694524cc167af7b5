#!/usr/bin/env node
// tinybench micro-benchmarks of the storage hot paths, beside a no-op native call as the
// baseline. Needs `npm run build` (imports dist/). Whole-process figures: bench/storage.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { native } from '../../dist/storage/native.js';
import { md5Keys } from '../../dist/storage/hashing.js';
import { forEachBatch, packRecords, RecordCursor } from '../../dist/storage/record-pack.js';
import { ShardLog } from '../../dist/storage/shard-log.js';

const dir = mkdtempSync(join(tmpdir(), 'mr-micro-'));
const records = Array.from({ length: 1000 }, (_, i) => ({ partitionKey: `user-${i}`, data: Buffer.alloc(100, i) }));
const payload = packRecords(records, 1 << 20);
const keys = records.slice(0, 500).map((r) => r.partitionKey);
const big = Buffer.alloc(128 * 1024, 7);
const log = await ShardLog.open(join(dir, 'log'), { durability: 'never' });
for (let i = 0; i < 100; i++) await log.appendPacked({ payload, count: 1000 });

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add('baseline: no-op native call', () => native.noop())
  .add('crc32c of 128 KiB', () => native.crc32c(big))
  .add('md5Keys of 500 partition keys (one call)', () => md5Keys(keys))
  .add('packRecords 1000 x 100 B', () => packRecords(records, 1 << 20))
  .add('appendPacked 1000 x 100 B (never)', async () => {
    await log.appendPacked({ payload, count: 1000 });
  })
  .add('zero-copy read + cursor over 10,000 records', () => {
    const v = log['nativeLog'].read(0, 10_000, 1 << 30);
    let n = 0;
    forEachBatch(v.buffer, (h, start) => {
      const c = new RecordCursor(v.buffer, start, h.payloadSize, h.firstOffset, h.baseTimestamp);
      while (c.next()) n += c.dataLength;
    });
    return n;
  });
await bench.run();
console.table(bench.table());
await log.close();
rmSync(dir, { recursive: true, force: true });

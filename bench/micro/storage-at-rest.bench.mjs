#!/usr/bin/env node
// tinybench micro-benchmarks of the steps that compression and encryption add to a shard log's
// write and read paths, for one batch of 1,000 ~100 B JSON records (clickstream.mjs), beside the
// plain zero-copy cursor as the baseline. Needs `npm run build` (imports dist/).
//   node bench/micro/storage-at-rest.bench.mjs
// Whole-process throughput: bench/storage.mjs --only "at rest".
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressSync, uncompressSync } from 'lz4-napi';
import { Bench } from 'tinybench';
import { Keyring } from '../../dist/storage/keyring.js';
import { forEachBatch, packRecords, RecordCursor } from '../../dist/storage/record-pack.js';
import { ShardLog } from '../../dist/storage/shard-log.js';
import { jsonRecords } from './clickstream.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mr-micro-'));
const keyring = await Keyring.open({ dataDir: dir, rootKey: randomBytes(32) });
const { keyId } = await keyring.createKey();
const payload = packRecords(jsonRecords(1000, 100).map((data, i) => ({ partitionKey: `user-${i}`, data })), 1 << 20);
const lz4 = compressSync(payload);

/** A log holding one batch in `mode`, and that batch's header and view. */
async function oneBatch(mode) {
  const log = await ShardLog.open(join(dir, mode), {
    durability: 'never',
    compression: mode.includes('lz4') ? 'lz4' : 'none',
    encryption: mode.includes('aes') ? { keyring, keyId } : null,
  });
  await log.appendPacked({ payload, count: 1000 });
  const view = log['nativeLog'].read(0, 1000, 1 << 30);
  let header, start;
  forEachBatch(view.buffer, (h, s) => {
    header = h;
    start = s;
  });
  return { log, view, header, start };
}

const walk = (buf, start, len) => {
  const c = new RecordCursor(buf, start, len, 0, 0);
  let n = 0;
  while (c.next()) n += c.dataLength;
  return n;
};

const plain = await oneBatch('plain');
const aes = await oneBatch('aes');
const both = await oneBatch('lz4+aes');
const key = both.log['keys'].readKey(both.header.keyRef, keyring);
console.log(`batch: ${payload.length} B packed, ${lz4.length} B LZ4 (${(payload.length / lz4.length).toFixed(2)}x), ${both.header.payloadSize} B stored lz4+aes`);

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add('baseline: cursor over a plain batch (zero-copy)', () => walk(plain.view.buffer, plain.start, plain.header.payloadSize))
  .add('write: LZ4 compress (lz4-napi, sync)', () => compressSync(payload))
  .add('read: AES-GCM open, 121 KB (aes)', () => aes.log['nativeLog'].openBatch(aes.view.buffer, aes.start - 64, aes.log['keys'].readKey(aes.header.keyRef, keyring)))
  .add('read: AES-GCM open, LZ4 payload (lz4+aes)', () => both.log['nativeLog'].openBatch(both.view.buffer, both.start - 64, key))
  .add('read: LZ4 uncompress (lz4-napi, sync)', () => uncompressSync(lz4))
  .add('read: whole decode lz4+aes (ShardLog)', () => both.log['decode'](both.view, both.header, both.start))
  .add('read: decode lz4+aes + cursor', () => {
    const d = both.log['decode'](both.view, both.header, both.start);
    return walk(d, 0, d.length);
  });
await bench.run();
console.table(bench.table());
for (const b of [plain, aes, both]) await b.log.close();
await keyring.close();
rmSync(dir, { recursive: true, force: true });

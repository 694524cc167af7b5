#!/usr/bin/env node
// Micro-benchmark of the HTTP face's JSON responses for the two record-carrying outputs, no
// sockets: GetRecords of 10,000 records of 100 B and PutRecords' 500 results, each through the
// generic path (AWS-shaped objects, writeOutput, JSON.stringify, UTF-8) and through the writers
// that take the records unbuilt (src/server/http/records-json.ts), which the server uses.
//
//   npm run build:ts && node bench/micro/http-json.bench.mjs
import os from 'node:os';
import { Bench } from 'tinybench';
import { PutResults } from '../../dist/api/kinesis/put.js';
import { PackedRecords } from '../../dist/api/kinesis/records.js';
import { packedRecordSize, writePackedRecord } from '../../dist/core/record-pack.js';
import { ShardSequencer } from '../../dist/core/sequence-number.js';
import { jsonCodec } from '../../dist/server/http/codecs.js';
import { packedRecordsJson, putResultsJson } from '../../dist/server/http/records-json.js';
import { writeOutput } from '../../dist/server/http/shapes.js';
import { targetPrefixes } from '../../dist/server/http/targets.js';

const shapes = targetPrefixes.Kinesis_20131202.shapes;
const getTree = shapes.get('GetRecords').output;
const putTree = shapes.get('PutRecords').output;

// GetRecords: ten stored batches of 1,000 records (100 B of data, keys like `user-123`).
const batches = [];
for (let b = 0; b < 10; b++) {
  const payload = Buffer.alloc(1000 * packedRecordSize(8, 100, false));
  let pos = 0;
  for (let i = 0; i < 1000; i++) pos = writePackedRecord(payload, pos, Buffer.alloc(100, i), `user-${100 + (i % 500)}`, 8);
  batches.push({ firstOffset: b * 1000, recordCount: 1000, baseTimestamp: 1_764_748_800_123 + b, payload });
}
const packed = new PackedRecords({ encryptionType: 'NONE' }, new ShardSequencer(3, 1), batches);
const getRest = { MillisBehindLatest: 0, NextShardIterator: 'AAAAAAAAAAFq3ZQm1Ve4yV0tu5l2Ef5kC3N1Ve4yV0tu5l2Ef5kC3N1Ve4yV0tu5l2E' };

// PutRecords: 500 records over 4 shards.
const sequencers = [0, 1, 2, 3].map((i) => ({ sequencer: new ShardSequencer(3, i), shardId: `shardId-00000000000${i}`, firstOffset: 1_000_000 }));
const partOf = Uint32Array.from({ length: 500 }, (_, i) => i % 4);
const rank = Uint32Array.from({ length: 500 }, (_, i) => i >> 2);
const results = new PutResults(partOf, rank, sequencers, () => ({}));
const putRest = { FailedRecordCount: 0 };

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add('GetRecords 10,000 × 100 B: objects + writeOutput + JSON.stringify', () =>
    jsonCodec.encode(writeOutput(getTree, { Records: packed.toRecords(), ...getRest }, jsonCodec.leaves)),
  )
  .add('GetRecords 10,000 × 100 B: packedRecordsJson', () => packedRecordsJson(packed, JSON.stringify(getRest)))
  .add('PutRecords 500 results: objects + JSON.stringify', () =>
    jsonCodec.encode(writeOutput(putTree, { ...putRest, Records: results.toRecords() }, jsonCodec.leaves)),
  )
  .add('PutRecords 500 results: putResultsJson', () => putResultsJson(results, JSON.stringify(putRest)));

await bench.run();
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}`);
console.table(
  bench.tasks.map((t) => {
    const hz = t.result?.throughput?.mean ?? t.result?.hz ?? 0;
    const records = t.name.startsWith('GetRecords') ? 10_000 : 500;
    return { task: t.name, 'ms/op': hz ? (1e3 / hz).toFixed(3) : '', 'M records/s': ((hz * records) / 1e6).toFixed(2) };
  }),
);

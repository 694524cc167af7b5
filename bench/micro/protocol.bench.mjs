#!/usr/bin/env node
// Micro-benchmark of the TCP protocol layer alone (no sockets, no engine): what framing, codecs and
// the client's packing cost per record, i.e. the ceiling this layer puts on the wire's throughput.
//
//   node bench/micro/protocol.bench.mjs        (needs `npm run build:ts`: imports dist/)
//
// Tasks work on batches of 1000 records of 100 B; "records/s" is tasks/s × 1000. Baseline beside
// them: Buffer#copy of the same bytes (what a single memcpy of the payload costs).
import os from 'node:os';
import { Bench } from 'tinybench';
import { packRecords, cursorOf } from '../../dist/client/index.js';
import { FrameDecoder, FrameWriter, decodeRequest, decodeServerFrame, encodeRequest } from '../../dist/protocol/index.js';

const N = 1000;
const records = Array.from({ length: N }, (_, i) => ({ partitionKey: `user-${i}`, data: Buffer.alloc(100, i & 0xff) }));
const { payload, count } = packRecords(records);
const put = { streamName: 'bench', shardId: '', recordCount: count, codec: 0, rawSize: payload.length, payload };
const putFrame = encodeRequest('PutBatch', 1, put);
const batch = { firstOffset: 0, baseTimestampMs: Date.now(), recordCount: count, codec: 0, rawSize: payload.length, payload };
const event = { nextOffset: N, millisBehindLatest: 0, shardEnd: false, batches: [batch], childShards: [] };
const eventFrame = new FrameWriter().push('SubscriptionEvent', 7, event).flush();
// 64 small frames in one chunk: what a pipelining client's socket read looks like.
const pings = new FrameWriter();
for (let i = 0; i < 64; i++) pings.request('Ping', i + 1, { payload: Buffer.alloc(8) });
const pingChunk = pings.flush();
const scratch = Buffer.allocUnsafe(payload.length);

const bench = new Bench({ time: 500, warmupTime: 100 });
bench
  .add('baseline: Buffer#copy of one packed batch', () => payload.copy(scratch))
  .add('client: packRecords (1000 records)', () => packRecords(records))
  .add('encode PutBatch frame, parts (payload referenced)', () => new FrameWriter().request('PutBatch', 1, put).flushParts())
  .add('encode PutBatch frame, one buffer (payload copied)', () => new FrameWriter().request('PutBatch', 1, put).flush())
  .add('server: frame + decode PutBatch (checks 1000 records)', () => {
    const [f] = new FrameDecoder({ maxFrameBytes: 1 << 24 }).push(putFrame);
    decodeRequest(f);
  })
  .add('encode SubscriptionEvent, parts', () => new FrameWriter().push('SubscriptionEvent', 7, event).flushParts())
  .add('client: decode SubscriptionEvent (checks 1000 records)', () => {
    const [f] = new FrameDecoder({ maxFrameBytes: 1 << 24 }).push(eventFrame);
    decodeServerFrame(f);
  })
  .add('client: walk 1000 records with a cursor', () => {
    const c = cursorOf(batch);
    let n = 0;
    while (c.next()) n += c.dataLength;
    return n;
  })
  .add('decode a chunk of 64 pipelined Ping frames', () => {
    const d = new FrameDecoder();
    for (const f of d.push(pingChunk)) decodeRequest(f);
  });

await bench.run();
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}`);
const rows = bench.tasks.map((t) => {
  const hz = t.result?.throughput?.mean ?? t.result?.hz ?? 0;
  const perRecord = t.name.includes('1000') || t.name.includes('PutBatch') || t.name.includes('SubscriptionEvent') || t.name.includes('Buffer#copy');
  return {
    task: t.name,
    'ops/s': Math.round(hz).toLocaleString('en'),
    'M records/s': perRecord ? ((hz * N) / 1e6).toFixed(1) : '',
    'µs/op': hz ? (1e6 / hz).toFixed(2) : '',
  };
});
console.table(rows);

// The TCP face: the millrace client (`millrace/client`) against a `millrace serve` child's TCP
// port. Batches are packed once per slot in the storage layout and sent with putPacked (the
// server appends them without re-encoding); the send time is stamped straight into the packed
// payload. Consumers subscribe (server push with credit), each on its own connection.
import { connect, cursorOf, packRecords, type MillraceClient } from '../../client/index.js';
import { InvalidArgumentError } from '../../errors.js';
import { WireCodec } from '../../protocol/index.js';
import { pause, type BenchFace } from './face.js';

const STATE_POLL_MS = 20;
const STATE_TIMEOUT_MS = 30_000;

interface TcpBatch {
  stream: string;
  payload: Buffer;
  count: number;
  /** Each record's data inside `payload`: where the send time goes. */
  datas: Buffer[];
}

export async function tcpFace(port: number, onClose: () => Promise<void>): Promise<BenchFace<TcpBatch>> {
  const client = await connect({ host: '127.0.0.1', port, clientName: 'millrace-bench' });
  // Producers pipeline on one connection; each consumer subscribes on its own.
  const consumerClients = new Map<number, Promise<MillraceClient>>();
  const clientFor = (consumer: number): Promise<MillraceClient> => {
    let c = consumerClients.get(consumer);
    if (!c) consumerClients.set(consumer, (c = connect({ host: '127.0.0.1', port, clientName: `millrace-bench-consumer-${consumer}` })));
    return c;
  };

  return {
    name: 'tcp',
    async createStream(stream, shards, at) {
      // Both are rejected with the options (options.ts); this guards library callers.
      if (at.encryption !== 'none' || at.compression !== 'none') throw new InvalidArgumentError('the TCP protocol sets neither encryption nor compression at CreateStream');
      await client.createStream(stream, { shardCount: shards });
      const deadline = Date.now() + STATE_TIMEOUT_MS;
      while ((await client.describeStreamSummary(stream)).status !== 'ACTIVE') {
        if (Date.now() > deadline) throw new Error(`stream ${stream} not ACTIVE after ${STATE_TIMEOUT_MS} ms`);
        await pause(STATE_POLL_MS);
      }
      const ids: string[] = [];
      let after = '';
      for (;;) {
        const page = await client.listShards(stream, { exclusiveStartShardId: after });
        for (const s of page.shards) ids.push(s.shardId);
        if (!page.hasMore || page.shards.length === 0) return ids;
        after = page.shards[page.shards.length - 1]!.shardId;
      }
    },
    prepare(stream, datas, keys) {
      const { payload, count } = packRecords(datas.map((data, i) => ({ data, partitionKey: keys[i]! })));
      // Find each record's data in the packed payload with the same cursor consumers use.
      const views: Buffer[] = [];
      const cursor = cursorOf({ payload, recordCount: count, codec: WireCodec.NONE, rawSize: payload.length, firstOffset: 0, baseTimestampMs: 0 });
      while (cursor.next()) views.push(cursor.data());
      return { stream, payload, count, datas: views };
    },
    stampTargets: (request) => request.datas,
    async put(request) {
      const out = await client.putPacked(request.stream, request.payload, request.count);
      let failed = 0;
      const failures: Record<string, number> = {};
      for (const r of out.results) {
        if (r.status === 0) continue;
        failed += r.recordCount;
        const type = `wire-${r.status}`;
        failures[type] = (failures[type] ?? 0) + r.recordCount;
      }
      return failed === 0 ? { failed } : { failed, failures };
    },
    async consume(stream, shardId, consumer, onData, onError, signal) {
      const c = await clientFor(consumer);
      try {
        // onData is done with the views when it returns, so each event's memory is reused.
        for await (const event of c.subscribe(stream, shardId, { position: { type: 'TRIM_HORIZON' }, signal, reuseBuffers: true })) {
          const datas: Buffer[] = [];
          for (const batch of event.batches) {
            const cursor = cursorOf(batch);
            while (cursor.next()) datas.push(cursor.data());
          }
          if (datas.length > 0) onData(datas);
          if (event.shardEnd) break;
        }
      } catch (err) {
        if (!signal.aborted) onError(err);
      }
    },
    async close() {
      await client.close();
      for (const c of consumerClients.values()) await (await c).close();
      await onClose();
    },
  };
}

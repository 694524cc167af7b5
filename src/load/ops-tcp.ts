// Load operations through the millrace TCP client (one connection per client process, requests
// pipelined by its lanes).
import { connect } from '../client/index.js';
import { positionId, type LoadOps, type PutOutcome } from './ops.js';

export async function tcpOps(port: number, stream: string): Promise<LoadOps> {
  const client = await connect({ host: '127.0.0.1', port, clientName: 'millrace-load', reconnect: { maxAttempts: 0 } });
  return {
    async putRecords(records) {
      const out = await client.putRecords(stream, records.map((r) => ({ data: r.data, partitionKey: r.key })));
      // Record i went to results[assignment[i]] (results[0] when assignment is null), at that
      // result's first offset plus its rank among the records assigned there.
      const next = out.results.map((r) => r.firstOffset);
      return records.map((_, i): PutOutcome[number] => {
        const k = out.assignment ? out.assignment[i]! : 0;
        const result = out.results[k]!;
        if (result.status !== 0) return { error: `wire-${result.status}` };
        return { id: positionId(result.shardId, next[k]!++) };
      });
    },
    async putRecord(r) {
      const out = await client.putRecords(stream, [{ data: r.data, partitionKey: r.key }]);
      const result = out.results[0]!;
      if (result.status !== 0) throw Object.assign(new Error(result.message), { name: `wire-${result.status}` });
      return positionId(result.shardId, result.firstOffset);
    },
    async read(shardId, fromStart) {
      await client.getBatch(stream, shardId, { position: { type: fromStart ? 'TRIM_HORIZON' : 'LATEST' }, maxRecords: 100 });
    },
    async describe() {
      if (Math.random() < 0.5) {
        await client.listShards(stream);
        return 'ListShards';
      }
      await client.describeStreamSummary(stream);
      return 'DescribeStreamSummary';
    },
    close: () => client.close(),
  };
}

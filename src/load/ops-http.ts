// Load operations through @aws-sdk/client-kinesis (HTTP/2 by default, or HTTP/1.1).
import * as http from 'node:http';
import { kinesisClient, loadSdk } from '../bench/faces/sdk.js';
import type { LoadOps, PutOutcome } from './ops.js';

const REQUEST_TIMEOUT_MS = 10_000;

export async function httpOps(endpoint: string, version: '1.1' | '2', stream: string): Promise<LoadOps> {
  const loaded = await loadSdk();
  const { sdk } = loaded;
  const agent = new http.Agent({ keepAlive: true });
  // One attempt: a failed put is counted and its records are not acknowledged; retries would hide errors.
  const client = kinesisClient(loaded, { endpoint, http: version, agent, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  return {
    async putRecords(records) {
      const out = await client.send(new sdk.PutRecordsCommand({ StreamName: stream, Records: records.map((r) => ({ Data: r.data, PartitionKey: r.key })) }));
      return out.Records!.map((r): PutOutcome[number] => (r.ErrorCode ? { error: r.ErrorCode } : { id: r.SequenceNumber! }));
    },
    async putRecord(r) {
      return (await client.send(new sdk.PutRecordCommand({ StreamName: stream, Data: r.data, PartitionKey: r.key }))).SequenceNumber!;
    },
    async read(shardId, fromStart) {
      const it = await client.send(new sdk.GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: fromStart ? 'TRIM_HORIZON' : 'LATEST' }));
      await client.send(new sdk.GetRecordsCommand({ ShardIterator: it.ShardIterator!, Limit: 100 }));
    },
    async describe() {
      if (Math.random() < 0.5) {
        await client.send(new sdk.ListShardsCommand({ StreamName: stream }));
        return 'ListShards';
      }
      await client.send(new sdk.DescribeStreamSummaryCommand({ StreamName: stream }));
      return 'DescribeStreamSummary';
    },
    async close() {
      client.destroy();
      agent.destroy();
    },
  };
}

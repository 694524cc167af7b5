// The two in-process faces over one open Millrace: `embedded` is the AWS-shaped API
// (mr.kinesis.putRecords / getRecords, with AWS validation), `fast` the fast path
// (mr.fast.put / read / tail: big batches, zero-copy reads, push tails).
import type { Millrace } from '../../millrace.js';
import type { FastRecord } from '../../api/fast/put-batch.js';
import type { PutRecordsRequestEntry } from '../../api/kinesis/shapes.js';
import { compressionTags, pause, putRecordsOutcome, type AtRest, type BenchFace } from './face.js';

/** An empty GetRecords is retried after this long: short, since the reader is in-process. */
const IDLE_POLL_MS = 1;

async function createStream(mr: Millrace, stream: string, shards: number, at: AtRest): Promise<string[]> {
  await mr.kinesis.createStream({ StreamName: stream, ShardCount: shards, Tags: compressionTags(at.compression) });
  if (at.encryption === 'kms') await mr.kinesis.startStreamEncryption({ StreamName: stream, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
  const { Shards } = await mr.kinesis.listShards({ StreamName: stream });
  return (Shards ?? []).map((s) => s.ShardId);
}

interface KinesisBatch {
  StreamName: string;
  Records: PutRecordsRequestEntry[];
}

export function embeddedFace(mr: Millrace): BenchFace<KinesisBatch> {
  return {
    name: 'embedded',
    createStream: (stream, shards, at) => createStream(mr, stream, shards, at),
    prepare: (stream, datas, keys) => ({ StreamName: stream, Records: datas.map((Data, i) => ({ Data, PartitionKey: keys[i]! })) }),
    put: async (request) => putRecordsOutcome(await mr.kinesis.putRecords(request)),
    async consume(stream, shardId, _consumer, onData, onError, signal) {
      let iterator: string | undefined = (await mr.kinesis.getShardIterator({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
      while (iterator && !signal.aborted) {
        try {
          const out = await mr.kinesis.getRecords({ ShardIterator: iterator, Limit: 10_000 });
          iterator = out.NextShardIterator;
          if (out.Records.length > 0) onData(out.Records.map((r) => r.Data));
          else await pause(IDLE_POLL_MS, signal);
        } catch (err) {
          onError(err);
          await pause(10, signal);
        }
      }
    },
    close: () => mr.close(),
  };
}

interface FastBatch {
  stream: string;
  records: FastRecord[];
}

export function fastFace(mr: Millrace): BenchFace<FastBatch> {
  return {
    name: 'fast',
    createStream: (stream, shards, at) => createStream(mr, stream, shards, at),
    prepare: (stream, datas, keys) => ({ stream, records: datas.map((data, i) => ({ data, partitionKey: keys[i]! })) }),
    async put(request) {
      await mr.fast.put(request.stream, request.records);
      return { failed: 0 };
    },
    async consume(stream, shardId, _consumer, onData, onError, signal) {
      // A push tail from the oldest record: no polling delay in the measured latency.
      const offset = (await mr.fast.read(stream, shardId, { maxRecords: 1 })).records[0]?.offset ?? 0;
      const tail = await mr.fast.tail(stream, shardId, { offset, signal });
      try {
        for await (const batch of tail) {
          if (batch.records.length > 0) onData(batch.records.map((r) => r.data));
          if (batch.atShardEnd) break;
        }
      } catch (err) {
        if (!signal.aborted) onError(err);
      }
    },
    close: () => mr.close(),
  };
}

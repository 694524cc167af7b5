// The two in-process faces over one open Millrace: `embedded` is the AWS-shaped API
// (mr.kinesis.putRecords / getRecords, with AWS validation), `fast` the fast path
// (mr.fast.put / read / tail: big batches, zero-copy reads, push tails).
import type { Millrace } from '../../millrace.js';
import type { FastRecord } from '../../api/fast/put-batch.js';
import type { PutRecordsRequestEntry } from '../../api/kinesis/shapes.js';
import { compressionTags, pause, putRecordsOutcome, type AtRest, type BenchFace } from './face.js';

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
  const consumerArns = new Map<string, Promise<string>>();
  const registered = (stream: string, consumer: number): Promise<string> => {
    const key = `${stream}/${consumer}`;
    let arn = consumerArns.get(key);
    if (!arn) {
      arn = (async () => {
        const { StreamDescriptionSummary } = await mr.kinesis.describeStreamSummary({ StreamName: stream });
        const out = await mr.kinesis.registerStreamConsumer({ StreamARN: StreamDescriptionSummary.StreamARN, ConsumerName: `bench-consumer-${consumer}` });
        const ConsumerARN = out.Consumer.ConsumerARN;
        // CREATING until the engine's consumer delay has passed (0 by default: the next tick).
        while ((await mr.kinesis.describeStreamConsumer({ ConsumerARN })).ConsumerDescription.ConsumerStatus !== 'ACTIVE') await pause(5);
        return ConsumerARN;
      })();
      consumerArns.set(key, arn);
    }
    return arn;
  };
  return {
    name: 'embedded',
    createStream: (stream, shards, at) => createStream(mr, stream, shards, at),
    prepare: (stream, datas, keys) => ({ StreamName: stream, Records: datas.map((Data, i) => ({ Data, PartitionKey: keys[i]! })) }),
    put: async (request) => putRecordsOutcome(await mr.kinesis.putRecords(request)),
    // SubscribeToShard, as a Kinesis consumer with enhanced fan-out would: records are pushed as
    // they are appended, so the measured latency is the API's delivery, not a polling interval.
    // Each bench consumer registers once; a subscription that ends (5-minute lifetime) is renewed
    // from its ContinuationSequenceNumber.
    async consume(stream, shardId, consumer, onData, onError, signal) {
      const ConsumerARN = await registered(stream, consumer);
      let position: { Type: 'TRIM_HORIZON' } | { Type: 'AFTER_SEQUENCE_NUMBER'; SequenceNumber: string } = { Type: 'TRIM_HORIZON' };
      while (!signal.aborted) {
        try {
          const { EventStream } = await mr.kinesis.subscribeToShard({ ConsumerARN, ShardId: shardId, StartingPosition: position }, { abortSignal: signal });
          for await (const { SubscribeToShardEvent: event } of EventStream) {
            if (event.Records.length > 0) onData(event.Records.map((r) => r.Data));
            if (event.ChildShards !== undefined && event.ContinuationSequenceNumber === undefined) return;
            if (event.ContinuationSequenceNumber) position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: event.ContinuationSequenceNumber };
          }
        } catch (err) {
          if (signal.aborted) break;
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

// Code written against @aws-sdk/client-kinesis's types compiles against mr.kinesis unchanged:
// SDK inputs are accepted and our outputs fit the SDK's output types. Checked by `tsc` (this
// file is part of the project), and run for good measure.
import type * as sdk from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { openMillrace } from './kinesis/helpers.js';

describe('AWS SDK type compatibility', () => {
  it('accepts SDK inputs and returns SDK-compatible outputs', async () => {
    const mr = await openMillrace();
    const create: sdk.CreateStreamInput = { StreamName: 's', ShardCount: 1 };
    await mr.kinesis.createStream(create);
    const put: sdk.PutRecordsInput = { StreamName: 's', Records: [{ Data: new Uint8Array([1]), PartitionKey: 'k' }] };
    const putOut: sdk.PutRecordsOutput = await mr.kinesis.putRecords(put);
    const itIn: sdk.GetShardIteratorInput = { StreamName: 's', ShardId: putOut.Records![0]!.ShardId, ShardIteratorType: 'TRIM_HORIZON' };
    const itOut: sdk.GetShardIteratorOutput = await mr.kinesis.getShardIterator(itIn);
    const recIn: sdk.GetRecordsInput = { ShardIterator: itOut.ShardIterator };
    const recOut: sdk.GetRecordsOutput = await mr.kinesis.getRecords(recIn);
    const desc: sdk.DescribeStreamOutput = await mr.kinesis.describeStream({ StreamName: 's' });
    const summary: sdk.DescribeStreamSummaryOutput = await mr.kinesis.describeStreamSummary({ StreamName: 's' });
    const shards: sdk.ListShardsOutput = await mr.kinesis.listShards({ StreamName: 's' });
    const streams: sdk.ListStreamsOutput = await mr.kinesis.listStreams({});
    const reg: sdk.RegisterStreamConsumerOutput = await mr.kinesis.registerStreamConsumer({ StreamARN: desc.StreamDescription!.StreamARN, ConsumerName: 'c' });
    const sub: sdk.SubscribeToShardInput = { ConsumerARN: reg.Consumer!.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } };
    const { EventStream } = await mr.kinesis.subscribeToShard(sub);
    const events: AsyncIterable<sdk.SubscribeToShardEventStream> = EventStream;
    await EventStream[Symbol.asyncIterator]().return!();
    const limits: sdk.DescribeLimitsOutput = await mr.kinesis.describeLimits();
    expect([recOut.Records, summary, shards, streams, limits, events]).toHaveLength(6);
  });
});

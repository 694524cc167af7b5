import { describe, expect, it } from 'vitest';
import { bytes, failure, openMillrace } from './helpers.js';

describe('DeleteStream', () => {
  it('removes the stream and its data', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    await mr.kinesis.putRecord({ StreamName: 'a', Data: bytes('x'), PartitionKey: 'k' });
    await mr.kinesis.deleteStream({ StreamName: 'a' });
    expect(await failure(mr.kinesis.describeStream({ StreamName: 'a' }))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Stream a under account 000000000000 not found.',
    });
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    const it = await mr.kinesis.getShardIterator({ StreamName: 'a', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    expect((await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! })).Records).toEqual([]);
  });

  it('accepts a StreamARN', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    await mr.kinesis.deleteStream({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/a' });
    expect((await mr.kinesis.listStreams()).StreamNames).toEqual([]);
  });

  it('fails for unknown streams and missing names', async () => {
    const mr = await openMillrace();
    expect((await failure(mr.kinesis.deleteStream({ StreamName: 'nope' }))).name).toBe('ResourceNotFoundException');
    expect((await failure(mr.kinesis.deleteStream({}))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.deleteStream({ StreamARN: 'arn:aws:kinesis:us-east-1:999999999999:stream/a' }))).name).toBe('ResourceNotFoundException');
  });

  it('is DELETING for the configured delay, and iterators stop working', async () => {
    const mr = await openMillrace({ deleteStreamDelayMs: 100 });
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    const it = await mr.kinesis.getShardIterator({ StreamName: 'a', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' });
    await mr.kinesis.deleteStream({ StreamName: 'a' });
    expect((await mr.kinesis.describeStreamSummary({ StreamName: 'a' })).StreamDescriptionSummary.StreamStatus).toBe('DELETING');
    expect((await failure(mr.kinesis.deleteStream({ StreamName: 'a' }))).name).toBe('ResourceInUseException');
    expect((await failure(mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! }))).name).toBe('ResourceNotFoundException');
    await new Promise((r) => setTimeout(r, 200));
    expect((await failure(mr.kinesis.describeStream({ StreamName: 'a' }))).name).toBe('ResourceNotFoundException');
  });

  it('requires EnforceConsumerDeletion when consumers are registered', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    await mr.kinesis.registerStreamConsumer({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/a', ConsumerName: 'c' });
    expect((await failure(mr.kinesis.deleteStream({ StreamName: 'a' }))).name).toBe('ResourceInUseException');
    await mr.kinesis.deleteStream({ StreamName: 'a', EnforceConsumerDeletion: true });
    expect((await mr.kinesis.listStreams()).StreamNames).toEqual([]);
  });
});

// RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers, DeregisterStreamConsumer.
import { describe, expect, it } from 'vitest';
import { failure, openMillrace } from './helpers.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';

describe('stream consumers', () => {
  it('register, describe, list and deregister', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const { Consumer } = await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'app' });
    expect(Consumer.ConsumerARN).toMatch(/^arn:aws:kinesis:us-east-1:000000000000:stream\/s\/consumer\/app:\d+$/);
    expect(Consumer.ConsumerStatus).toBe('ACTIVE');
    const byArn = await mr.kinesis.describeStreamConsumer({ ConsumerARN: Consumer.ConsumerARN });
    const byName = await mr.kinesis.describeStreamConsumer({ StreamARN: ARN, ConsumerName: 'app' });
    expect(byArn).toEqual(byName);
    expect(byArn.ConsumerDescription.StreamARN).toBe(ARN);
    expect((await mr.kinesis.listStreamConsumers({ StreamARN: ARN })).Consumers!.map((c) => c.ConsumerName)).toEqual(['app']);
    await mr.kinesis.deregisterStreamConsumer({ ConsumerARN: Consumer.ConsumerARN });
    expect((await failure(mr.kinesis.describeStreamConsumer({ ConsumerARN: Consumer.ConsumerARN }))).name).toBe('ResourceNotFoundException');
  });

  it('paginates consumers', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    for (const n of ['c', 'a', 'b']) await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: n });
    const p1 = await mr.kinesis.listStreamConsumers({ StreamARN: ARN, MaxResults: 2 });
    expect(p1.Consumers!.map((c) => c.ConsumerName)).toEqual(['a', 'b']);
    const p2 = await mr.kinesis.listStreamConsumers({ StreamARN: ARN, NextToken: p1.NextToken! });
    expect(p2.Consumers!.map((c) => c.ConsumerName)).toEqual(['c']);
    expect(p2.NextToken).toBeUndefined();
  });

  it('refuses duplicates, more than 20, and bad references', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'c0' });
    expect((await failure(mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'c0' }))).name).toBe('ResourceInUseException');
    for (let i = 1; i < 20; i++) await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: `c${i}` });
    expect((await failure(mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'c20' }))).name).toBe('LimitExceededException');
    expect((await failure(mr.kinesis.describeStreamConsumer({ ConsumerName: 'c0' }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.describeStreamConsumer({ StreamARN: ARN, ConsumerName: 'zz' }))).name).toBe('ResourceNotFoundException');
    expect((await failure(mr.kinesis.describeStreamConsumer({ ConsumerARN: 'nope' }))).name).toBe('ValidationException');
    expect((await failure(mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'bad name' }))).name).toBe('ValidationException');
    expect((await failure(mr.kinesis.registerStreamConsumer({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/none', ConsumerName: 'x' }))).name).toBe('ResourceNotFoundException');
  });

  it('goes through CREATING and DELETING with the configured delay', async () => {
    const mr = await openMillrace({ consumerDelayMs: 60 });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const { Consumer } = await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'app' });
    expect(Consumer.ConsumerStatus).toBe('CREATING');
    const sub = await failure(mr.kinesis.subscribeToShard({ ConsumerARN: Consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }));
    expect(sub.name).toBe('ResourceInUseException');
    expect(sub.message).toMatch(/^Consumer app with creation timestamp \d+ under stream s and account 000000000000 is not in ACTIVE status\.$/);
    await new Promise((r) => setTimeout(r, 120));
    expect((await mr.kinesis.describeStreamConsumer({ ConsumerARN: Consumer.ConsumerARN })).ConsumerDescription.ConsumerStatus).toBe('ACTIVE');
    await mr.kinesis.deregisterStreamConsumer({ StreamARN: ARN, ConsumerName: 'app' });
    expect((await mr.kinesis.describeStreamConsumer({ ConsumerARN: Consumer.ConsumerARN })).ConsumerDescription.ConsumerStatus).toBe('DELETING');
    await new Promise((r) => setTimeout(r, 120));
    expect((await mr.kinesis.listStreamConsumers({ StreamARN: ARN })).Consumers).toEqual([]);
  });
});

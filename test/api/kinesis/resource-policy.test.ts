// PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy.
import { describe, expect, it } from 'vitest';
import { failure, openMillrace } from './helpers.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kinesis:GetRecords', Resource: ARN }] });

describe('resource policies', () => {
  it('put, get and delete on streams and consumers', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect(await mr.kinesis.getResourcePolicy({ ResourceARN: ARN })).toEqual({ Policy: '{}' });
    await mr.kinesis.putResourcePolicy({ ResourceARN: ARN, Policy: POLICY });
    expect(await mr.kinesis.getResourcePolicy({ ResourceARN: ARN })).toEqual({ Policy: POLICY });
    const { Consumer } = await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'c' });
    await mr.kinesis.putResourcePolicy({ ResourceARN: Consumer.ConsumerARN, Policy: '{"Version":"2012-10-17"}' });
    expect((await mr.kinesis.getResourcePolicy({ ResourceARN: Consumer.ConsumerARN })).Policy).toBe('{"Version":"2012-10-17"}');
    await mr.kinesis.deleteResourcePolicy({ ResourceARN: ARN });
    expect(await mr.kinesis.getResourcePolicy({ ResourceARN: ARN })).toEqual({ Policy: '{}' });
    expect((await failure(mr.kinesis.deleteResourcePolicy({ ResourceARN: ARN }))).name).toBe('ResourceNotFoundException');
  });

  it('validates policies and resources', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(mr.kinesis.putResourcePolicy({ ResourceARN: ARN, Policy: 'not json' }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.putResourcePolicy({ ResourceARN: ARN, Policy: 'x'.repeat(20481) }))).name).toBe('ValidationException');
    expect((await failure(mr.kinesis.getResourcePolicy({ ResourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/none' }))).name).toBe('ResourceNotFoundException');
  });
});

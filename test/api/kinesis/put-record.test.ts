import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { compareSequenceNumbers } from '../../../src/core/sequence-number.js';
import { bytes, failure, openMillrace } from './helpers.js';

describe('PutRecord', () => {
  it('returns the shard and a growing sequence number', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const a = await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('a'), PartitionKey: 'k' });
    const b = await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('b'), PartitionKey: 'k', SequenceNumberForOrdering: a.SequenceNumber });
    expect(a.ShardId).toBe('shardId-000000000000');
    expect(compareSequenceNumbers(a.SequenceNumber, b.SequenceNumber)).toBe(-1);
    expect(a.EncryptionType).toBeUndefined();
  });

  it('rejects a SequenceNumberForOrdering that is not a sequence number', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect(await failure(mr.kinesis.putRecord({ StreamName: 's', Data: bytes('a'), PartitionKey: 'k', SequenceNumberForOrdering: '12' }))).toEqual({
      name: 'InvalidArgumentException',
      message: 'ExclusiveMinimumSequenceNumber 12 used in PutRecord on stream s under account 000000000000 is invalid.',
    });
    expect((await failure(mr.kinesis.putRecord({ StreamName: 's', Data: bytes('a'), PartitionKey: 'k', SequenceNumberForOrdering: 'x' }))).name).toBe('ValidationException');
  });

  it('validates required members', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const e = await failure(mr.kinesis.putRecord({ StreamName: 's' } as never));
    expect(e.message).toBe(
      "2 validation errors detected: Value null at 'data' failed to satisfy constraint: Member must not be null; Value null at 'partitionKey' failed to satisfy constraint: Member must not be null",
    );
    expect((await failure(mr.kinesis.putRecord({ StreamName: 's', Data: 5 as never, PartitionKey: 'k' }))).name).toBe('SerializationException');
  });

  it('throws ProvisionedThroughputExceededException when the shard is saturated', async () => {
    const mr = await openMillrace({ clock: new ManualClock() });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.putRecord({ StreamName: 's', Data: new Uint8Array(1024 * 1024 - 1), PartitionKey: 'k' });
    expect(await failure(mr.kinesis.putRecord({ StreamName: 's', Data: bytes('abc'), PartitionKey: 'k' }))).toEqual({
      name: 'ProvisionedThroughputExceededException',
      message: 'Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.',
    });
  });
});

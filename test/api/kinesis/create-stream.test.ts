import { describe, expect, it } from 'vitest';
import { failure, openMillrace } from './helpers.js';

describe('CreateStream', () => {
  it('creates an ACTIVE stream whose shards split the key space like AWS', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'clicks', ShardCount: 2 });
    const { StreamDescription: d } = await mr.kinesis.describeStream({ StreamName: 'clicks' });
    expect(d.StreamStatus).toBe('ACTIVE');
    expect(d.StreamARN).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/clicks');
    expect(d.StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });
    expect(d.RetentionPeriodHours).toBe(24);
    expect(d.EncryptionType).toBe('NONE');
    expect(d.Shards.map((s) => [s.ShardId, s.HashKeyRange.StartingHashKey, s.HashKeyRange.EndingHashKey])).toEqual([
      ['shardId-000000000000', '0', '170141183460469231731687303715884105727'],
      ['shardId-000000000001', '170141183460469231731687303715884105728', '340282366920938463463374607431768211455'],
    ]);
    for (const s of d.Shards) expect(s.SequenceNumberRange.StartingSequenceNumber).toMatch(/^\d{56}$/);
  });

  it('refuses a second stream of the same name', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 });
    expect(await failure(mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1 }))).toEqual({
      name: 'ResourceInUseException',
      message: 'Stream a under account 000000000000 already exists.',
    });
  });

  it('validates the name and shard count', async () => {
    const mr = await openMillrace();
    expect((await failure(mr.kinesis.createStream({ StreamName: 'bad name', ShardCount: 1 }))).name).toBe('ValidationException');
    expect((await failure(mr.kinesis.createStream({ StreamName: 'x'.repeat(129), ShardCount: 1 }))).message).toContain('Member must have length less than or equal to 128');
    expect((await failure(mr.kinesis.createStream({ StreamName: 'a', ShardCount: 0 }))).message).toContain('Member must have value greater than or equal to 1');
    expect((await failure(mr.kinesis.createStream({ StreamName: 'a' }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.createStream({ ShardCount: 1 } as never))).message).toContain("Value null at 'streamName'");
  });

  it('enforces the account shard limit with AWS wording', async () => {
    const mr = await openMillrace({ shardLimit: 3, accountId: '123456789012', region: 'eu-west-1' });
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 2 });
    const e = await failure(mr.kinesis.createStream({ StreamName: 'b', ShardCount: 2 }));
    expect(e.name).toBe('LimitExceededException');
    expect(e.message).toMatch(/^This request would exceed the shard limit for the account 123456789012 in eu-west-1\. Current shard count for the account: 2\. Limit: 3\. Number of additional shards that would have resulted from this request: 2\./);
  });

  it('creates on-demand streams with the default shard count and limit', async () => {
    const mr = await openMillrace({ onDemandStreamCountLimit: 1 });
    await mr.kinesis.createStream({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    const s = await mr.kinesis.describeStreamSummary({ StreamName: 'od' });
    expect(s.StreamDescriptionSummary.OpenShardCount).toBe(4);
    expect(s.StreamDescriptionSummary.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    expect((await failure(mr.kinesis.createStream({ StreamName: 'od2', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }))).name).toBe('LimitExceededException');
  });

  it('stores tags given at creation and checks them', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'a', ShardCount: 1, Tags: { team: 'data' } });
    expect((await mr.kinesis.listTagsForStream({ StreamName: 'a' })).Tags).toEqual([{ Key: 'team', Value: 'data' }]);
    expect((await failure(mr.kinesis.createStream({ StreamName: 'b', ShardCount: 1, Tags: { 'bad#': 'x' } }))).name).toBe('InvalidArgumentException');
  });

  it('stays CREATING for the configured delay', async () => {
    const mr = await openMillrace({ createStreamDelayMs: 100 });
    await mr.kinesis.createStream({ StreamName: 'slow', ShardCount: 1 });
    expect((await mr.kinesis.describeStream({ StreamName: 'slow' })).StreamDescription.StreamStatus).toBe('CREATING');
    expect((await failure(mr.kinesis.putRecord({ StreamName: 'slow', Data: new Uint8Array(1), PartitionKey: 'k' }))).name).toBe('ResourceNotFoundException');
    await new Promise((r) => setTimeout(r, 200));
    expect((await mr.kinesis.describeStream({ StreamName: 'slow' })).StreamDescription.StreamStatus).toBe('ACTIVE');
  });
});

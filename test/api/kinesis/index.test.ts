import { describe, expect, it } from 'vitest';
import { dispatchKinesis, isKinesisAction, kinesisActions } from '../../../src/api/kinesis/index.js';
import { toKinesisErrorResponse } from '../../../src/api/errors.js';
import { openMillrace } from './helpers.js';
import { StreamsEngine } from '../../../src/streams/engine.js';
import { tempDir } from '../../helpers/tmp.js';

describe('kinesisActions', () => {
  it('covers every Data Streams action of the issue', () => {
    expect(Object.keys(kinesisActions).sort()).toEqual(
      [
        'AddTagsToStream', 'CreateStream', 'DecreaseStreamRetentionPeriod', 'DeleteResourcePolicy', 'DeleteStream', 'DeregisterStreamConsumer',
        'DescribeAccountSettings', 'DescribeLimits', 'DescribeStream', 'DescribeStreamConsumer', 'DescribeStreamSummary', 'DisableEnhancedMonitoring',
        'EnableEnhancedMonitoring', 'GetRecords', 'GetResourcePolicy', 'GetShardIterator', 'IncreaseStreamRetentionPeriod', 'ListShards',
        'ListStreamConsumers', 'ListStreams', 'ListTagsForResource', 'ListTagsForStream', 'MergeShards', 'PutRecord', 'PutRecords',
        'PutResourcePolicy', 'RegisterStreamConsumer', 'RemoveTagsFromStream', 'SplitShard', 'StartStreamEncryption', 'StopStreamEncryption',
        'SubscribeToShard', 'TagResource', 'UntagResource', 'UpdateAccountSettings', 'UpdateShardCount', 'UpdateStreamMode',
      ].sort(),
    );
    expect(isKinesisAction('toString')).toBe(false);
  });
});

describe('dispatchKinesis', () => {
  it('runs actions on decoded JSON bodies (base64 Data, epoch-second timestamps)', async () => {
    const engine = await StreamsEngine.open({ dataDir: tempDir(), retentionIntervalMs: 0 });
    try {
      const ctx = { engine };
      await dispatchKinesis(ctx, 'CreateStream', JSON.parse('{"StreamName":"s","ShardCount":1}'));
      const put = (await dispatchKinesis(ctx, 'PutRecord', JSON.parse('{"StreamName":"s","Data":"aGk=","PartitionKey":"k"}'))) as { SequenceNumber: string };
      const it = (await dispatchKinesis(ctx, 'GetShardIterator', {
        StreamName: 's',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: Date.now() / 1000 - 60,
      })) as { ShardIterator: string };
      const out = (await dispatchKinesis(ctx, 'GetRecords', { ShardIterator: it.ShardIterator })) as { Records: { SequenceNumber: string; Data: Uint8Array }[] };
      expect(out.Records[0]!.SequenceNumber).toBe(put.SequenceNumber);
      expect(Buffer.from(out.Records[0]!.Data).toString()).toBe('hi');
    } finally {
      await engine.close();
    }
  });

  it('maps unknown actions and bad bodies to AWS errors', async () => {
    const engine = await StreamsEngine.open({ dataDir: tempDir(), retentionIntervalMs: 0 });
    try {
      const e1 = await dispatchKinesis({ engine }, 'Nope', {}).catch((e: unknown) => e);
      expect(toKinesisErrorResponse(e1).body.__type).toBe('UnknownOperationException');
      const e2 = await dispatchKinesis({ engine }, 'CreateStream', [1]).catch((e: unknown) => e);
      expect(toKinesisErrorResponse(e2)).toEqual({ statusCode: 400, body: { __type: 'SerializationException', message: 'Start of list found where not expected' } });
    } finally {
      await engine.close();
    }
  });
});

describe('kinesisTracing', () => {
  it('publishes each call on the millrace:kinesis tracing channel', async () => {
    const { kinesisTracing } = await import('../../../src/api/kinesis/index.js');
    const seen: string[] = [];
    const handlers = {
      start: (m: { action: string }) => seen.push(`start ${m.action}`),
      asyncEnd: (m: { action: string }) => seen.push(`end ${m.action}`),
      error: (m: { action: string }) => seen.push(`error ${m.action}`),
    };
    kinesisTracing.subscribe(handlers as never);
    try {
      const mr = await openMillrace();
      await mr.kinesis.listStreams();
      await mr.kinesis.describeStream({ StreamName: 'none' }).catch(() => undefined);
    } finally {
      kinesisTracing.unsubscribe(handlers as never);
    }
    expect(seen).toEqual(['start ListStreams', 'end ListStreams', 'start DescribeStream', 'error DescribeStream', 'end DescribeStream']);
  });
});

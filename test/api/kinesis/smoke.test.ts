import { describe, expect, it } from 'vitest';
import { bytes, openMillrace, text } from './helpers.js';

describe('issue example', () => {
  it('creates, puts and gets', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 'clicks', ShardCount: 4 });
    const put = await mr.kinesis.putRecords({ StreamName: 'clicks', Records: [{ Data: bytes('hello'), PartitionKey: 'user-1' }] });
    expect(put.FailedRecordCount).toBe(0);
    const shardId = put.Records[0]!.ShardId!;
    const { ShardIterator } = await mr.kinesis.getShardIterator({ StreamName: 'clicks', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' });
    const { Records, NextShardIterator, MillisBehindLatest } = await mr.kinesis.getRecords({ ShardIterator: ShardIterator! });
    expect(Records.map((r) => text(r.Data))).toEqual(['hello']);
    expect(Records[0]!.SequenceNumber).toBe(put.Records[0]!.SequenceNumber);
    expect(NextShardIterator).toBeTypeOf('string');
    expect(MillisBehindLatest).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { failure, openMillrace } from './helpers.js';

describe('ListStreams', () => {
  it('lists names in order with summaries and pages through them', async () => {
    const mr = await openMillrace();
    for (const n of ['c', 'a', 'b']) await mr.kinesis.createStream({ StreamName: n, ShardCount: 1 });
    const p1 = await mr.kinesis.listStreams({ Limit: 2 });
    expect(p1.StreamNames).toEqual(['a', 'b']);
    expect(p1.HasMoreStreams).toBe(true);
    expect(p1.StreamSummaries![0]).toMatchObject({ StreamName: 'a', StreamStatus: 'ACTIVE', StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/a' });
    const p2 = await mr.kinesis.listStreams({ NextToken: p1.NextToken! });
    expect(p2.StreamNames).toEqual(['c']);
    expect(p2.HasMoreStreams).toBe(false);
    expect(p2.NextToken).toBeUndefined();
    expect((await mr.kinesis.listStreams({ ExclusiveStartStreamName: 'a' })).StreamNames).toEqual(['b', 'c']);
  });

  it('rejects forged tokens and bad limits', async () => {
    const mr = await openMillrace();
    expect((await failure(mr.kinesis.listStreams({ NextToken: 'eyJhZnRlciI6ImIifQ.xxxx' }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.listStreams({ Limit: 10001 }))).name).toBe('ValidationException');
  });
});

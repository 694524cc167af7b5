import { describe, expect, it } from 'vitest';
import { consumerArn, parseConsumerArn, parseStreamArn, streamArn } from '../../src/core/arn.js';
import { shardIdOf, shardIndexOf } from '../../src/core/ids.js';

describe('ARNs', () => {
  it('round-trip stream ARNs', () => {
    const arn = streamArn('us-east-1', '000000000000', 'clicks');
    expect(arn).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/clicks');
    expect(parseStreamArn(arn)).toEqual({ partition: 'aws', region: 'us-east-1', account: '000000000000', streamName: 'clicks' });
  });

  it('round-trip consumer ARNs', () => {
    const s = streamArn('eu-west-1', '123456789012', 'a.b-c_d');
    const arn = consumerArn(s, 'app', 1_700_000_000_999);
    expect(arn).toBe(`${s}/consumer/app:1700000000`);
    expect(parseConsumerArn(arn)).toMatchObject({ streamArn: s, streamName: 'a.b-c_d', consumerName: 'app', createdSeconds: 1_700_000_000 });
    expect(parseStreamArn(arn)).toBeUndefined();
  });

  it('reject malformed ARNs', () => {
    expect(parseStreamArn('arn:aws:kinesis:us-east-1:123:stream/x')).toBeUndefined();
    expect(parseStreamArn('arn:aws:sqs:us-east-1:123456789012:stream/x')).toBeUndefined();
    expect(parseConsumerArn('arn:aws:kinesis:us-east-1:123456789012:stream/x/consumer/y')).toBeUndefined();
  });
});

describe('shard ids', () => {
  it('format and parse', () => {
    expect(shardIdOf(0)).toBe('shardId-000000000000');
    expect(shardIdOf(12)).toBe('shardId-000000000012');
    expect(shardIndexOf('shardId-000000000012')).toBe(12);
    expect(shardIndexOf('shardId-12')).toBe(12);
    expect(shardIndexOf('12')).toBe(12);
    expect(shardIndexOf('shard-x')).toBeUndefined();
  });
});

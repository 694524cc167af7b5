// AddTagsToStream, RemoveTagsFromStream, ListTagsForStream, TagResource, UntagResource,
// ListTagsForResource.
import { describe, expect, it } from 'vitest';
import { failure, openMillrace } from './helpers.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';

describe('stream tags', () => {
  it('add, overwrite, list with paging, and remove', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.addTagsToStream({ StreamName: 's', Tags: { b: '2', a: '1', c: '' } });
    await mr.kinesis.addTagsToStream({ StreamARN: ARN, Tags: { a: 'one' } });
    const p1 = await mr.kinesis.listTagsForStream({ StreamName: 's', Limit: 2 });
    expect(p1).toEqual({ Tags: [{ Key: 'a', Value: 'one' }, { Key: 'b', Value: '2' }], HasMoreTags: true });
    expect(await mr.kinesis.listTagsForStream({ StreamName: 's', ExclusiveStartTagKey: 'b' })).toEqual({ Tags: [{ Key: 'c', Value: '' }], HasMoreTags: false });
    await mr.kinesis.removeTagsFromStream({ StreamName: 's', TagKeys: ['a', 'zzz'] });
    expect((await mr.kinesis.listTagsForStream({ StreamName: 's' })).Tags.map((t) => t.Key)).toEqual(['b', 'c']);
  });

  it('enforces AWS limits and characters', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect(await failure(mr.kinesis.addTagsToStream({ StreamName: 's', Tags: { 'a*b': 'x' } }))).toEqual({
      name: 'InvalidArgumentException',
      message: 'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
    });
    expect((await failure(mr.kinesis.addTagsToStream({ StreamName: 's', Tags: {} }))).name).toBe('ValidationException');
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    expect((await failure(mr.kinesis.addTagsToStream({ StreamName: 's', Tags: eleven }))).name).toBe('ValidationException');
    for (let i = 0; i < 5; i++) {
      await mr.kinesis.addTagsToStream({ StreamName: 's', Tags: Object.fromEntries(Array.from({ length: 10 }, (_, j) => [`k${i}-${j}`, 'v'])) });
    }
    expect((await failure(mr.kinesis.addTagsToStream({ StreamName: 's', Tags: { more: 'v' } }))).message).toBe(
      'Failed to add tags to stream s under account 000000000000 because a given stream cannot have more than 50 tags associated with it.',
    );
    expect((await failure(mr.kinesis.addTagsToStream({ StreamName: 's', Tags: { 'aws:x': 'v' } }))).name).toBe('InvalidArgumentException');
    expect((await failure(mr.kinesis.removeTagsFromStream({ StreamName: 's', TagKeys: [] }))).name).toBe('ValidationException');
    expect((await failure(mr.kinesis.listTagsForStream({ StreamName: 'none' }))).name).toBe('ResourceNotFoundException');
  });
});

describe('resource tags', () => {
  it('tag streams and consumers by ARN', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    const { Consumer } = await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'c', Tags: { team: 'x' } });
    await mr.kinesis.tagResource({ ResourceARN: ARN, Tags: { env: 'test' } });
    await mr.kinesis.tagResource({ ResourceARN: Consumer.ConsumerARN, Tags: { app: 'y' } });
    expect((await mr.kinesis.listTagsForResource({ ResourceARN: ARN })).Tags).toEqual([{ Key: 'env', Value: 'test' }]);
    expect((await mr.kinesis.listTagsForResource({ ResourceARN: Consumer.ConsumerARN })).Tags).toEqual([
      { Key: 'app', Value: 'y' },
      { Key: 'team', Value: 'x' },
    ]);
    await mr.kinesis.untagResource({ ResourceARN: Consumer.ConsumerARN, TagKeys: ['team'] });
    expect((await mr.kinesis.listTagsForResource({ ResourceARN: Consumer.ConsumerARN })).Tags).toEqual([{ Key: 'app', Value: 'y' }]);
    expect((await mr.kinesis.listTagsForStream({ StreamName: 's' })).Tags).toEqual([{ Key: 'env', Value: 'test' }]);
  });

  it('reports unknown resources', async () => {
    const mr = await openMillrace();
    expect((await failure(mr.kinesis.listTagsForResource({ ResourceARN: ARN }))).name).toBe('ResourceNotFoundException');
    expect((await failure(mr.kinesis.tagResource({ ResourceARN: 'arn:aws:sqs:us-east-1:000000000000:q', Tags: { a: 'b' } }))).name).toBe('ValidationException');
  });
});

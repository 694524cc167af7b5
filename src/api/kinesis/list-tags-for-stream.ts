// ListTagsForStream: tags sorted by key, paginated by ExclusiveStartTagKey and Limit (default 50).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListTagsForStream.html
import { validateInput, STREAM_REF, TAG_KEY } from '../validate.js';
import { findStream } from './common.js';
import type { KinesisContext } from './context.js';
import type { ListTagsForStreamInput, ListTagsForStreamOutput } from './shapes.js';

const shape = {
  type: 'structure',
  members: { ...STREAM_REF, ExclusiveStartTagKey: TAG_KEY, Limit: { type: 'integer', min: 1, max: 50 } },
} as const;

export async function listTagsForStream(ctx: KinesisContext, input: ListTagsForStreamInput): Promise<ListTagsForStreamOutput> {
  const req = validateInput<ListTagsForStreamInput>(input, shape);
  const stream = findStream(ctx, req);
  const limit = req.Limit ?? 50;
  const keys = Object.keys(stream.tags)
    .sort()
    .filter((k) => req.ExclusiveStartTagKey === undefined || k > req.ExclusiveStartTagKey);
  return {
    Tags: keys.slice(0, limit).map((k) => ({ Key: k, Value: stream.tags[k] })),
    HasMoreTags: keys.length > limit,
  };
}

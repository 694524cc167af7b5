// ListTagsForResource: all tags of a stream or a consumer, sorted by key.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListTagsForResource.html
import { validateInput, RESOURCE_ARN, STREAM_ID } from '../validate.js';
import { findResource } from './common.js';
import type { KinesisContext } from './context.js';
import type { ListTagsForResourceInput, ListTagsForResourceOutput } from './shapes.js';

const shape = { type: 'structure', members: { ResourceARN: { ...RESOURCE_ARN, required: true }, StreamId: STREAM_ID } } as const;

export async function listTagsForResource(ctx: KinesisContext, input: ListTagsForResourceInput): Promise<ListTagsForResourceOutput> {
  const req = validateInput<ListTagsForResourceInput>(input, shape);
  const { stream, consumer } = findResource(ctx, req.ResourceARN);
  const tags = consumer ? consumer.tags : stream.tags;
  return { Tags: Object.keys(tags).sort().map((k) => ({ Key: k, Value: tags[k] })) };
}

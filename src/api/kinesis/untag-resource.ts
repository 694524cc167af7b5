// UntagResource: removes tags from a stream or a consumer by ARN.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UntagResource.html
import { validateInput, RESOURCE_ARN, STREAM_ID, TAG_KEY } from '../validate.js';
import { findResource } from './common.js';
import type { KinesisContext } from './context.js';
import type { EmptyOutput, UntagResourceInput } from './shapes.js';
import { checkTagKeys } from './tags.js';

const shape = {
  type: 'structure',
  members: {
    ResourceARN: { ...RESOURCE_ARN, required: true },
    TagKeys: { type: 'list', member: TAG_KEY, min: 1, max: 50, required: true },
    StreamId: STREAM_ID,
  },
} as const;

export async function untagResource(ctx: KinesisContext, input: UntagResourceInput): Promise<EmptyOutput> {
  const req = validateInput<UntagResourceInput>(input, shape);
  const { stream, consumer } = findResource(ctx, req.ResourceARN);
  checkTagKeys(req.TagKeys);
  const tags = consumer ? consumer.tags : stream.tags;
  for (const k of req.TagKeys) delete tags[k];
  await ctx.engine.commit();
  if (!consumer) await ctx.engine.applyCompression(stream);
  return {};
}

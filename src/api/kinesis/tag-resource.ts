// TagResource: tags a stream or a consumer by ARN.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_TagResource.html
import { validateInput, RESOURCE_ARN, STREAM_ID, TAG_MAP } from '../validate.js';
import { findResource } from './common.js';
import type { KinesisContext } from './context.js';
import type { EmptyOutput, TagResourceInput } from './shapes.js';
import { checkTags } from './tags.js';

const shape = {
  type: 'structure',
  members: { ResourceARN: { ...RESOURCE_ARN, required: true }, Tags: { ...TAG_MAP, required: true }, StreamId: STREAM_ID },
} as const;

export async function tagResource(ctx: KinesisContext, input: TagResourceInput): Promise<EmptyOutput> {
  const req = validateInput<TagResourceInput>(input, shape);
  const { stream, consumer } = findResource(ctx, req.ResourceARN);
  const tags = consumer ? consumer.tags : stream.tags;
  checkTags(ctx, stream.name, req.Tags, tags);
  Object.assign(tags, req.Tags);
  await ctx.engine.commit();
  if (!consumer) await ctx.engine.applyCompression(stream);
  return {};
}

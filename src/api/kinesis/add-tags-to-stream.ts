// AddTagsToStream: adds or overwrites up to 10 tags per call, 50 per stream.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_AddTagsToStream.html
import { validateInput, STREAM_REF, TAG_MAP } from '../validate.js';
import { findStream } from './common.js';
import type { KinesisContext } from './context.js';
import type { AddTagsToStreamInput, EmptyOutput } from './shapes.js';
import { checkTags } from './tags.js';

const shape = { type: 'structure', members: { ...STREAM_REF, Tags: { ...TAG_MAP, max: 10, required: true } } } as const;

export async function addTagsToStream(ctx: KinesisContext, input: AddTagsToStreamInput): Promise<EmptyOutput> {
  const req = validateInput<AddTagsToStreamInput>(input, shape);
  const stream = findStream(ctx, req);
  checkTags(ctx, stream.name, req.Tags, stream.tags);
  Object.assign(stream.tags, req.Tags);
  await ctx.engine.commit();
  await ctx.engine.applyCompression(stream);
  return {};
}

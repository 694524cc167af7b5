// RemoveTagsFromStream: unknown keys are ignored.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_RemoveTagsFromStream.html
import { validateInput, STREAM_REF, TAG_KEY } from '../validate.js';
import { findStream } from './common.js';
import type { KinesisContext } from './context.js';
import type { EmptyOutput, RemoveTagsFromStreamInput } from './shapes.js';
import { checkTagKeys } from './tags.js';

const shape = {
  type: 'structure',
  members: { ...STREAM_REF, TagKeys: { type: 'list', member: TAG_KEY, min: 1, max: 50, required: true } },
} as const;

export async function removeTagsFromStream(ctx: KinesisContext, input: RemoveTagsFromStreamInput): Promise<EmptyOutput> {
  const req = validateInput<RemoveTagsFromStreamInput>(input, shape);
  const stream = findStream(ctx, req);
  checkTagKeys(req.TagKeys);
  for (const k of req.TagKeys) delete stream.tags[k];
  await ctx.engine.commit();
  await ctx.engine.applyCompression(stream);
  return {};
}

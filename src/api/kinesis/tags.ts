// Tag rules shared by AddTagsToStream, TagResource, CreateStream and RegisterStreamConsumer:
// AWS's character set, no "aws:" prefix, at most 50 tags per resource; and the value of Millrace's
// own `millrace:compression` tag (src/streams/compression.ts).
import { checkCompressionTag } from '../../streams/compression.js';
import { fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';

const INVALID = /[^\p{L}\p{N}\s_.:/=+\-@%]/u;
export const MAX_TAGS = 50;

export function checkTagKeys(keys: readonly string[]): void {
  if (keys.some((k) => INVALID.test(k))) fail('InvalidArgumentException', msg.tagsInvalidChars());
}

/** Validates tags about to be added to a resource that already has `existing`. */
export function checkTags(ctx: KinesisContext, streamName: string, tags: Record<string, string>, existing: Record<string, string>): void {
  const keys = Object.keys(tags);
  if ([...keys, ...Object.values(tags)].some((k) => INVALID.test(k))) fail('InvalidArgumentException', msg.tagsInvalidChars());
  if (keys.some((k) => k.toLowerCase().startsWith('aws:'))) fail('InvalidArgumentException', msg.tagsAwsPrefix());
  checkCompressionTag(tags);
  const all = new Set([...Object.keys(existing), ...keys]);
  if (all.size > MAX_TAGS) fail('InvalidArgumentException', msg.tagsTooMany(streamName, ctx.engine.account));
}

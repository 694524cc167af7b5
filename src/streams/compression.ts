// Per-stream compression at rest, a Millrace extension carried by a reserved tag, so that every face
// (the embedded API, the AWS SDK or CLI over HTTP) can set it with calls it already has:
//   CreateStream({ ..., Tags: { 'millrace:compression': 'lz4' } }), AddTagsToStream, TagResource;
// removing the tag returns the stream to the instance default (MillraceOptions.compression).
// New batches use the codec in force when they are appended; stored batches keep theirs.
import { InvalidArgumentError } from '../errors.js';
import type { Compression } from '../storage/types.js';
import type { StreamEntry } from './catalog.js';
import { COMPRESSIONS } from './options.js';

export const COMPRESSION_TAG = 'millrace:compression';

/** Throws when tags about to be set carry a compression tag with an unknown codec. */
export function checkCompressionTag(tags: Readonly<Record<string, string>>): void {
  const value = tags[COMPRESSION_TAG];
  if (value !== undefined && !COMPRESSIONS.includes(value as Compression)) {
    throw new InvalidArgumentError(`Tag ${COMPRESSION_TAG} must be one of ${COMPRESSIONS.join(', ')}, got ${JSON.stringify(value)}`);
  }
}

/** The codec new batches of `stream` use. */
export function compressionOf(stream: StreamEntry, fallback: Compression): Compression {
  const value = stream.tags[COMPRESSION_TAG];
  return value !== undefined && COMPRESSIONS.includes(value as Compression) ? (value as Compression) : fallback;
}

// MD5 of partition keys, per batch. Routing a PutRecords call hashes every key once, in one native call.
import { createHash } from 'node:crypto';

/** MD5 digests of `keys` (UTF-8), 16 bytes each, concatenated in order. */
export function md5Keys(keys: readonly string[]): Buffer {
  const out = Buffer.allocUnsafe(keys.length * 16);
  for (let i = 0; i < keys.length; i++) createHash('md5').update(keys[i]!, 'utf8').digest().copy(out, i * 16);
  return out;
}

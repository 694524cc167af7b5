// MD5 of partition keys, per batch: routing a PutRecords call hashes every key in one native call.
import { InvalidArgumentError } from '../errors.js';
import { native } from './native.js';

/** MD5 digests of `keys` (UTF-8), 16 bytes each, concatenated in order. */
export function md5Keys(keys: readonly string[]): Buffer {
  const ends = new Uint32Array(keys.length);
  let ascii = true;
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k !== 'string') throw new InvalidArgumentError(`keys[${i}] must be a string`);
    total += k.length;
    ends[i] = total;
  }
  const joined = keys.join('');
  const bytes = Buffer.from(joined, 'utf8');
  if (bytes.length !== total) ascii = false;
  if (!ascii) {
    // Multi-byte characters: byte ends differ from string lengths.
    let end = 0;
    for (let i = 0; i < keys.length; i++) {
      end += Buffer.byteLength(keys[i], 'utf8');
      ends[i] = end;
    }
  }
  return native.md5Keys(bytes, ends);
}

/**
 * For each 16-byte big-endian hash in `hashes`, the index of the range it falls in, where
 * `starts` holds the sorted 16-byte starting keys of contiguous ranges (the first must be 0).
 */
export function bucketize(hashes: Uint8Array, starts: Uint8Array): Uint32Array {
  if (hashes.byteLength % 16 !== 0 || starts.byteLength % 16 !== 0 || starts.byteLength === 0) {
    throw new InvalidArgumentError('hashes and starts must be non-empty multiples of 16 bytes');
  }
  return native.bucketize(hashes, starts);
}

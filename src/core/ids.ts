// Shard ids as AWS prints them: "shardId-" and the shard's index in its stream, 12 digits.

export function shardIdOf(index: number): string {
  return 'shardId-' + String(index).padStart(12, '0');
}

/**
 * The index a shard id names, or undefined. AWS resolves loosely ("shardId-1", "shardId-000000000001"
 * and "1" name the same shard), and so do we.
 */
export function shardIndexOf(shardId: string): number | undefined {
  const m = /^(?:shardId-)?(\d{1,12})$/.exec(shardId);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 0x7fffffff ? n : undefined;
}

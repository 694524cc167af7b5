// UpdateShardCount (UNIFORM_SCALING) as a sequence of splits and merges, the way AWS performs it, so
// every new shard has at most two parents and lineage stays expressible in ParentShardId /
// AdjacentParentShardId. Splits cut every open shard at each target boundary inside it; then the
// pieces inside each target range are merged left to right. Short-lived intermediate shards result,
// as on AWS ("This can cause short-lived shards to be created").
import { evenRanges } from '../core/hash-key.js';

export interface OpenRange {
  index: number;
  start: bigint;
  end: bigint;
}

export interface ReshardOps {
  /** Splits shard `index` so the right child starts at `at`; returns the children's indexes. */
  split(index: number, at: bigint): [left: number, right: number];
  /** Merges two adjacent shards (`left` below `right`); returns the child's index. */
  merge(left: number, right: number): number;
}

/** Reshapes the open shards into `target` even ranges; returns the resulting open ranges. */
export function uniformScaling(open: readonly OpenRange[], target: number, ops: ReshardOps): OpenRange[] {
  const sorted = [...open].sort((a, b) => (a.start < b.start ? -1 : 1));
  const targets = evenRanges(target);
  const cuts = targets.slice(1).map((t) => t.start);

  const pieces: OpenRange[] = [];
  for (const shard of sorted) {
    let cur = shard;
    for (const at of cuts) {
      if (at <= cur.start || at > cur.end) continue;
      const [left, right] = ops.split(cur.index, at);
      pieces.push({ index: left, start: cur.start, end: at - 1n });
      cur = { index: right, start: at, end: cur.end };
    }
    pieces.push(cur);
  }

  const result: OpenRange[] = [];
  let p = 0;
  for (const t of targets) {
    let acc = pieces[p++]!;
    while (p < pieces.length && pieces[p]!.start <= t.end) {
      const next = pieces[p++]!;
      acc = { index: ops.merge(acc.index, next.index), start: acc.start, end: next.end };
    }
    result.push(acc);
  }
  return result;
}

import { describe, expect, it } from 'vitest';
import { evenRanges, MAX_HASH_KEY } from '../../src/core/hash-key.js';
import { uniformScaling, type OpenRange } from '../../src/streams/resharding.js';

/** Simulates a stream: shards by index, with lineage, and checks every operation's preconditions. */
function simulate(open: OpenRange[]) {
  const shards = new Map<number, { start: bigint; end: bigint; parents: number[]; open: boolean }>();
  for (const s of open) shards.set(s.index, { start: s.start, end: s.end, parents: [], open: true });
  let next = Math.max(...open.map((s) => s.index)) + 1;
  const ops = {
    split(index: number, at: bigint): [number, number] {
      const p = shards.get(index)!;
      expect(p.open).toBe(true);
      expect(at > p.start && at <= p.end).toBe(true);
      p.open = false;
      const l = next++;
      const r = next++;
      shards.set(l, { start: p.start, end: at - 1n, parents: [index], open: true });
      shards.set(r, { start: at, end: p.end, parents: [index], open: true });
      return [l, r];
    },
    merge(left: number, right: number): number {
      const a = shards.get(left)!;
      const b = shards.get(right)!;
      expect(a.open && b.open).toBe(true);
      expect(a.end + 1n).toBe(b.start);
      a.open = b.open = false;
      const c = next++;
      shards.set(c, { start: a.start, end: b.end, parents: [left, right], open: true });
      return c;
    },
  };
  return { shards, ops };
}

function expectUniform(shards: ReturnType<typeof simulate>['shards'], target: number) {
  const open = [...shards.values()].filter((s) => s.open).sort((a, b) => (a.start < b.start ? -1 : 1));
  expect(open.map((s) => [s.start, s.end])).toEqual(evenRanges(target).map((r) => [r.start, r.end]));
  for (const s of shards.values()) expect(s.parents.length).toBeLessThanOrEqual(2);
}

describe('uniformScaling', () => {
  const from = (n: number): OpenRange[] => evenRanges(n).map((r, index) => ({ index, ...r }));

  for (const [a, b] of [
    [1, 2],
    [2, 4],
    [4, 2],
    [3, 5],
    [5, 3],
    [3, 2],
    [7, 13],
    [10, 5],
    [4, 4],
  ] as const) {
    it(`reshapes ${a} even shards into ${b}`, () => {
      const { shards, ops } = simulate(from(a));
      const result = uniformScaling(from(a), b, ops);
      expect(result).toHaveLength(b);
      expectUniform(shards, b);
    });
  }

  it('leaves already-uniform shards untouched', () => {
    const { shards, ops } = simulate(from(4));
    uniformScaling(from(4), 4, ops);
    expect(shards.size).toBe(4);
  });

  it('handles uneven shards left by earlier splits', () => {
    const open: OpenRange[] = [
      { index: 1, start: 0n, end: 10n },
      { index: 2, start: 11n, end: MAX_HASH_KEY / 3n },
      { index: 3, start: MAX_HASH_KEY / 3n + 1n, end: MAX_HASH_KEY },
    ];
    const { shards, ops } = simulate(open);
    uniformScaling(open, 2, ops);
    expectUniform(shards, 2);
  });
});

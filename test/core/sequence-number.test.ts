import { describe, expect, it } from 'vitest';
import {
  SEQUENCE_NUMBER_DIGITS,
  ShardSequencer,
  compareSequenceNumbers,
  decodeSequenceNumber,
  encodeSequenceNumber,
} from '../../src/core/sequence-number.js';

describe('sequence numbers', () => {
  it('are 56-digit decimals that decode to their parts', () => {
    const s = encodeSequenceNumber({ epoch: 7, shardIndex: 3, position: 42 });
    expect(s).toMatch(/^\d{56}$/);
    expect(s.length).toBe(SEQUENCE_NUMBER_DIGITS);
    expect(decodeSequenceNumber(s)).toEqual({ epoch: 7, shardIndex: 3, position: 42 });
  });

  it('keep 56 digits at the extremes', () => {
    expect(encodeSequenceNumber({ epoch: 0, shardIndex: 0, position: 0 })).toHaveLength(56);
    expect(encodeSequenceNumber({ epoch: 2 ** 40 - 1, shardIndex: 2 ** 32 - 1, position: Number.MAX_SAFE_INTEGER })).toHaveLength(56);
  });

  it('increase strictly with the offset within a shard, and along lineage', () => {
    const seq = new ShardSequencer(1, 0);
    const child = new ShardSequencer(1, 1);
    let prev = seq.starting;
    for (const off of [0, 1, 2, 9, 10, 999_999_999_999, 1_000_000_000_000, 2 ** 52]) {
      const s = seq.forOffset(off);
      expect(compareSequenceNumbers(prev, s)).toBe(-1);
      expect(BigInt(prev) < BigInt(s)).toBe(true);
      prev = s;
    }
    expect(compareSequenceNumbers(seq.forOffset(2 ** 40), child.starting)).toBe(-1);
  });

  it('fast encoder agrees with the bigint encoder, across window carries and going back', () => {
    const seq = new ShardSequencer(123456, 77);
    for (const p of [0, 1, 5, 10 ** 9 - 1, 10 ** 9, 10 ** 11, 10 ** 12 - 1, 10 ** 12, 10 ** 13 + 17, 2 ** 53 - 1, 3, 10 ** 9 + 5]) {
      expect(seq.at(p)).toBe(encodeSequenceNumber({ epoch: 123456, shardIndex: 77, position: p }));
    }
    // Walk across the point where the low nine digits of the shard's base carry.
    const other = new ShardSequencer(9, 4);
    const carry = 10 ** 9 - Number(encodeSequenceNumber({ epoch: 9, shardIndex: 4, position: 0 }).slice(-9));
    for (let p = carry - 3; p < carry + 3; p++) expect(other.at(p)).toBe(encodeSequenceNumber({ epoch: 9, shardIndex: 4, position: p }));
  });

  it('fast encoder agrees with the bigint encoder across its thousand-position blocks, in any order', () => {
    const seq = new ShardSequencer(31, 2);
    const base = Number(encodeSequenceNumber({ epoch: 31, shardIndex: 2, position: 0 }).slice(-9));
    // Positions whose low nine digits sit at block edges (…999, …000, …001) and at the window's top.
    const edges = [998, 999, 1000, 1001, 1999, 2000, 999_999, 1_000_000, 10 ** 9 - 1].map((low) => (low - base + 10 ** 9) % 10 ** 9);
    const positions = edges.flatMap((p) => [p, p + 1, p + 2, p + 10 ** 9]);
    // Random positions, and walks that go back and forth across a block edge.
    for (let i = 0; i < 200; i++) positions.push(Math.floor(Math.random() * 2 ** 40));
    for (const p of [edges[1]!, edges[1]! + 1, edges[1]!, edges[1]! + 1, edges[1]! - 5000]) positions.push(p);
    for (const p of positions) expect(seq.at(p)).toBe(encodeSequenceNumber({ epoch: 31, shardIndex: 2, position: p }));
  });

  it('rejects numbers that are not ours', () => {
    expect(decodeSequenceNumber('49590338271490256608559692538361571095921575989136588898')).toBeUndefined();
    expect(decodeSequenceNumber('0')).toBeUndefined();
    expect(decodeSequenceNumber('abc')).toBeUndefined();
    expect(decodeSequenceNumber('1'.repeat(56))).toBeUndefined();
  });

  it('compares by length first', () => {
    expect(compareSequenceNumbers('9', '10')).toBe(-1);
    expect(compareSequenceNumbers('10', '10')).toBe(0);
    expect(compareSequenceNumbers('11', '10')).toBe(1);
  });
});

// Coordinated omission: when the server stalls, an open-loop bench must charge the stall to every
// batch that was due during it (latency from the intended send time), while a closed loop sees it
// once. The stall is real waiting inserted in front of the embedded face for 300 ms.
import { describe, expect, it } from 'vitest';
import { embeddedFace } from '../../src/bench/faces/embedded.js';
import type { BenchFace } from '../../src/bench/faces/face.js';
import { resolveBenchOptions, type BenchOptions } from '../../src/bench/options.js';
import { runWorkload } from '../../src/bench/run.js';
import { Millrace } from '../../src/millrace.js';
import { tempDir } from '../helpers/tmp.js';

/** Every put that arrives between `atMs` and `atMs + forMs` after the first put waits for the window to end. */
function stalled<B>(face: BenchFace<B>, atMs: number, forMs: number): BenchFace<B> {
  let first: number | undefined;
  return {
    ...face,
    async put(request) {
      const now = performance.now();
      first ??= now;
      const until = first + atMs + forMs;
      if (now >= first + atMs && now < until) await new Promise((r) => setTimeout(r, until - now));
      return face.put(request);
    },
  };
}

async function run(o: Partial<BenchOptions>) {
  const mr = await Millrace.open({ dataDir: tempDir(), throttling: false, log: { durability: 'never' } });
  const face = stalled(embeddedFace(mr), 200, 300);
  try {
    return await runWorkload(face, resolveBenchOptions({ face: 'embedded', recordSize: 16, batchSize: 10, shards: 1, warmupMs: 0, durationMs: 1000, ...o }));
  } finally {
    await mr.close();
  }
}

describe('open loop', () => {
  it('charges a 300 ms stall to every batch due during it', async () => {
    // 200 batches/s: about 60 fall in the stall, waiting 0–300 ms each, so the top 10% wait ≥ ~200 ms.
    const open = await run({ rate: 2000 });
    expect(open.latency.put!.count).toBeGreaterThanOrEqual(190);
    expect(open.latency.put!.p90Ms).toBeGreaterThan(120);
    expect(open.latency.put!.maxMs).toBeGreaterThanOrEqual(280);
  });

  it('while a closed loop records the same stall once', async () => {
    const closed = await run({});
    expect(closed.latency.put!.maxMs).toBeGreaterThanOrEqual(280);
    // One slow sample among hundreds or thousands: the percentiles that the open loop moved hide it.
    expect(closed.latency.put!.p90Ms).toBeLessThan(120);
  });
});

describe('open loop send times', () => {
  it('never stamps a batch later than it was handed to the face, and keeps the offered rate', async () => {
    const mr = await Millrace.open({ dataDir: tempDir(), throttling: false, log: { durability: 'never' } });
    const inner = embeddedFace(mr);
    const early: number[] = [];
    const face: BenchFace<Parameters<typeof inner.put>[0]> = {
      ...inner,
      async put(request) {
        const now = performance.timeOrigin + performance.now();
        // The stamp is the first 8 bytes of each record (payload.ts): the time latency runs from.
        const data = request.Records[0]!.Data;
        const stamp = new DataView(data.buffer, data.byteOffset, 8).getFloat64(0, true);
        early.push(stamp - now);
        return inner.put(request);
      },
    };
    try {
      // 1,000 batches/s: a slot every millisecond, the timer's own granularity.
      const out = await runWorkload(face, resolveBenchOptions({ face: 'embedded', recordSize: 16, batchSize: 10, shards: 1, warmupMs: 0, durationMs: 600, rate: 10_000 }));
      expect(early.length).toBeGreaterThan(500);
      // Stamped at or before the hand-over (microseconds of slack for the clock reads).
      expect(Math.max(...early)).toBeLessThan(0.05);
      expect(out.produced!.recordsPerSec).toBeGreaterThan(9_000);
      expect(out.latency.put!.p50Ms).toBeGreaterThan(0.001);
    } finally {
      await mr.close();
    }
  });
});

// Latency in HDR histograms, in microseconds (three significant digits, auto-resizing, so a
// minute-long stall is recorded as itself rather than clipped), reported in milliseconds.
import { build, type Histogram } from 'hdr-histogram-js';

export interface Percentiles {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  p9999Ms: number;
  maxMs: number;
  /** Percentile → latency points for percentile-curve charts (HdrHistogram's log-scale ticks). */
  curve: Array<{ percentile: number; ms: number }>;
}

const CURVE = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 100];

export class Latency {
  readonly #h: Histogram = build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

  /** Records `count` events that each took `ms` (sub-microsecond values count as 1 µs). */
  record(ms: number, count = 1): void {
    const us = Math.max(1, Math.round(ms * 1000));
    if (count === 1) this.#h.recordValue(us);
    else this.#h.recordValueWithCount(us, count);
  }

  get count(): number {
    return this.#h.totalCount;
  }

  reset(): void {
    this.#h.reset();
  }

  /** Value at percentile `p` in ms (0 when empty). */
  at(p: number): number {
    return this.#h.totalCount === 0 ? 0 : this.#h.getValueAtPercentile(p) / 1000;
  }

  percentiles(): Percentiles | null {
    const h = this.#h;
    if (h.totalCount === 0) return null;
    const ms = (us: number) => us / 1000;
    return {
      count: h.totalCount,
      minMs: ms(h.minNonZeroValue),
      meanMs: ms(h.mean),
      p50Ms: ms(h.getValueAtPercentile(50)),
      p90Ms: ms(h.getValueAtPercentile(90)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      p999Ms: ms(h.getValueAtPercentile(99.9)),
      p9999Ms: ms(h.getValueAtPercentile(99.99)),
      maxMs: ms(h.maxValue),
      curve: CURVE.map((percentile) => ({ percentile, ms: ms(percentile === 100 ? h.maxValue : h.getValueAtPercentile(percentile)) })),
    };
  }
}

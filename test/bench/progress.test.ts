// The progress line: rate, elapsed time and what is left; rewritten in place on a terminal,
// throttled to an occasional plain line elsewhere.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine, progressReporter } from '../../src/bench/progress.js';
import type { Snapshot } from '../../src/bench/run.js';

const snap = (s: Partial<Snapshot>): Snapshot => ({ phase: 'measure', elapsedMs: 2500, leftMs: 7500, leftRecords: undefined, producedPerSec: 1_234_567, consumedPerSec: 0, producedMBPerSec: 123.4, errors: 0, ...s });

function sink(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  (out as { isTTY: boolean }).isTTY = isTTY;
  return { out, text: () => text };
}

describe('progress line', () => {
  it('shows phase, elapsed, rate and what is left', () => {
    expect(progressLine(snap({}), 'millrace')).toBe('millrace measure  2.5 s  put 1.23 Mrec/s 123.4 MB/s  7.5 s left');
    expect(progressLine(snap({ phase: 'prefill', leftMs: undefined, leftRecords: 40_000, errors: 3 }), 'kinesalite')).toContain('40.0 krecords left  3 errors');
  });

  it('rewrites one line on a terminal', () => {
    const { out, text } = sink(true);
    const report = progressReporter('millrace', out);
    report(snap({}));
    report(snap({ elapsedMs: 2750 }));
    report(snap({ phase: 'done', leftMs: undefined }));
    expect(text().split('\r\x1b[2K')).toHaveLength(4);
    expect(text().endsWith('\n')).toBe(true);
  });

  it('writes a plain line at most every 5 s elsewhere, and always the last one', () => {
    const { out, text } = sink(false);
    const report = progressReporter('millrace', out);
    for (let i = 0; i < 10; i++) report(snap({ elapsedMs: i * 250 }));
    report(snap({ phase: 'done', leftMs: undefined }));
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('millrace done');
    expect(text()).not.toContain('\r');
  });
});

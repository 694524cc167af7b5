// The live progress line: rewritten in place several times a second on a terminal; on a pipe or a
// log file, one plain line every few seconds so CI logs stay readable.
import { seconds, si } from './format.js';
import type { Snapshot } from './run.js';

const NON_TTY_EVERY_MS = 5000;

export function progressLine(s: Snapshot, label: string): string {
  const parts = [`${label} ${s.phase}`, seconds(s.elapsedMs)];
  if (s.producedPerSec > 0 || s.phase === 'measure' || s.phase === 'warmup') parts.push(`put ${si(s.producedPerSec)}rec/s ${s.producedMBPerSec.toFixed(1)} MB/s`);
  if (s.consumedPerSec > 0) parts.push(`read ${si(s.consumedPerSec)}rec/s`);
  if (s.leftMs !== undefined) parts.push(`${seconds(s.leftMs)} left`);
  if (s.leftRecords !== undefined) parts.push(`${si(s.leftRecords)}records left`);
  if (s.errors > 0) parts.push(`${s.errors} errors`);
  return parts.join('  ');
}

/** A snapshot sink writing to `out` (stderr by default), or undefined when quiet. */
export function progressReporter(label: string, out: NodeJS.WriteStream = process.stderr): (s: Snapshot) => void {
  let lastPlain = 0;
  return (s) => {
    const line = progressLine(s, label);
    if (out.isTTY) {
      out.write(`\r\x1b[2K${line}${s.phase === 'done' ? '\n' : ''}`);
      return;
    }
    const now = Date.now();
    if (s.phase !== 'done' && now - lastPlain < NON_TTY_EVERY_MS) return;
    lastPlain = now;
    out.write(`${line}\n`);
  };
}

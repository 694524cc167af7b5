// CPU and memory of the server under load, read from /proc/<pid>/stat and /proc/<pid>/status.
// Reading /proc from outside works on any `millrace serve` without an admin endpoint, and keeps
// sampling even when the server's event loop is saturated (when an in-process probe would lag).
// Elsewhere than Linux there is no /proc: the sampler reports that instead of numbers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  tMs: number;
  /** CPU use since the previous sample, in percent of one core. */
  cpuPercent: number;
  rssBytes: number;
}

export interface ProcSummary {
  available: boolean;
  samples: ProcSample[];
  cpuSecondsTotal: number;
  cpuPercentMean: number;
  cpuPercentMax: number;
  rssBytesMax: number;
  /** The kernel's high-water mark of resident memory (VmHWM) at the last sample. */
  peakRssBytes: number;
}

function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

function cpuTicks(pid: number): number {
  // Field 2 (comm) may contain spaces and parentheses: split after its closing one.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(fields[11]) + Number(fields[12]);
}

function statusBytes(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

export class ProcSampler {
  readonly #pid: number;
  readonly #ticks = clockTicks();
  readonly #samples: ProcSample[] = [];
  readonly #start = Date.now();
  readonly #timer: NodeJS.Timeout | undefined;
  #available = true;
  #lastTicks = 0;
  #lastAt = 0;
  #firstTicks = 0;
  #peak = 0;

  constructor(pid: number, everyMs: number) {
    this.#pid = pid;
    try {
      this.#firstTicks = this.#lastTicks = cpuTicks(pid);
      this.#lastAt = Date.now();
      this.#timer = setInterval(() => this.#sample(), everyMs);
      this.#timer.unref();
    } catch {
      this.#available = false;
    }
  }

  #sample(): void {
    try {
      const now = Date.now();
      const ticks = cpuTicks(this.#pid);
      const cpuPercent = ((ticks - this.#lastTicks) / this.#ticks / ((now - this.#lastAt) / 1000)) * 100;
      this.#samples.push({ tMs: now - this.#start, cpuPercent, rssBytes: statusBytes(this.#pid, 'VmRSS') });
      this.#peak = statusBytes(this.#pid, 'VmHWM');
      this.#lastTicks = ticks;
      this.#lastAt = now;
    } catch {
      // The process has exited; keep what was sampled.
    }
  }

  stop(): ProcSummary {
    clearInterval(this.#timer);
    if (this.#available) this.#sample();
    const s = this.#samples;
    return {
      available: this.#available,
      samples: s,
      cpuSecondsTotal: (this.#lastTicks - this.#firstTicks) / this.#ticks,
      cpuPercentMean: s.length ? s.reduce((a, x) => a + x.cpuPercent, 0) / s.length : 0,
      // reduce, not Math.max(...): a long soak may hold more samples than a call takes arguments.
      cpuPercentMax: s.reduce((m, x) => Math.max(m, x.cpuPercent), 0),
      rssBytesMax: s.reduce((m, x) => Math.max(m, x.rssBytes), 0),
      peakRssBytes: this.#peak,
    };
  }
}

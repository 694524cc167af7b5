// Spawns test/streams/helpers/child.ts in its own node process and follows its output lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const register = fileURLToPath(new URL('./register-ts.mjs', import.meta.url));
const script = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface Child {
  proc: ChildProcess;
  lines: string[];
  /** Resolves when a line satisfying `pred` has been printed. */
  waitFor(pred: (line: string, all: string[]) => boolean, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function spawnChild(mode: string, dataDir: string): Child {
  const proc = spawn(process.execPath, ['--import', register, script, mode, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const watchers = new Set<() => void>();
  let buf = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    for (const w of watchers) w();
  });
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    lines,
    exited,
    waitFor(pred, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (lines.some((l) => pred(l, lines))) {
            watchers.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`child did not print the expected line in time; stderr:\n${stderr}`));
        }, timeoutMs);
        watchers.add(check);
        void exited.then(() => {
          if (watchers.has(check)) {
            watchers.delete(check);
            clearTimeout(timer);
            reject(new Error(`child exited early; stderr:\n${stderr}`));
          }
        });
        check();
      });
    },
  };
}

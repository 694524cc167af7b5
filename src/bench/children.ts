// Child processes of the bench and load harness: the `millrace serve` under test and kinesalite.
// Both run compiled JavaScript from dist/ (a child cannot run our TypeScript sources), so the
// tests and the CLI exercise the same built server users run. Everything binds to 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** src/bench or dist/bench: the package root is two levels up either way. */
export const PACKAGE_ROOT = join(HERE, '..', '..');

/** Absolute path of a compiled module under dist/, with a clear message when the build is missing. */
export function distEntry(relative: string): string {
  const path = join(PACKAGE_ROOT, 'dist', relative);
  if (!existsSync(path)) throw new InvalidArgumentError(`${path} is missing: build first (npx tsc -p tsconfig.build.json)`);
  return path;
}

export interface ServerChild {
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The TCP face's port, when the server has one. */
  readonly tcpPort: number | undefined;
  readonly process: ChildProcess;
  /** Everything the server wrote to stderr (for error reports). */
  stderr(): string;
  /** SIGTERM (graceful: drain, sync, close), SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface ServeChildOptions {
  dataDir: string;
  durability: string;
  throttling: boolean;
  /** Ask for the TCP face as well (port 0: any free port). */
  tcp?: boolean;
  /** Extra environment (e.g. MILLRACE_ROOT_KEY). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/** Starts `millrace serve` on free 127.0.0.1 ports and waits for its "listening" log lines. */
export function startServeChild(o: ServeChildOptions): Promise<ServerChild> {
  const args = [distEntry('cli/main.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', o.dataDir, '--durability', o.durability, '--log-level', 'info'];
  if (!o.throttling) args.push('--no-throttling');
  // Without the TCP face, --no-tcp: its default port (4568) would collide between concurrent runs.
  args.push(...(o.tcp ? ['--tcp-port', '0'] : ['--no-tcp']));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  return new Promise((resolve, reject) => {
    let tcpPort: number | undefined;
    let buf = '';
    const timer = setTimeout(() => fail(new Error(`millrace serve did not start within ${o.startTimeoutMs ?? 20_000} ms`)), o.startTimeoutMs ?? 20_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\n${err}`));
    };
    child.once('exit', (code) => fail(new Error(`millrace serve exited with code ${code} before listening`)));
    child.once('error', fail);
    let settled = false;
    const onLine = (line: string) => {
      let entry: { url?: unknown; port?: unknown; msg?: unknown };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      // The TCP face logs `{ port, msg: 'tcp: listening' }` (src/server/tcp/server.ts) before serve
      // logs 'millrace listening' with the HTTP url (src/cli/serve.ts). Only that last line means
      // startup is over and SIGTERM is handled gracefully: the HTTP server's own 'listening' comes
      // earlier, while the TCP face may still be binding.
      if (entry.msg === 'tcp: listening' && typeof entry.port === 'number') tcpPort = entry.port;
      if (entry.msg !== 'millrace listening' || typeof entry.url !== 'string') return;
      if (o.tcp && tcpPort === undefined) return fail(new Error('millrace serve started without its TCP face'));
      settled = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.removeListener('data', onData);
      child.stdout!.resume();
      resolve(serverChild(child, entry.url, tcpPort, () => err));
    };
    const onData = (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while (!settled && (nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    };
    child.stdout!.on('data', onData);
  });
}

function serverChild(child: ChildProcess, url: string, tcpPort: number | undefined, stderr: () => string): ServerChild {
  // If this process exits first (an error, process.exit on a signal), the server must not outlive it.
  const reap = () => child.kill('SIGKILL');
  process.on('exit', reap);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', reap);
      resolve(code);
    }),
  );
  return {
    pid: child.pid!,
    url,
    tcpPort,
    process: child,
    stderr,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

// A node child process for the benchmarks (`millrace serve`, a null server) that prints JSON lines
// on stdout: `ready` sees every line, and the first value it returns (the port) resolves the start.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts `node ...args`; resolves { child, port } once `ready(line)` returns a port. */
export async function startChild(args, ready) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      buf += d;
      for (const line of buf.split('\n').slice(0, -1)) {
        let value;
        try {
          value = JSON.parse(line);
        } catch {
          // Not a log line: the child's own diagnostics (NODE_ARGS=--trace-gc, say), passed on.
          process.stderr.write(`child: ${line}\n`);
          continue;
        }
        const port = ready(value);
        if (port) resolve(port);
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
  return { child, port: Number(port) };
}

/**
 * An HTTP server for the SDK benchmarks, as a child on 127.0.0.1: `kind` 'null' (bench/sdk-ceiling.mjs's
 * null server, canned replies) or 'millrace' (`millrace serve`, HTTP only, throttling off, in a
 * fresh data directory). `root` is the checkout whose files run (another built one for A/B
 * comparisons), `nodeArgs` go to node, `serveArgs` to `serve`, and `onLine` sees every JSON line
 * the child prints. Resolves { child, port, url, stop }; stop() ends it and removes its directory.
 */
export async function startHttpServer(kind, { root = fileURLToPath(new URL('..', import.meta.url)), nodeArgs = [], serveArgs = [], onLine } = {}) {
  const dataDir = kind === 'null' ? undefined : mkdtempSync(join(tmpdir(), 'millrace-bench-'));
  const args =
    kind === 'null'
      ? [join(root, 'bench/sdk-ceiling.mjs'), '--null-server']
      : [join(root, 'dist/cli/main.js'), 'serve', '--port', '0', '--no-tcp', '--no-throttling', '--data-dir', dataDir, ...serveArgs];
  const { child, port } = await startChild([...nodeArgs, ...args], (l) => {
    onLine?.(l);
    return kind === 'null' ? l.port : l.msg === 'millrace listening' ? new URL(l.url).port : undefined;
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

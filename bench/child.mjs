// A node child process for the benchmarks (`millrace serve`, a null server) that prints JSON lines
// on stdout: `ready` sees every line, and the first value it returns (the port) resolves the start.
import { spawn } from 'node:child_process';

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

// kinesalite as the named baseline of the HTTP face: started as a child (its own event loop, as
// `millrace serve` has) and driven through the same SDK face with HTTP/1.1, the only protocol it
// speaks. kinesalite is a dev dependency: without it, --compare says what to install.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { InvalidArgumentError } from '../errors.js';
import { distEntry } from './children.js';
import { sdkFace } from './faces/sdk.js';
import type { BenchFace } from './faces/face.js';

export function kinesaliteVersion(): string {
  try {
    return (createRequire(import.meta.url)('kinesalite/package.json') as { version: string }).version;
  } catch (cause) {
    throw new InvalidArgumentError('--compare kinesalite needs the kinesalite package: npm install --save-dev kinesalite', { cause });
  }
}

export async function kinesaliteFace(): Promise<BenchFace> {
  kinesaliteVersion();
  const child = fork(distEntry('bench/kinesalite-host.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-10_000)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kinesalite did not start within 20 s\n${stderr}`)), 20_000);
    child.once('message', (m: { port: number }) => {
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kinesalite exited with code ${code}\n${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return sdkFace({
    endpoint: `http://127.0.0.1:${port}`,
    http: '1.1',
    name: 'kinesalite',
    async onClose() {
      child.kill('SIGTERM');
      await exited;
    },
  });
}

#!/usr/bin/env node
// Does a durable write cost more in never-written blocks than in blocks already written with
// zeros? The premise of zero-filling ahead of durable tails (native/zero_fill.h). Writes 64 MiB
// (4 MiB for 4 KiB writes) in place with one fdatasync per write, into a fresh file ("new") and
// into a file zero-filled and synced first ("zeroed"), alternating, several rounds; prints the
// median latency per write + fdatasync. The data directory is the OS temp dir unless given.
//   node bench/storage-prealloc.mjs [dir] [rounds]
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const root = mkdtempSync(join(process.argv[2] ?? os.tmpdir(), 'mr-prealloc-'));
const rounds = Number(process.argv[3] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run(chunk, total, zeroed) {
  const path = join(root, 'f');
  rmSync(path, { force: true });
  const fd = openSync(path, 'w+');
  if (zeroed) {
    const zeros = Buffer.alloc(1 << 20);
    for (let p = 0; p < total; p += zeros.length) writeSync(fd, zeros, 0, zeros.length, p);
    fdatasyncSync(fd);
  }
  const buf = Buffer.alloc(chunk, 'x');
  const t0 = process.hrtime.bigint();
  for (let p = 0; p < total; p += chunk) {
    writeSync(fd, buf, 0, chunk, p);
    fdatasyncSync(fd);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / (total / chunk);
  closeSync(fd);
  return ms;
}

try {
  console.log(`${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, ${rounds} rounds, median ms per write + fdatasync`);
  for (const chunk of [4096, 128 * 1024, 2 * 1024 * 1024]) {
    const total = chunk === 4096 ? 4 << 20 : 64 << 20;
    const fresh = [];
    const zeroed = [];
    for (let r = 0; r < rounds; r++) {
      fresh.push(run(chunk, total, false));
      zeroed.push(run(chunk, total, true));
    }
    const f = median(fresh);
    const z = median(zeroed);
    console.log(`${String(chunk / 1024).padStart(5)} KiB writes: new blocks ${f.toFixed(2)} ms, zeroed blocks ${z.toFixed(2)} ms, ratio ${(f / z).toFixed(2)}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

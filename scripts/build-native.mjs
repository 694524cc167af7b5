#!/usr/bin/env node
// Builds the C++ addon with node-gyp against the running Node's own headers.
// We pass --nodedir explicitly so the build never downloads headers and never
// depends on the user's npm configuration.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function fail(message) {
  console.error(`\nmillrace: cannot build the native addon.\n${message}\n`);
  process.exit(1);
}

const candidates = [
  process.env.MILLRACE_NODEDIR,
  resolve(dirname(process.execPath), '..'),
  '/usr',
].filter(Boolean);
const nodedir = candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
if (!nodedir) {
  fail(
    `Node's C headers were not found (looked for include/node/node_api.h under: ${candidates.join(', ')}).\n` +
      'Install them (Debian/Ubuntu: `apt-get install libnode-dev` or use an official Node.js build, which ships them),\n' +
      'or point MILLRACE_NODEDIR at the directory that contains include/node.',
  );
}

for (const tool of ['make', 'g++', 'python3']) {
  const probe = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  if (probe.error) {
    fail(`\`${tool}\` is missing. Install a C++ toolchain (Debian/Ubuntu: \`apt-get install build-essential python3\`).`);
  }
}

let nodeGyp;
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  fail('The node-gyp package is missing: run `npm ci` first.');
}

const debug = process.argv.includes('--debug');
const args = [nodeGyp, 'rebuild', `--nodedir=${nodedir}`, `--jobs=${process.env.JOBS ?? 'max'}`];
if (debug) args.push('--debug');
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) fail('node-gyp failed; the compiler output is above.');

#!/usr/bin/env node
// Test setup for test/server/http/aws-cli.test.ts: makes sure an `aws` command can run, installing
// Debian's `awscli` package when it is absent and this machine can (Linux, apt-get, root). It never
// fails the run: where nothing can be installed it says why, and that test skips with its own
// message. MILLRACE_NO_AWSCLI_INSTALL=1 skips the install (the test then runs only if `aws` exists).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Bounded, so an unreachable mirror costs the test run two minutes at most, not a hang.
const INSTALL_TIMEOUT_MS = 60_000;
const APT_NETWORK = ['-o', 'Acquire::Retries=0', '-o', 'Acquire::http::Timeout=20', '-o', 'Acquire::https::Timeout=20'];

function runs(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function say(message) {
  process.stderr.write(`ensure-awscli: ${message}\n`);
}

function ensureAwsCli() {
  if (runs('aws', ['--version'])) return true;
  if (process.env.MILLRACE_NO_AWSCLI_INSTALL === '1') return false;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    say('no `aws` command and no apt-get here: the AWS CLI test will skip');
    return false;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    say('no `aws` command and not root, so Debian\'s awscli cannot be installed: the AWS CLI test will skip');
    return false;
  }
  say('installing Debian\'s awscli package (apt-get) for the AWS CLI test…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', [...APT_NETWORK, 'update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: INSTALL_TIMEOUT_MS });
    execFileSync('apt-get', [...APT_NETWORK, 'install', '-y', '-qq', '--no-install-recommends', 'awscli'], { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: INSTALL_TIMEOUT_MS });
  } catch (err) {
    say(`apt-get could not install awscli (${err.message.split('\n')[0]}): the AWS CLI test will skip`);
    return false;
  }
  const ok = runs('aws', ['--version']);
  say(ok ? 'awscli installed' : 'awscli installed but `aws --version` does not run: the AWS CLI test will skip');
  return ok;
}

ensureAwsCli();

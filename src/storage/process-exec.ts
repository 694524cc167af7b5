// Replacing this process with another program (execv), which Node 20 cannot do itself
// (process.execve came with Node 22.15 and 23.11). The CLI uses it to run again under other V8
// flags without a second process (src/cli/gc-mode.ts). Lives beside native.ts because the call
// is the addon's.
import { native } from './native.js';

/**
 * Runs `path` with `args` in place of this process: same pid, stdio and environment, nothing of
 * this process's JavaScript state. Never returns; throws MR_IO (errno in the message) when the
 * program cannot be run, and this process then goes on.
 */
export function execFile(path: string, args: readonly string[]): never {
  return native.execFile(path, [...args]);
}

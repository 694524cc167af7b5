#!/usr/bin/env node
// The `millrace` command. First the V8 GC mode (gc-mode.ts): on two cores or fewer this process
// becomes a run of itself under --single-threaded-gc before it loads anything else, so the
// command's modules are imported (below) only once, in the process that will run it.
import { currentGcReexecArgs } from './gc-mode.js';

let again: string[] | undefined;
try {
  again = currentGcReexecArgs();
} catch (err) {
  console.error(`millrace: ${(err as Error).message}`);
  process.exit(2);
}
if (again !== undefined) {
  const { execFile } = await import('../storage/process-exec.js');
  try {
    execFile(process.execPath, again);
  } catch (err) {
    // Still this process, with V8's default GC: worth a line, not worth failing the command.
    console.error(`millrace: could not restart under --single-threaded-gc (${(err as Error).message}); going on without it`);
  }
}
await import('./commands.js');

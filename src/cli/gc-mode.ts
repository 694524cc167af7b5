// Which V8 garbage collector the `millrace` command runs under. On a machine with two cores or
// fewer it runs again (same pid, through execv) under --single-threaded-gc: V8's background GC
// tasks (concurrent marking and sweeping, array buffer sweeping, the parallel scavenge's helpers)
// otherwise run on the same two cores as the JS thread, the storage engine's I/O thread and the
// clients, and the threads they push off the CPU wait there for milliseconds. Measured on a
// 2-vCPU host: p99 put → SubscribeToShard at 100 k records/s 1.34 → 0.86 ms (median of 15
// runs each); put → consume over TCP at 1 M records/s 6.6 → 5.3 ms; throughput unchanged
// (bench/RESULTS.md). V8's flags cannot be changed once it runs (setting these at run time
// aborts the process), hence the re-exec. MILLRACE_V8_GC=default keeps V8's own choice,
// MILLRACE_V8_GC=single-threaded asks for it on any machine; a GC flag given to node wins.
import { availableParallelism } from 'node:os';

export const GC_ENV = 'MILLRACE_V8_GC';
export const SINGLE_THREADED_GC = '--single-threaded-gc';

export interface GcModeInput {
  execArgv: readonly string[];
  /** process.argv: node, the script, then the command's arguments. */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cores: number;
}

/** The arguments to run node with again (after the node binary), or undefined to stay as is. */
export function gcReexecArgs(input: GcModeInput): string[] | undefined {
  const { execArgv, argv, env, cores } = input;
  const mode = env[GC_ENV];
  if (mode !== undefined && mode !== 'default' && mode !== 'single-threaded' && mode !== 'auto') {
    throw new Error(`${GC_ENV} must be default, single-threaded or auto, got ${JSON.stringify(mode)}`);
  }
  if (mode === 'default') return undefined;
  if (execArgv.some((a) => a === SINGLE_THREADED_GC || a === '--no-single-threaded-gc')) return undefined;
  if (mode !== 'single-threaded' && cores > 2) return undefined;
  const script = argv[1];
  if (script === undefined) return undefined;
  return [...execArgv, SINGLE_THREADED_GC, script, ...argv.slice(2)];
}

/** gcReexecArgs for this process. */
export function currentGcReexecArgs(): string[] | undefined {
  return gcReexecArgs({ execArgv: process.execArgv, argv: process.argv, env: process.env, cores: availableParallelism() });
}

/** The GC mode this process runs under, for logs. */
export function gcMode(): 'single-threaded' | 'default' {
  return process.execArgv.includes(SINGLE_THREADED_GC) ? 'single-threaded' : 'default';
}

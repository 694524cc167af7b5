// `millrace load`: option parsing and wiring to src/load. Exits 1 when any acknowledged record is
// missing, duplicated or out of order, or when the server or a client failed.
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { MillraceError } from '../errors.js';
import { DURABILITIES } from '../bench/options.js';
import { LOAD_PROTOCOLS, resolveLoadOptions, type LoadOptions } from '../load/options.js';
import { runLoad } from '../load/run.js';
import { loadSummary } from '../load/summary.js';
import { bytes, choice, integer, secondsToMs } from './bench-args.js';

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('load-test millrace serve from many client processes on 127.0.0.1, then verify no acknowledged record was lost')
    .option('--clients <n>', 'client processes (default 4)', integer('--clients', 1, 64))
    .option('--lanes <n>', 'concurrent operations per client (default 4)', integer('--lanes', 1, 64))
    .option('--keys-per-lane <n>', 'partition keys per lane (default 8)', integer('--keys-per-lane', 1, 10_000))
    .option('--shards <n>', 'shards of the stream (default 4)', integer('--shards', 1, 1000))
    .option('--duration <s>', 'traffic time bound (default 10)', secondsToMs('--duration'))
    .option('--records <n>', 'acknowledged-record bound across clients (default 500000)', integer('--records', 1, 100_000_000))
    .option('--batch-max <n>', 'largest PutRecords batch (default 100)', integer('--batch-max', 1, 500))
    .option('--record-size <bytes>', 'largest record (default 200)', bytes('--record-size', 32, 1024 * 1024))
    .option('--protocol <p>', `${LOAD_PROTOCOLS.join(' | ')} (default mix: clients alternate HTTP/2, TCP, HTTP/1.1, TCP)`, choice('--protocol', LOAD_PROTOCOLS))
    .option('--durability <policy>', `${DURABILITIES.join(' | ')} (default interval)`, choice('--durability', DURABILITIES))
    .option('--throttling', 'enforce provisioned per-shard limits on the server (throttled puts count as errors)')
    .option('--data-dir <dir>', 'server data directory (default: a fresh temporary one)')
    .option('--json <file>', 'write the report as JSON')
    .action(async (flags: Partial<LoadOptions> & { duration?: number; json?: string }, cmd: Command) => {
      const { duration, json, ...rest } = flags;
      let options: LoadOptions;
      try {
        options = resolveLoadOptions({ ...rest, durationMs: duration });
      } catch (err) {
        if (err instanceof MillraceError) cmd.error(`error: ${err.message}`, { exitCode: 2, code: 'millrace.invalidOption' });
        throw err;
      }
      // A signal ends the run at once; exiting runs the hooks that kill the server and the clients.
      const onSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(`\nmillrace load: ${signal}, stopping the server and the clients; nothing was verified\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const report = await runLoad(options, (line) => process.stderr.write(`${line}\n`));
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
      console.log(loadSummary(report));
      if (!report.ok) process.exitCode = 1;
    });
}

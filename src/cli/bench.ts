// `millrace bench` and `millrace bench report`: option parsing and wiring to src/bench.
import { Command } from 'commander';
import { MillraceError } from '../errors.js';
import { runBench, writeReport } from '../bench/bench.js';
import { runTrials } from '../bench/trials.js';
import { COMPARE_TARGETS, COMPRESSIONS, DURABILITIES, ENCRYPTIONS, FACES, HTTP_VERSIONS, MAX_FAST_BATCH, MAX_RECORD_SIZE, resolveBenchOptions, WORKLOADS, type BenchOptions } from '../bench/options.js';
import { renderReports } from '../bench/render/render.js';
import { summary } from '../bench/summary.js';
import { bytes, choice, integer, positive, secondsToMs } from './bench-args.js';

type BenchFlags = Partial<BenchOptions> & { json?: string; quiet?: boolean };

/**
 * First Ctrl-C ends the run early but still closes the server children, removes temporary data and
 * prints what was measured; a second one exits at once.
 */
async function runInterruptible<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: finishing up (Ctrl-C again to quit at once)\n');
    stop.abort();
  };
  // SIGTERM means stop now: exiting runs the exit hooks that kill server children.
  const onTerm = () => process.exit(143);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onTerm);
  try {
    return await run(stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onTerm);
  }
}

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('measure throughput and latency of a face (embedded, fast, http, tcp) on this machine')
    .option('--face <face>', `${FACES.join(' | ')} (default embedded)`, choice('--face', FACES))
    .option('--workload <w>', 'produce | consume (read a prefilled stream) | e2e (produce and consume together) (default produce)', choice('--workload', WORKLOADS))
    .option('--record-size <bytes>', 'record data size, e.g. 100 or 1KiB (default 100)', bytes('--record-size', 1, MAX_RECORD_SIZE))
    .option('--batch-size <n>', 'records per put (default 500 on embedded/http, their maximum; 1000 on fast/tcp)', integer('--batch-size', 1, MAX_FAST_BATCH))
    .option('--shards <n>', 'shards of the stream (default 4)', integer('--shards', 1, 10_000))
    .option('--producers <n>', 'producer loops; closed loop: requests in flight (default 1)', integer('--producers', 0, 10_000))
    .option('--consumers <n>', 'consumers, shards dealt out among them (default 1 for consume/e2e)', integer('--consumers', 0, 10_000))
    .option('--partition-keys <n>', 'distinct partition keys (default 1000)', integer('--partition-keys', 1, 10_000_000))
    .option('--compression <c>', `${COMPRESSIONS.join(' | ')} at rest, via the millrace:compression tag (default none)`, choice('--compression', COMPRESSIONS))
    .option('--encryption <e>', `${ENCRYPTIONS.join(' | ')}; kms: StartStreamEncryption with alias/aws/kinesis (default none)`, choice('--encryption', ENCRYPTIONS))
    .option('--durability <policy>', `${DURABILITIES.join(' | ')} (default never)`, choice('--durability', DURABILITIES))
    .option('--duration <s>', 'measured seconds (default 10; not with --records)', secondsToMs('--duration'))
    .option('--records <n>', 'records to measure (consume: to prefill and read back)', integer('--records', 1))
    .option('--warmup <s>', 'seconds of unmeasured load first (default 1; 0 for consume)', secondsToMs('--warmup', true))
    .option('--rate <records/s>', 'open loop: offer this many records/s on a fixed schedule (default: closed loop)', positive('--rate'))
    .option('--sample <s>', 'time-series sampling period (default 1)', secondsToMs('--sample'))
    .option('--http <version>', 'HTTP face: 2 (the SDK default handler) or 1.1 (default 2)', choice('--http', HTTP_VERSIONS))
    .option('--compare <target>', 'also run the HTTP workload against kinesalite and print the ratio', choice('--compare', COMPARE_TARGETS))
    .option('--data-dir <dir>', 'data directory (default: a fresh temporary one, removed after)')
    .option('--drain <s>', 'how long consumers may catch up after producers stop (default 5)', secondsToMs('--drain', true))
    .option('--trials <n>', 'run N times, each in a fresh process, and report the median (default 1)', integer('--trials', 1, 100))
    .option('--json <file>', 'write the report as JSON')
    .option('--quiet', 'no progress line')
    .action(async (flags: BenchFlags, cmd: Command) => {
      const { json, quiet, trials, duration, warmup, sample, drain, ...rest } = flags as BenchFlags & Record<'duration' | 'warmup' | 'sample' | 'drain' | 'trials', number | undefined>;
      let options: BenchOptions;
      try {
        options = resolveBenchOptions({ ...rest, durationMs: duration, warmupMs: warmup, sampleMs: sample, drainMs: drain });
      } catch (err) {
        if (err instanceof MillraceError) cmd.error(`error: ${err.message}`, { exitCode: 2, code: 'millrace.invalidOption' });
        throw err;
      }
      const command = ['millrace', ...process.argv.slice(2)].join(' ');
      const report =
        trials !== undefined && trials > 1
          ? await runTrials(process.argv.slice(3), trials, command, (line) => quiet || process.stderr.write(`${line}\n`))
          : await runInterruptible((signal) => runBench(options, { command, json, progress: quiet ? false : undefined, signal }));
      if (json && report.trials) writeReport(json, report);
      console.log(summary(report));
      if (json) console.log(`report written to ${json}`);
    });

  bench
    .command('report')
    .description('render JSON reports as an HTML page with charts and an SVG image')
    .argument('<files...>', 'reports written by millrace bench --json')
    .requiredOption('--out <dir>', 'directory for index.html and the image')
    .action((files: string[], flags: { out: string }) => {
      const written = renderReports(files, flags.out);
      for (const f of written) console.log(`wrote ${f}`);
    });
}

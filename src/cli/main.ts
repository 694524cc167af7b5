#!/usr/bin/env node
// The `millrace` command: thin wiring of subcommands to the library.
import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './demo.js';

function int(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

const program = new Command('millrace').description('Self-hosted Amazon Kinesis on a native storage engine');

program
  .command('demo')
  .description('append records to an embedded shard log and read them back')
  .option('--data-dir <dir>', 'data directory', './millrace-data')
  .option('--records <n>', 'records to append', int('--records', 1), 100_000)
  .option('--batch <n>', 'records per append', int('--batch', 1), 1000)
  .option('--durability <policy>', 'always | interval | never', 'always')
  .action(async (o: { dataDir: string; records: number; batch: number; durability: string }) => {
    if (!['always', 'interval', 'never'].includes(o.durability)) throw new InvalidArgumentError('--durability must be always, interval or never');
    await runDemo({ dataDir: o.dataDir, records: o.records, batch: o.batch, durability: o.durability as 'always' }, (l) => console.log(l));
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`millrace: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

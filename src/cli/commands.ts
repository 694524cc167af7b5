// The `millrace` command's subcommands, wired to the library (main.ts loads this after choosing
// the process's V8 GC mode).
import { Command, InvalidArgumentError } from 'commander';
import { MillraceError } from '../errors.js';
import { runDemo } from './demo.js';
import { registerBench } from './bench.js';
import { registerLoad } from './load.js';
import { runServe } from './serve.js';
import type { Durability } from '../storage/types.js';

function int(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}`);
    return value as T;
  };
}

function credential(value: string, previous: Array<{ accessKeyId: string; secretAccessKey: string }> = []) {
  const at = value.indexOf(':');
  if (at < 1 || at === value.length - 1) throw new InvalidArgumentError('--credentials takes ACCESS_KEY_ID:SECRET_ACCESS_KEY');
  return [...previous, { accessKeyId: value.slice(0, at), secretAccessKey: value.slice(at + 1) }];
}

const DURABILITIES = ['always', 'interval', 'never'] as const satisfies readonly Durability[];

const program = new Command('millrace').description('Self-hosted Amazon Kinesis on a native storage engine');

program
  .command('demo')
  .description('append records to an embedded shard log and read them back')
  .option('--data-dir <dir>', 'data directory', './millrace-data')
  .option('--records <n>', 'records to append', int('--records', 1), 100_000)
  .option('--batch <n>', 'records per append', int('--batch', 1), 1000)
  .option('--durability <policy>', 'always | interval | never', oneOf('--durability', DURABILITIES), 'always')
  .action(async (o: { dataDir: string; records: number; batch: number; durability: Durability }) => {
    await runDemo(o, (l) => console.log(l));
  });

program
  .command('serve')
  .description('serve Kinesis over HTTP (the AWS SDKs and CLI) from a data directory')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <n>', 'HTTP port (0 picks a free one)', int('--port', 0), 4567)
  .option('--data-dir <dir>', 'data directory', './millrace-data')
  .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN)')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .option('--credentials <id:secret>', 'verify SigV4 signatures against this access key (repeatable; default: accept any signature)', credential, [])
  .option('--region <region>', 'region in ARNs and signatures', 'us-east-1')
  .option('--account-id <id>', 'account id in ARNs', '000000000000')
  .option('--create-delay-ms <ms>', 'CREATING -> ACTIVE delay of streams and consumers', int('--create-delay-ms', 0), 0)
  .option('--delete-delay-ms <ms>', 'DELETING -> gone delay', int('--delete-delay-ms', 0), 0)
  .option('--update-delay-ms <ms>', 'UPDATING -> ACTIVE delay of reshards and encryption changes', int('--update-delay-ms', 0), 0)
  .option('--shard-limit <n>', 'open shards allowed across all streams', int('--shard-limit', 1), 500)
  .option('--no-throttling', 'do not enforce provisioned per-shard limits')
  .option('--durability <policy>', 'always | interval | never', oneOf('--durability', DURABILITIES), 'interval')
  .option('--log-level <level>', 'pino log level', oneOf('--log-level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const), 'info')
  .option('--tcp-port <n>', 'TCP binary protocol port (0 picks a free one)', int('--tcp-port', 0), 4568)
  .option('--no-tcp', 'serve HTTP only, without the TCP binary protocol')
  .action(runServe);

registerBench(program);
registerLoad(program);

program.parseAsync().catch((err: unknown) => {
  const code = err instanceof MillraceError ? ` [${err.code}]` : '';
  console.error(`millrace:${code} ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});

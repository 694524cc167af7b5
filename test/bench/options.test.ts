// Option checks of `millrace bench`: values parsed by the CLI and combinations checked by
// resolveBenchOptions, each rejected with a message naming the option.
import { describe, expect, it } from 'vitest';
import { resolveBenchOptions } from '../../src/bench/options.js';
import { registerBench } from '../../src/cli/bench.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { cliError } from './cli-error.js';

describe('millrace bench options', () => {
  it.each([
    [['--face', 'smoke-signals'], '--face must be one of embedded, fast, http, tcp, got "smoke-signals"'],
    [['--record-size', '0'], '--record-size must be a size in bytes in [1, 1048576]'],
    [['--record-size', '2MiB'], '--record-size must be a size in bytes'],
    [['--batch-size', '-3'], '--batch-size must be an integer in [1, 10000], got "-3"'],
    [['--shards', '1.5'], '--shards must be an integer'],
    [['--duration', 'ten'], '--duration must be a positive number of seconds, got "ten"'],
    [['--duration', '0'], '--duration must be a positive number of seconds'],
    [['--rate', '-1'], '--rate must be a positive number'],
    [['--durability', 'sometimes'], '--durability must be one of always, interval, never'],
    [['--compare', 'kafka'], '--compare must be one of kinesalite'],
    [['--records', '10', '--duration', '1'], 'give --duration or --records, not both'],
    [['--batch-size', '501'], '--batch-size must be at most 500 on the embedded face'],
    [['--face', 'embedded', '--compare', 'kinesalite'], '--compare kinesalite runs the HTTP workload against kinesalite: use it with --face http'],
    [['--workload', 'consume', '--duration', '2'], 'the consume workload reads back a prefilled stream: give --records'],
    [['--workload', 'e2e', '--record-size', '4'], '--record-size must be >= 8'],
    [['--workload', 'e2e', '--shards', '2', '--consumers', '3'], '--consumers (3) must be at most --shards (2)'],
    [['--workload', 'produce', '--consumers', '1'], 'the produce workload has no consumers'],
    [['--compression', 'zstd'], '--compression must be one of none, lz4, got "zstd"'],
    [['--face', 'tcp', '--compression', 'lz4'], 'the TCP protocol does not carry: use --compression none on the tcp face'],
  ])('rejects %j', async (args, message) => {
    expect(await cliError(registerBench, ['bench', ...args])).toContain(message);
  });

  it('fills defaults that depend on the workload and face', () => {
    expect(resolveBenchOptions({})).toMatchObject({ face: 'embedded', workload: 'produce', recordSize: 100, batchSize: 500, producers: 1, consumers: 0, durationMs: 10_000, records: undefined, warmupMs: 1000 });
    expect(resolveBenchOptions({ face: 'fast' }).batchSize).toBe(1000);
    expect(resolveBenchOptions({ workload: 'consume' })).toMatchObject({ producers: 0, consumers: 1, records: 200_000, durationMs: undefined, warmupMs: 0 });
    expect(resolveBenchOptions({ workload: 'e2e', rate: 5000 })).toMatchObject({ producers: 1, consumers: 1, rate: 5000 });
  });

  it('throws the library InvalidArgumentError for callers outside the CLI', () => {
    expect(() => resolveBenchOptions({ shards: 0 })).toThrow(InvalidArgumentError);
    expect(() => resolveBenchOptions({ recordSize: Number.NaN })).toThrow(/--record-size must be an integer >= 1, got NaN/);
  });
});

// Parameters of `millrace load`, with their defaults and how they combine. Values are range-checked
// by the CLI parsers; this checks the rest and throws InvalidArgumentError naming the option.
import { InvalidArgumentError } from '../errors.js';
import type { Durability } from '../storage/types.js';

export const LOAD_PROTOCOLS = ['http', 'tcp', 'mix'] as const;
export type LoadProtocol = (typeof LOAD_PROTOCOLS)[number];

export interface LoadOptions {
  /** Client processes; with `mix`, they alternate HTTP/2, TCP, HTTP/1.1, TCP... */
  clients: number;
  /** Concurrent operation lanes per client; each lane owns its partition keys, so per-key order is defined. */
  lanes: number;
  /** Partition keys per lane. */
  keysPerLane: number;
  shards: number;
  /** Wall-clock bound of the traffic phase. */
  durationMs: number;
  /** Bound on acknowledged records across all clients (each client gets its share). */
  records: number;
  /** Largest PutRecords batch (sizes vary from 1 up to this). */
  batchMax: number;
  /** Largest record (sizes vary; each record carries its payload id). */
  recordSize: number;
  protocol: LoadProtocol;
  durability: Durability;
  /** Provisioned per-shard limits on the server (throttled puts are errors, retried, never acknowledged). */
  throttling: boolean;
  /** Data directory of the server (default: a fresh temporary one, removed after). */
  dataDir: string | undefined;
  /** Server CPU/memory sampling period. */
  sampleMs: number;
}

export function resolveLoadOptions(input: Partial<LoadOptions>): LoadOptions {
  const o: LoadOptions = {
    clients: input.clients ?? 4,
    lanes: input.lanes ?? 4,
    keysPerLane: input.keysPerLane ?? 8,
    shards: input.shards ?? 4,
    durationMs: input.durationMs ?? 10_000,
    records: input.records ?? 500_000,
    batchMax: input.batchMax ?? 100,
    recordSize: input.recordSize ?? 200,
    protocol: input.protocol ?? 'mix',
    durability: input.durability ?? 'interval',
    throttling: input.throttling ?? false,
    dataDir: input.dataDir,
    sampleMs: input.sampleMs ?? 250,
  };
  for (const [name, value, min, max] of [
    ['--clients', o.clients, 1, 64],
    ['--lanes', o.lanes, 1, 64],
    ['--keys-per-lane', o.keysPerLane, 1, 10_000],
    ['--shards', o.shards, 1, 1000],
    ['--records', o.records, 1, 100_000_000],
    ['--batch-max', o.batchMax, 1, 500],
    ['--record-size', o.recordSize, 32, 1024 * 1024],
    ['--sample', o.sampleMs, 10, 60_000],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  if (!Number.isFinite(o.durationMs) || o.durationMs <= 0 || o.durationMs > 3_600_000) throw new InvalidArgumentError('--duration must be a positive number of seconds, at most 3600');
  return o;
}

// `millrace demo`: appends records to an embedded shard log and reads them back, so a fresh
// clone can see the storage engine work end to end.
import { join } from 'node:path';
import { ShardLog } from '../storage/shard-log.js';
import type { Durability } from '../storage/types.js';

export interface DemoOptions {
  dataDir: string;
  records: number;
  batch: number;
  durability: Durability;
}

export async function runDemo(opts: DemoOptions, out: (line: string) => void): Promise<void> {
  const log = await ShardLog.open(join(opts.dataDir, 'demo-shard'), { durability: opts.durability });
  out(`opened ${log.dir} (write path: ${log.io}, durability: ${log.durability}, ${log.endOffset} records already stored)`);
  const startOffset = log.endOffset;
  const started = process.hrtime.bigint();
  const pending: Promise<unknown>[] = [];
  for (let sent = 0; sent < opts.records; sent += opts.batch) {
    const n = Math.min(opts.batch, opts.records - sent);
    const records = Array.from({ length: n }, (_, i) => ({
      partitionKey: `user-${(sent + i) % 97}`,
      data: Buffer.from(JSON.stringify({ seq: sent + i, event: 'click', at: Date.now() })),
    }));
    pending.push(log.append(records));
  }
  await Promise.all(pending);
  const appendMs = Number(process.hrtime.bigint() - started) / 1e6;
  let read = 0;
  let offset = startOffset;
  let last = '';
  while (offset < log.endOffset) {
    const { records, nextOffset } = log.read({ offset }, { maxRecords: 10_000 });
    read += records.length;
    if (records.length) last = `#${records[records.length - 1].offset} ${records[records.length - 1].partitionKey} ${records[records.length - 1].data.toString()}`;
    offset = nextOffset;
  }
  out(`appended ${opts.records} records in ${appendMs.toFixed(1)} ms; read back ${read}; last: ${last}`);
  out(JSON.stringify(log.stats()));
  await log.close();
  if (read !== opts.records) throw new Error(`read back ${read} records, expected ${opts.records}`);
}

// `millrace serve` as users run it: the built CLI in its own process, the real AWS SDK over
// 127.0.0.1, SIGTERM for a graceful stop, and a restart on the same data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, recordsOf } from '../../src/client/index.js';
import { tempDir } from '../helpers/tmp.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Served {
  child: ChildProcess;
  url: string;
  /** The TCP binary protocol's port (from the "millrace listening" line). */
  tcpPort: number;
  lines: Array<Record<string, unknown>>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the CLI and resolves once it logs that it is listening (pino JSON lines on stdout). */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Served & { ready: Record<string, unknown> }> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--tcp-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.msg === 'millrace listening') resolve(entry);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${stderr}`)));
  });
  return { child, url: ready.url as string, tcpPort: Number(String(ready.tcp).split(':').pop()), lines, ready };
}

function sdk(url: string): KinesisClient {
  return new KinesisClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

async function stop(s: Served, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  s.child.kill(signal);
  const [code] = (await once(s.child, 'exit')) as [number | null];
  return code;
}

describe('millrace serve', () => {
  it('runs itself again under V8\'s single-threaded GC, in the same process, unless told not to', async () => {
    const single = await serve(['--data-dir', tempDir()], { MILLRACE_V8_GC: 'single-threaded' });
    expect(single.ready.v8Gc).toBe('single-threaded');
    // execv: the process that logs is the one that was started, with its stdio.
    expect(single.ready.pid).toBe(single.child.pid);
    const client = sdk(single.url);
    await client.send(new CreateStreamCommand({ StreamName: 'gc', ShardCount: 1 }));
    client.destroy();
    expect(await stop(single)).toBe(0);

    const plain = await serve(['--data-dir', tempDir()], { MILLRACE_V8_GC: 'default' });
    expect(plain.ready.v8Gc).toBe('default');
    expect(await stop(plain)).toBe(0);
  });

  it('serves the SDK and the TCP client, stops gracefully on SIGTERM and keeps acknowledged records across a restart', async () => {
    const dataDir = tempDir();
    const first = await serve(['--data-dir', dataDir, '--durability', 'always', '--log-level', 'info']);
    let client = sdk(first.url);
    await client.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }));
    const put = await client.send(new PutRecordCommand({ StreamName: 'orders', PartitionKey: 'k', Data: Buffer.from('first order') }));
    client.destroy();
    expect(await stop(first)).toBe(0);
    expect(first.lines.map((l) => l.msg)).toContain('millrace stopped');

    const second = await serve(['--data-dir', dataDir]);
    client = sdk(second.url);
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: 'orders', ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const got = await client.send(new GetRecordsCommand({ ShardIterator }));
    client.destroy();
    expect(got.Records?.map((r) => Buffer.from(r.Data!).toString())).toEqual(['first order']);
    expect(got.Records?.[0]?.SequenceNumber).toBe(put.SequenceNumber);

    // The TCP face serves the same engine: what the SDK wrote, the binary client reads.
    const tcp = await connect({ port: second.tcpPort });
    const batch = await tcp.getBatch('orders', put.ShardId!);
    expect([...recordsOf(batch.batches)].map((r) => r.data.toString())).toEqual(['first order']);
    await tcp.close();
    expect(await stop(second, 'SIGINT')).toBe(0);
  });

  it('verifies signatures when credentials are given', async () => {
    const s = await serve(['--data-dir', tempDir(), '--credentials', 'AKID:secret']);
    const good = sdk(s.url);
    await expect(good.send(new CreateStreamCommand({ StreamName: 'a', ShardCount: 1 }))).resolves.toBeDefined();
    const bad = new KinesisClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'wrong' }, maxAttempts: 1 });
    await expect(bad.send(new CreateStreamCommand({ StreamName: 'b', ShardCount: 1 }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    good.destroy();
    bad.destroy();
    expect(await stop(s)).toBe(0);
  });

  it('refuses a data directory another server holds, with a clear message', async () => {
    const dataDir = tempDir();
    const s = await serve(['--data-dir', dataDir]);
    await expect(serve(['--data-dir', dataDir])).rejects.toThrow(/\[MR_LOCKED\] data directory .* is in use by process/);
    expect(await stop(s)).toBe(0);
  });

  it('rejects bad options before opening anything', async () => {
    for (const [args, message] of [
      [['--port', 'x'], /--port must be an integer/],
      [['--durability', 'sometimes'], /--durability must be one of always, interval, never/],
      [['--credentials', 'nocolon'], /--credentials takes ACCESS_KEY_ID:SECRET_ACCESS_KEY/],
      [['--tls-cert', '/nonexistent.pem'], /--tls-cert and --tls-key go together/],
    ] as const) {
      const child = spawn(process.execPath, [MAIN, 'serve', '--data-dir', tempDir(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).not.toBe(0);
      expect(stderr).toMatch(message);
    }
  });
});

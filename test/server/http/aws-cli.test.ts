// The AWS CLI (botocore: its own JSON 1.1 serializer and SigV4 signer, HTTP/1.1) against a real
// Millrace behind the HTTP face, with credentials configured so every signature is verified.
// Skipped, saying why, when no `aws` command can run here.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Millrace } from '../../../src/millrace.js';
import { serveMillrace } from '../../../src/server/http/millrace.js';
import { createServer, type HttpServer } from '../../../src/server/http/server.js';

const run = promisify(execFile);

function cliVersion(): string | undefined {
  try {
    return execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 }).trim();
  } catch {
    return undefined;
  }
}

const version = cliVersion();
if (!version) console.warn('aws-cli.test.ts skipped: no runnable `aws` command (install awscli, e.g. `apt-get install awscli`)');

describe.skipIf(!version)(`AWS CLI (${version ?? 'absent'})`, () => {
  let dir: string;
  let mr: Millrace;
  let server: HttpServer;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'millrace-cli-'));
    mr = await Millrace.open({ dataDir: dir, retentionIntervalMs: 0 });
    server = createServer({ ...serveMillrace(mr), port: 0, credentials: [{ accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret' }] });
    url = (await server.listen()).url;
  });

  afterAll(async () => {
    await server?.close();
    await mr?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run('aws', ['kinesis', ...args, '--endpoint-url', url, '--region', 'us-east-1', '--output', 'json'], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDCLI',
        AWS_SECRET_ACCESS_KEY: 'cli-secret',
        AWS_PAGER: '',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeout: 60_000,
    });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  }

  it('create-stream, put-record, get-shard-iterator, get-records', async () => {
    await aws('create-stream', '--stream-name', 'cli', '--shard-count', '1');
    expect((await aws('list-streams')).StreamNames).toEqual(['cli']);
    // AWS CLI v1 sends --data as the text's bytes (base64 on the wire); v2 wants base64 input.
    const data = version!.startsWith('aws-cli/1.') ? 'hello from the cli' : Buffer.from('hello from the cli').toString('base64');
    const put = await aws('put-record', '--stream-name', 'cli', '--partition-key', 'k', '--data', data);
    expect(put.ShardId).toBe('shardId-000000000000');
    const it = await aws('get-shard-iterator', '--stream-name', 'cli', '--shard-id', 'shardId-000000000000', '--shard-iterator-type', 'TRIM_HORIZON');
    const got = await aws('get-records', '--shard-iterator', String(it.ShardIterator));
    const records = got.Records as Array<{ Data: string; SequenceNumber: string; ApproximateArrivalTimestamp: unknown }>;
    expect(records).toHaveLength(1);
    expect(Buffer.from(records[0].Data, 'base64').toString()).toBe('hello from the cli');
    expect(records[0].SequenceNumber).toBe(put.SequenceNumber);
  });

  it('reports AWS errors the way the CLI prints them', async () => {
    const err = (await aws('describe-stream', '--stream-name', 'missing').catch((e: { stderr: string }) => e)) as { stderr: string };
    expect(err.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: Stream missing under account 000000000000 not found.');
  });
});

// Stream encryption end to end through mr.kinesis: StartStreamEncryption and StopStreamEncryption
// switch the shard logs (src/streams/encryption.ts, engine.ts), key states surface as AWS's KMS
// exceptions, and nothing written under a key reaches the disk in the clear.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Millrace, type MillraceOptions } from '../../src/millrace.js';
import { tempDir } from '../helpers/tmp.js';
import { bytes, failure, openMillrace, text } from '../api/kinesis/helpers.js';

const MID = '170141183460469231731687303715884105728';

/** Every byte under the stream's shard log directories, file by file. */
function logFiles(dataDir: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ path: p, bytes: readFileSync(p) });
    }
  };
  walk(join(dataDir, 'streams'));
  return out;
}

function onDisk(dataDir: string, marker: string, shardId?: string): boolean {
  return logFiles(dataDir).some((f) => (shardId === undefined || f.path.includes(shardId)) && f.bytes.includes(marker));
}

async function readAll(mr: Millrace, stream: string, shardId: string): Promise<string[]> {
  let it = (await mr.kinesis.getShardIterator({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
  const out: string[] = [];
  while (it) {
    const r = await mr.kinesis.getRecords({ ShardIterator: it });
    out.push(...r.Records.map((x) => text(x.Data)));
    if (r.Records.length === 0) break;
    it = r.NextShardIterator;
  }
  return out;
}

function options(extra: MillraceOptions = {}): MillraceOptions {
  return { keyring: { rootKey: randomBytes(32) }, throttling: false, ...extra };
}

describe('stream encryption', () => {
  it('encrypts records written after StartStreamEncryption and reads old and new back', async () => {
    const mr = await openMillrace(options());
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    const key = await mr.kms.createKey({ alias: 'alias/orders' });
    const put = (prefix: string) =>
      mr.kinesis.putRecords({ StreamName: 's', Records: Array.from({ length: 20 }, (_, i) => ({ Data: bytes(`${prefix}-${i}`), PartitionKey: `k${i}` })) });
    await put('PLAIN-MARKER');
    await mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/orders' });
    const out = await put('SECRET-MARKER');
    expect(out.EncryptionType).toBe('KMS');
    expect(out.FailedRecordCount).toBe(0);
    expect((await mr.kinesis.describeStreamSummary({ StreamName: 's' })).StreamDescriptionSummary).toMatchObject({ EncryptionType: 'KMS', KeyId: 'alias/orders' });

    const read = [...(await readAll(mr, 's', 'shardId-000000000000')), ...(await readAll(mr, 's', 'shardId-000000000001'))];
    expect(read.filter((d) => d.startsWith('PLAIN-MARKER'))).toHaveLength(20);
    expect(read.filter((d) => d.startsWith('SECRET-MARKER'))).toHaveLength(20);
    // The scan finds plaintext where there is some, and none of what was written under the key.
    expect(onDisk(mr.dataDir, 'PLAIN-MARKER')).toBe(true);
    expect(onDisk(mr.dataDir, 'SECRET-MARKER')).toBe(false);
    expect(key.keyState).toBe('Enabled');
  });

  it('stops: later records are stored in the clear, earlier ones stay encrypted and readable', async () => {
    const mr = await openMillrace(options());
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('SECRET-ONE'), PartitionKey: 'k' });
    await mr.kinesis.stopStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    const plain = await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('PLAIN-TWO'), PartitionKey: 'k' });
    expect(plain.EncryptionType).toBeUndefined();
    expect(await readAll(mr, 's', 'shardId-000000000000')).toEqual(['SECRET-ONE', 'PLAIN-TWO']);
    expect(onDisk(mr.dataDir, 'SECRET-ONE')).toBe(false);
    expect(onDisk(mr.dataDir, 'PLAIN-TWO')).toBe(true);
  });

  it('fails puts and gets with KMSDisabledException while the key is disabled', async () => {
    const mr = await openMillrace(options());
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 2 });
    const { keyId } = await mr.kms.createKey();
    await mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: keyId });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('a'), PartitionKey: 'k' });
    const it = await mr.kinesis.getShardIterator({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });

    await mr.kms.disableKey(keyId);
    expect((await failure(mr.kinesis.putRecord({ StreamName: 's', Data: bytes('b'), PartitionKey: 'k' }))).name).toBe('KMSDisabledException');
    const many = Array.from({ length: 10 }, (_, i) => ({ Data: bytes(`r${i}`), PartitionKey: `k${i}` }));
    expect((await failure(mr.kinesis.putRecords({ StreamName: 's', Records: many }))).name).toBe('KMSDisabledException');
    expect((await failure(mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! }))).name).toBe('KMSDisabledException');
    expect((await failure(mr.fast.put('s', [{ data: bytes('c'), partitionKey: 'k' }]))).name).toBe('KmsError');

    await mr.kms.enableKey(keyId);
    await mr.kinesis.putRecords({ StreamName: 's', Records: many });
    expect((await mr.kinesis.getRecords({ ShardIterator: it.ShardIterator! })).Records.length).toBeGreaterThan(0);

    await mr.kms.scheduleKeyDeletion(keyId, 7);
    expect((await failure(mr.kinesis.putRecord({ StreamName: 's', Data: bytes('d'), PartitionKey: 'k' }))).name).toBe('KMSInvalidStateException');
  });

  it('refuses unknown and disabled keys at StartStreamEncryption', async () => {
    const mr = await openMillrace(options());
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect((await failure(mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/nope' }))).name).toBe('KMSNotFoundException');
    expect((await failure(mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: '12345678-1234-1234-1234-123456789012' }))).name).toBe(
      'KMSNotFoundException',
    );
    const { keyId, arn } = await mr.kms.createKey();
    await mr.kms.disableKey(keyId);
    expect((await failure(mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: arn }))).name).toBe('KMSDisabledException');
    const d = await mr.kinesis.describeStreamSummary({ StreamName: 's' });
    expect(d.StreamDescriptionSummary).toMatchObject({ EncryptionType: 'NONE', StreamStatus: 'ACTIVE' });
  });

  it('encrypts the children of a reshard', async () => {
    const mr = await openMillrace(options());
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('SECRET-PARENT'), PartitionKey: 'k' });
    await mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: MID });
    const records = Array.from({ length: 40 }, (_, i) => ({ Data: bytes(`SECRET-CHILD-${i}`), PartitionKey: `key-${i}` }));
    const out = await mr.kinesis.putRecords({ StreamName: 's', Records: records });
    expect(new Set(out.Records.map((r) => r.ShardId))).toEqual(new Set(['shardId-000000000001', 'shardId-000000000002']));
    const children = [...(await readAll(mr, 's', 'shardId-000000000001')), ...(await readAll(mr, 's', 'shardId-000000000002'))];
    expect(children.sort()).toEqual(records.map((r) => text(r.Data)).sort());
    expect(await readAll(mr, 's', 'shardId-000000000000')).toEqual(['SECRET-PARENT']);
    expect(onDisk(mr.dataDir, 'SECRET-')).toBe(false);
    // The children's own logs hold encrypted batches: their data-key files exist.
    expect(logFiles(mr.dataDir).filter((f) => f.path.endsWith('datakeys.json')).map((f) => f.path.split('/').at(-2)).sort()).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
  });

  it('reads encrypted records after a restart with the same root key, and refuses another', async () => {
    const dataDir = tempDir();
    const rootKey = randomBytes(32);
    const base = { dataDir, retentionIntervalMs: 0, log: { durability: 'never' as const } };
    const mr = await Millrace.open({ ...base, keyring: { rootKey } });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('SECRET-KEPT'), PartitionKey: 'k' });
    await mr.close();

    await expect(Millrace.open({ ...base, keyring: { rootKey: randomBytes(32) } })).rejects.toMatchObject({ code: 'MR_KMS_ACCESS_DENIED' });
    const again = await Millrace.open({ ...base, keyring: { rootKey } });
    try {
      expect(await readAll(again, 's', 'shardId-000000000000')).toEqual(['SECRET-KEPT']);
      expect((await again.kinesis.putRecord({ StreamName: 's', Data: bytes('SECRET-MORE'), PartitionKey: 'k' })).EncryptionType).toBe('KMS');
      expect(onDisk(dataDir, 'SECRET-')).toBe(false);
    } finally {
      await again.close();
    }
  });

  it('uses a keyring the caller opened, and leaves it open', async () => {
    const { Keyring } = await import('../../src/storage/keyring.js');
    const keyring = await Keyring.open({ dataDir: tempDir(), rootKey: randomBytes(32) });
    const mr = await openMillrace({ keyring, throttling: false });
    const key = await keyring.createKey();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.startStreamEncryption({ StreamName: 's', EncryptionType: 'KMS', KeyId: key.arn });
    expect((await mr.kms.listKeys()).map((k) => k.keyId)).toContain(key.keyId);
    await mr.close();
    expect((await keyring.describeKey(key.keyId)).keyState).toBe('Enabled');
    await keyring.close();
  });
});

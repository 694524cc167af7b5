import { createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ClosedError, CryptoError, InvalidArgumentError, KmsError } from '../../src/errors.js';
import { AWS_KINESIS_ALIAS, Keyring, KEYRING_FILE, WRAPPED_DATA_KEY_BYTES, type KeyringOptions } from '../../src/storage/keyring.js';
import { rejectsWith } from './reject.js';

const DAY = 86_400_000;
let dir: string;
let rootKey: Buffer;
let clock: ManualClock;
const open: Keyring[] = [];

async function ring(options: Partial<KeyringOptions> = {}): Promise<Keyring> {
  const k = await Keyring.open({ dataDir: dir, rootKey, clock, ...options });
  open.push(k);
  return k;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'millrace-keyring-'));
  rootKey = randomBytes(32);
  clock = new ManualClock();
});

afterEach(async () => {
  for (const k of open.splice(0)) await k.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Keyring', () => {
  it('create, describe and list keys with KMS-shaped ids and ARNs', async () => {
    const k = await ring({ region: 'eu-west-1', accountId: '123456789012' });
    const meta = await k.createKey({ description: 'clicks', alias: 'alias/clicks' });
    expect(meta.keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(meta).toMatchObject({
      arn: `arn:aws:kms:eu-west-1:123456789012:key/${meta.keyId}`,
      description: 'clicks',
      createdAt: clock.now(),
      enabled: true,
      keyState: 'Enabled',
      keyManager: 'CUSTOMER',
      currentVersion: 1,
      aliases: ['alias/clicks'],
    });
    const other = await k.createKey();
    expect(k.listKeys().map((x) => x.keyId).sort()).toEqual([meta.keyId, other.keyId].sort());
    expect(k.listAliases()).toEqual([{ aliasName: 'alias/clicks', aliasArn: 'arn:aws:kms:eu-west-1:123456789012:alias/clicks', targetKeyId: meta.keyId }]);
    expect(k.listAliases(other.keyId)).toEqual([]);
  });

  it('resolve a key by id, key ARN, alias and alias ARN, and nothing else', async () => {
    const k = await ring();
    const { keyId, arn } = await k.createKey({ alias: 'alias/team/orders' });
    for (const name of [keyId, arn, 'alias/team/orders', k.aliasArn('alias/team/orders')]) {
      expect((await k.describeKey(name)).keyId).toBe(keyId);
    }
    for (const name of ['alias/missing', randomUUID(), `arn:aws:kms:us-west-2:000000000000:key/${keyId}`, `arn:aws:kms:us-east-1:111111111111:key/${keyId}`, 'not-a-key']) {
      await rejectsWith(k.describeKey(name), 'MR_KMS_NOT_FOUND');
    }
  });

  it('manage aliases like KMS', async () => {
    const k = await ring();
    const a = await k.createKey();
    const b = await k.createKey();
    await k.createAlias('alias/app', a.keyId);
    await expect(k.createAlias('alias/app', b.keyId)).rejects.toThrow(InvalidArgumentError);
    await expect(k.createAlias('alias/aws/mine', b.keyId)).rejects.toThrow(/reserved/);
    await expect(k.createAlias('app', b.keyId)).rejects.toThrow(InvalidArgumentError);
    await expect(k.createAlias('alias/other', 'alias/app')).rejects.toThrow(InvalidArgumentError);
    await k.updateAlias('alias/app', b.arn);
    expect((await k.describeKey('alias/app')).keyId).toBe(b.keyId);
    await k.deleteAlias('alias/app');
    await rejectsWith(k.describeKey('alias/app'), 'MR_KMS_NOT_FOUND');
    await rejectsWith(k.deleteAlias('alias/app'), 'MR_KMS_NOT_FOUND');
  });

  it('wrap and unwrap data keys, bound to their encryption context', async () => {
    const k = await ring();
    const { keyId, arn } = await k.createKey({ alias: 'alias/s' });
    const ctx = Buffer.from('log 0001');
    const dk = await k.generateDataKey('alias/s', ctx);
    expect(dk).toMatchObject({ keyArn: arn, keyVersion: 1 });
    expect(dk.plaintext.length).toBe(32);
    expect(dk.wrapped.length).toBe(WRAPPED_DATA_KEY_BYTES);
    expect(dk.wrapped.includes(dk.plaintext)).toBe(false);
    expect(k.decryptDataKey(dk.wrapped, ctx).equals(dk.plaintext)).toBe(true);
    expect(() => k.decryptDataKey(dk.wrapped)).toThrow(CryptoError);
    expect(() => k.decryptDataKey(dk.wrapped, Buffer.from('log 0002'))).toThrow(CryptoError);
    // Format, version, nonce, sealed key and tag bytes fail authentication; key id bytes name another key.
    for (const [i, code] of [[0, 'MR_CRYPTO'], [4, 'MR_CRYPTO'], [12, 'MR_KMS_NOT_FOUND'], [30, 'MR_CRYPTO'], [50, 'MR_CRYPTO'], [83, 'MR_CRYPTO']] as const) {
      const bad = Buffer.from(dk.wrapped);
      bad[i]! ^= 1;
      await rejectsWith(() => k.decryptDataKey(bad, ctx), code);
    }
    expect(() => k.decryptDataKey(dk.wrapped.subarray(1), ctx)).toThrow(CryptoError);
    const again = await k.generateDataKey(keyId, ctx);
    expect(again.plaintext.equals(dk.plaintext)).toBe(false);
  });

  it('rotate: new data keys use the new version, old ones still unwrap, across reopen', async () => {
    let k = await ring();
    const { keyId } = await k.createKey();
    const v1 = await k.generateDataKey(keyId);
    const rotated = await k.rotateKey(keyId);
    expect(rotated.currentVersion).toBe(2);
    const v2 = await k.generateDataKey(keyId);
    expect(v2.keyVersion).toBe(2);
    await k.rotateKey(keyId);
    await k.close();
    k = await ring();
    expect((await k.describeKey(keyId)).currentVersion).toBe(3);
    expect(k.decryptDataKey(v1.wrapped).equals(v1.plaintext)).toBe(true);
    expect(k.decryptDataKey(v2.wrapped).equals(v2.plaintext)).toBe(true);
    expect((await k.generateDataKey(keyId)).keyVersion).toBe(3);
    // A blob naming a version the key never had.
    const forged = Buffer.from(v1.wrapped);
    forged.writeUInt32LE(9, 4);
    expect(() => k.decryptDataKey(forged)).toThrow(CryptoError);
  });

  it('disable and enable: a disabled key neither wraps, unwraps nor rotates', async () => {
    const k = await ring();
    const { keyId } = await k.createKey();
    const dk = await k.generateDataKey(keyId);
    const meta = await k.disableKey(keyId);
    expect(meta).toMatchObject({ enabled: false, keyState: 'Disabled' });
    await rejectsWith(k.generateDataKey(keyId), 'MR_KMS_DISABLED');
    await rejectsWith(() => k.decryptDataKey(dk.wrapped), 'MR_KMS_DISABLED');
    await rejectsWith(k.rotateKey(keyId), 'MR_KMS_DISABLED');
    await rejectsWith(() => k.assertUsable(dk.keyArn), 'MR_KMS_DISABLED');
    expect((await k.enableKey(keyId)).keyState).toBe('Enabled');
    expect(k.decryptDataKey(dk.wrapped).equals(dk.plaintext)).toBe(true);
    expect(() => k.assertUsable(dk.keyArn)).not.toThrow();
  });

  it('schedule deletion with a 7–30 day waiting period, cancel it, then let it pass', async () => {
    const k = await ring();
    const { keyId } = await k.createKey({ alias: 'alias/doomed' });
    const dk = await k.generateDataKey(keyId);
    for (const days of [6, 31, 7.5]) await expect(k.scheduleKeyDeletion(keyId, days)).rejects.toThrow(InvalidArgumentError);
    expect(await k.scheduleKeyDeletion(keyId)).toMatchObject({ keyState: 'PendingDeletion', pendingWindowInDays: 30, deletionDate: clock.now() + 30 * DAY });

    await rejectsWith(k.generateDataKey(keyId), 'MR_KMS_INVALID_STATE');
    await rejectsWith(() => k.decryptDataKey(dk.wrapped), 'MR_KMS_INVALID_STATE');
    await rejectsWith(k.enableKey(keyId), 'MR_KMS_INVALID_STATE');
    await rejectsWith(k.disableKey(keyId), 'MR_KMS_INVALID_STATE');
    await rejectsWith(k.rotateKey(keyId), 'MR_KMS_INVALID_STATE');
    await rejectsWith(k.scheduleKeyDeletion(keyId), 'MR_KMS_INVALID_STATE');
    await rejectsWith(() => k.assertUsable(keyId), 'MR_KMS_INVALID_STATE');

    // Cancelling leaves the key Disabled, as KMS does.
    expect(await k.cancelKeyDeletion(keyId)).toMatchObject({ keyState: 'Disabled', enabled: false });
    expect((await k.describeKey(keyId)).deletionDate).toBeUndefined();
    await rejectsWith(k.cancelKeyDeletion(keyId), 'MR_KMS_INVALID_STATE');

    const start = clock.now();
    await k.scheduleKeyDeletion(keyId, 7);
    clock.set(start + 7 * DAY - 1);
    expect((await k.describeKey('alias/doomed')).keyState).toBe('PendingDeletion');
    clock.set(start + 7 * DAY);
    await rejectsWith(k.describeKey(keyId), 'MR_KMS_NOT_FOUND');
    await rejectsWith(k.describeKey('alias/doomed'), 'MR_KMS_NOT_FOUND');
    await rejectsWith(() => k.decryptDataKey(dk.wrapped), 'MR_KMS_NOT_FOUND');
    await rejectsWith(k.cancelKeyDeletion(keyId), 'MR_KMS_NOT_FOUND');
    await rejectsWith(() => k.assertUsable(dk.keyArn), 'MR_KMS_NOT_FOUND');
    expect(k.listKeys()).toEqual([]);
    expect(k.listAliases()).toEqual([]);

    // Reopening purges the deleted key's material from the file.
    await k.close();
    await ring();
    const file = await readFile(join(dir, KEYRING_FILE), 'utf8');
    expect(file).not.toContain(keyId);
    expect(file).not.toContain('alias/doomed');
  });

  it('persist keys, aliases and states across reopen', async () => {
    let k = await ring();
    const a = await k.createKey({ description: 'a', alias: 'alias/a' });
    const b = await k.createKey({ description: 'b' });
    await k.disableKey(b.keyId);
    await k.scheduleKeyDeletion(a.keyId, 10);
    await k.close();
    k = await ring();
    expect(await k.describeKey('alias/a')).toMatchObject({ keyId: a.keyId, keyState: 'PendingDeletion', pendingWindowInDays: 10, description: 'a' });
    expect(await k.describeKey(b.keyId)).toMatchObject({ keyState: 'Disabled', description: 'b' });
  });

  it('serialise concurrent mutations, each persisted', async () => {
    let k = await ring();
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => k.createKey({ alias: `alias/k${i}` })));
    await k.close();
    k = await ring();
    expect(k.listKeys().length).toBe(12);
    for (const [i, meta] of created.entries()) expect((await k.describeKey(`alias/k${i}`)).keyId).toBe(meta.keyId);
  });

  it('write the file atomically, private, with no temp files left behind', async () => {
    const k = await ring();
    for (let i = 0; i < 5; i++) await k.createKey();
    expect(await readdir(dir)).toEqual([KEYRING_FILE]);
    expect((await stat(join(dir, KEYRING_FILE))).mode & 0o777).toBe(0o600);
  });

  it('keep no plaintext key material on disk', async () => {
    const k = await ring();
    const { keyId } = await k.createKey({ alias: 'alias/x' });
    await k.rotateKey(keyId);
    const dks = await Promise.all([k.generateDataKey(keyId), k.generateDataKey('alias/x'), k.generateDataKey(AWS_KINESIS_ALIAS)]);
    const raw = await readFile(join(dir, KEYRING_FILE));
    const text = raw.toString('latin1');
    const state = JSON.parse(raw.toString('utf8')) as { keys: Record<string, { versions: Array<{ material: string }> }> };
    // Unseal every stored material with the root key (test-side), then look for it in the file.
    const secrets: Buffer[] = [rootKey, ...dks.map((d) => d.plaintext)];
    for (const [id, key] of Object.entries(state.keys)) {
      key.versions.forEach((v, i) => {
        const sealed = Buffer.from(v.material, 'base64');
        const d = createDecipheriv('aes-256-gcm', rootKey, sealed.subarray(0, 12));
        d.setAAD(Buffer.from(`millrace keyring material ${id} v${i + 1}`));
        d.setAuthTag(sealed.subarray(sealed.length - 16));
        secrets.push(Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]));
      });
    }
    expect(secrets.length).toBe(1 + 3 + 3); // root, three data keys, two versions + the AWS managed key
    for (const s of secrets) {
      expect(s.length).toBe(32);
      expect(raw.includes(s)).toBe(false);
      expect(text).not.toContain(s.toString('hex'));
      expect(text).not.toContain(s.toString('base64'));
      expect(text).not.toContain(s.toString('base64url'));
    }
  });

  it('refuse to open under a different root key', async () => {
    const k = await ring();
    await k.createKey();
    await k.close();
    await rejectsWith(Keyring.open({ dataDir: dir, rootKey: randomBytes(32), clock }), 'MR_KMS_ACCESS_DENIED');
    await rejectsWith(Keyring.open({ dataDir: dir, env: {}, logger: { warn: () => undefined } }), 'MR_KMS_ACCESS_DENIED');
  });

  it('refuse a damaged key material entry with MR_KMS_ACCESS_DENIED', async () => {
    const k = await ring();
    await k.createKey();
    await k.close();
    const path = join(dir, KEYRING_FILE);
    const state = JSON.parse(await readFile(path, 'utf8'));
    const [id] = Object.keys(state.keys);
    const sealed = Buffer.from(state.keys[id].versions[0].material, 'base64');
    sealed[20]! ^= 1;
    state.keys[id].versions[0].material = sealed.toString('base64');
    await writeFile(path, JSON.stringify(state));
    await rejectsWith(ring(), 'MR_KMS_ACCESS_DENIED');
  });

  it('refuse a file that is not a keyring with MR_IO', async () => {
    const path = join(dir, KEYRING_FILE);
    for (const text of ['{not json', '{"format":2}', '{"format":1,"rootCheck":"","keys":{"x":{}},"aliases":{}}']) {
      await writeFile(path, text);
      await rejectsWith(ring(), 'MR_IO');
    }
  });

  it('take the root key from MILLRACE_ROOT_KEY (hex or base64) or MILLRACE_ROOT_KEY_FILE', async () => {
    const warn = vi.fn();
    let k = await ring({ rootKey: undefined, env: { MILLRACE_ROOT_KEY: rootKey.toString('hex') }, logger: { warn } });
    const { keyId } = await k.createKey();
    const dk = await k.generateDataKey(keyId);
    await k.close();
    k = await ring({ rootKey: undefined, env: { MILLRACE_ROOT_KEY: rootKey.toString('base64') }, logger: { warn } });
    expect(k.decryptDataKey(dk.wrapped).equals(dk.plaintext)).toBe(true);
    await k.close();
    const keyFile = join(dir, 'root.key');
    for (const contents of [rootKey, Buffer.from(`${rootKey.toString('hex')}\n`)]) {
      await writeFile(keyFile, contents, { mode: 0o600 });
      k = await ring({ rootKey: undefined, env: { MILLRACE_ROOT_KEY_FILE: keyFile }, logger: { warn } });
      expect(k.decryptDataKey(dk.wrapped).equals(dk.plaintext)).toBe(true);
      await k.close();
    }
    expect(warn).not.toHaveBeenCalled();

    for (const env of [{ MILLRACE_ROOT_KEY: 'abcd' }, { MILLRACE_ROOT_KEY: rootKey.toString('hex'), MILLRACE_ROOT_KEY_FILE: keyFile }]) {
      await expect(Keyring.open({ dataDir: dir, env })).rejects.toThrow(InvalidArgumentError);
    }
    await rejectsWith(Keyring.open({ dataDir: dir, env: { MILLRACE_ROOT_KEY_FILE: join(dir, 'missing') } }), 'MR_IO');
    await expect(Keyring.open({ dataDir: dir, rootKey: Buffer.alloc(16) })).rejects.toThrow(InvalidArgumentError);
  });

  it('warn loudly when it falls back to the development root key', async () => {
    const warn = vi.fn();
    await ring({ rootKey: undefined, env: {}, logger: { warn } });
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![0]).toMatch(/ROOT KEY NOT SET.*PUBLIC development key/);

    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await ring({ rootKey: undefined, env: {} });
      expect(emit).toHaveBeenCalledWith(expect.stringMatching(/ROOT KEY NOT SET/), { code: 'MILLRACE_DEV_ROOT_KEY' });
    } finally {
      emit.mockRestore();
    }
  });

  it('create the AWS managed alias/aws/kinesis key on first use, and protect it', async () => {
    let k = await ring();
    expect(k.listKeys()).toEqual([]);
    const dk = await k.generateDataKey(AWS_KINESIS_ALIAS);
    const meta = await k.describeKey(AWS_KINESIS_ALIAS);
    expect(meta).toMatchObject({ keyManager: 'AWS', keyState: 'Enabled', aliases: [AWS_KINESIS_ALIAS], arn: dk.keyArn });
    expect((await k.describeKey(k.aliasArn(AWS_KINESIS_ALIAS))).keyId).toBe(meta.keyId);
    await Promise.all([k.generateDataKey(AWS_KINESIS_ALIAS), k.describeKey(AWS_KINESIS_ALIAS)]);
    expect(k.listKeys().length).toBe(1);
    for (const op of [k.disableKey(meta.keyId), k.scheduleKeyDeletion(meta.keyId), k.rotateKey(meta.keyId), k.createAlias('alias/mine', meta.keyId)]) {
      await expect(op).rejects.toThrow(/AWS managed key/);
    }
    await k.close();
    k = await ring();
    expect((await k.describeKey(AWS_KINESIS_ALIAS)).keyId).toBe(meta.keyId);
    expect(k.decryptDataKey(dk.wrapped).equals(dk.plaintext)).toBe(true);
  });

  it('fail with ClosedError after close', async () => {
    const k = await ring();
    const { keyId } = await k.createKey();
    const dk = await k.generateDataKey(keyId);
    await k.close();
    expect(() => k.decryptDataKey(dk.wrapped)).toThrow(ClosedError);
    await expect(k.createKey()).rejects.toThrow(ClosedError);
    await expect(k.generateDataKey(keyId)).rejects.toThrow(ClosedError);
  });
});

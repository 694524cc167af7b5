// mr.kms (src/api/kms.ts): key management over the data directory's keyring.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMillrace } from './kinesis/helpers.js';

describe('mr.kms', () => {
  it('creates, names, lists, disables, rotates and schedules deletion of keys', async () => {
    const mr = await openMillrace({ keyring: { rootKey: randomBytes(32) } });
    const key = await mr.kms.createKey({ description: 'orders', alias: 'alias/orders' });
    expect(key).toMatchObject({ description: 'orders', keyState: 'Enabled', keyManager: 'CUSTOMER', currentVersion: 1, aliases: ['alias/orders'] });
    expect((await mr.kms.describeKey('alias/orders')).keyId).toBe(key.keyId);
    expect(await mr.kms.listKeys()).toEqual([{ keyId: key.keyId, arn: key.arn }]);
    await mr.kms.createAlias('alias/billing', key.keyId);
    expect((await mr.kms.listAliases(key.keyId)).map((a) => a.aliasName).sort()).toEqual(['alias/billing', 'alias/orders']);
    await mr.kms.deleteAlias('alias/billing');
    expect((await mr.kms.disableKey(key.keyId)).keyState).toBe('Disabled');
    expect((await mr.kms.enableKey(key.arn)).keyState).toBe('Enabled');
    expect((await mr.kms.rotateKey(key.keyId)).currentVersion).toBe(2);
    expect((await mr.kms.scheduleKeyDeletion(key.keyId, 7)).keyState).toBe('PendingDeletion');
    expect((await mr.kms.cancelKeyDeletion(key.keyId)).keyState).toBe('Disabled');
    expect(existsSync(join(mr.dataDir, 'keyring.json'))).toBe(true);
  });

  it('reports unknown keys with MR_KMS_NOT_FOUND', async () => {
    const mr = await openMillrace({ keyring: { rootKey: randomBytes(32) } });
    await expect(mr.kms.describeKey('alias/none')).rejects.toMatchObject({ code: 'MR_KMS_NOT_FOUND' });
  });

  it('does not create a keyring until one is needed', async () => {
    const mr = await openMillrace();
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    expect(existsSync(join(mr.dataDir, 'keyring.json'))).toBe(false);
  });
});

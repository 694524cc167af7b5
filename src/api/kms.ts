// Key management on the embedded face (`mr.kms`): the master keys that StartStreamEncryption names,
// in the data directory's keyring (src/storage/keyring.ts). Plain camelCased methods over the
// keyring rather than AWS KMS request shapes: Millrace emulates Kinesis, and only offers the key
// operations an operator needs to run encrypted streams. Errors are the keyring's KmsError
// (MR_KMS_NOT_FOUND, MR_KMS_DISABLED, MR_KMS_INVALID_STATE, MR_KMS_ACCESS_DENIED) and
// InvalidArgumentError.
import type { KeyMetadata } from '../storage/keyring.js';
import type { StreamsEngine } from '../streams/engine.js';

export type { KeyMetadata } from '../storage/keyring.js';

export interface KmsApi {
  /** A new customer master key, enabled; `alias` (alias/...) names it too. */
  createKey(options?: { description?: string; alias?: string }): Promise<KeyMetadata>;
  /** By key id, key ARN, alias or alias ARN; `alias/aws/kinesis` is created on first use. */
  describeKey(keyId: string): Promise<KeyMetadata>;
  listKeys(): Promise<Array<{ keyId: string; arn: string }>>;
  listAliases(keyId?: string): Promise<Array<{ aliasName: string; aliasArn: string; targetKeyId: string }>>;
  createAlias(alias: string, targetKeyId: string): Promise<void>;
  updateAlias(alias: string, targetKeyId: string): Promise<void>;
  deleteAlias(alias: string): Promise<void>;
  enableKey(keyId: string): Promise<KeyMetadata>;
  /** Puts and gets of streams encrypted under the key fail with KMSDisabledException until it is enabled. */
  disableKey(keyId: string): Promise<KeyMetadata>;
  /** Deletes the key and its material after 7 to 30 days (default 30); data under it then cannot be read. */
  scheduleKeyDeletion(keyId: string, pendingWindowInDays?: number): Promise<KeyMetadata>;
  cancelKeyDeletion(keyId: string): Promise<KeyMetadata>;
  /** New material version for new data keys; data under older versions stays readable. */
  rotateKey(keyId: string): Promise<KeyMetadata>;
}

export function kmsApi(engine: StreamsEngine): KmsApi {
  const ring = () => engine.keyring();
  return Object.freeze({
    createKey: async (options) => (await ring()).createKey(options),
    describeKey: async (keyId) => (await ring()).describeKey(keyId),
    listKeys: async () => (await ring()).listKeys(),
    listAliases: async (keyId) => (await ring()).listAliases(keyId),
    createAlias: async (alias, target) => (await ring()).createAlias(alias, target),
    updateAlias: async (alias, target) => (await ring()).updateAlias(alias, target),
    deleteAlias: async (alias) => (await ring()).deleteAlias(alias),
    enableKey: async (keyId) => (await ring()).enableKey(keyId),
    disableKey: async (keyId) => (await ring()).disableKey(keyId),
    scheduleKeyDeletion: async (keyId, days) => (await ring()).scheduleKeyDeletion(keyId, days),
    cancelKeyDeletion: async (keyId) => (await ring()).cancelKeyDeletion(keyId),
    rotateKey: async (keyId) => (await ring()).rotateKey(keyId),
  } satisfies KmsApi);
}

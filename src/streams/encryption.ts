// Where stream encryption meets the key service (src/storage/keyring.ts).
//
// StartStreamEncryption names a master key by id, key ARN, alias or alias ARN, as AWS KMS accepts
// it; `alias/aws/kinesis` is created on first use, as KMS does for the AWS managed key. The stream
// keeps the name it was given (DescribeStream reports it back unchanged) and its shard logs seal
// every batch appended from then on under data keys wrapped by that master key. Disabling or
// scheduling the key's deletion stops puts and gets at once (KMSDisabledException,
// KMSInvalidStateException), as on AWS; records written before StopStreamEncryption stay
// encrypted and readable while their key is usable.
import type { Keyring } from '../storage/keyring.js';

/** Checks that `keyId` names a usable master key; throws its MR_KMS_* KmsError otherwise. */
export async function checkStreamKey(keyring: Keyring, keyId: string): Promise<void> {
  await keyring.describeKey(keyId);
  keyring.activeVersion(keyId);
}

/** Whether two names (ids, ARNs, aliases) designate the same master key now. */
export async function sameKey(keyring: Keyring, a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  try {
    return (await keyring.describeKey(a)).keyId === (await keyring.describeKey(b)).keyId;
  } catch {
    return false;
  }
}

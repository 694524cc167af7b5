// The one point where stream encryption meets the key service.
//
// StartStreamEncryption / StopStreamEncryption record EncryptionType and KeyId in the catalog and
// report them in Describe*, PutRecord(s) and GetRecords. Encrypting the shard logs themselves is
// the keyring's job (src/storage/keyring.ts, being written for the compression/encryption issue).
// TODO(keyring): when the keyring lands, implement `KeyResolver` over it (resolve aliases, check
// the key is enabled: KMSDisabledException / KMSNotFoundException come from its MR_KMS_* errors,
// mapped by src/api/errors.ts), and have ShardHandle open logs with the resolved data key. Nothing
// else needs to change.

export interface KeyResolver {
  /** Checks that `keyId` names a usable master key; throws a MR_KMS_* KmsError otherwise. */
  check(keyId: string): Promise<void>;
}

/** Until the keyring exists: every syntactically valid key id is accepted. */
export const acceptAnyKey: KeyResolver = {
  async check() {},
};

// A KMS-style keyring: master keys with ids, ARNs and aliases, key states and versions, and data
// keys wrapped under them (envelope encryption). Control-plane work, so node:crypto is enough here;
// batches themselves are sealed in the addon (native/aead.cc).
//
// On disk, <dataDir>/keyring.json (mode 0600, replaced atomically: temp file, fsync, rename, fsync
// of the directory). Every master key version's material is sealed under the operator's root key,
// with its key id and version as AAD so materials cannot be swapped between keys. `rootCheck`, a
// sealed constant, tells a wrong root key apart from a damaged file. Unwrapped data keys are never
// written anywhere.
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes } from '../core/constants.js';
import { systemClock, type Clock } from '../core/clock.js';
import { ClosedError, CryptoError, InvalidArgumentError, IoError, KmsError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
/** `AWS` for the service's own key (`alias/aws/kinesis`), `CUSTOMER` for keys an operator creates. */
export type KeyManager = 'CUSTOMER' | 'AWS';

export interface KeyMetadata {
  keyId: string;
  arn: string;
  description: string;
  /** Epoch ms. */
  createdAt: number;
  enabled: boolean;
  keyState: KeyState;
  keyManager: KeyManager;
  /** Epoch ms after which the key and every version of its material are gone (PendingDeletion only). */
  deletionDate?: number;
  pendingWindowInDays?: number;
  /** Version that wraps new data keys; rotation adds one, older versions keep unwrapping. */
  currentVersion: number;
  aliases: string[];
}

export interface DataKey {
  /** ARN of the master key that wrapped it. */
  keyArn: string;
  keyVersion: number;
  /** 32 fresh random bytes for AES-256-GCM. Keep only as long as needed, then `fill(0)`; never store it. */
  plaintext: Buffer;
  /** WRAPPED_DATA_KEY_BYTES bytes, safe to store next to the data (see the layout below). */
  wrapped: Buffer;
}

export interface KeyringLogger {
  warn(message: string): void;
}

export interface KeyringOptions {
  dataDir: string;
  /** 32 bytes. Otherwise MILLRACE_ROOT_KEY (64 hex digits or base64), then MILLRACE_ROOT_KEY_FILE. */
  rootKey?: Uint8Array;
  /** Where the root key variables are read from; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  region?: string;
  accountId?: string;
  /** Drives the deletion waiting period. */
  clock?: Clock;
  /** Receives the development-root-key warning; defaults to process.emitWarning. */
  logger?: KeyringLogger;
}

export const AWS_KINESIS_ALIAS = 'alias/aws/kinesis';
export const KEYRING_FILE = 'keyring.json';
export const DATA_KEY_BYTES = 32;
export const MIN_PENDING_WINDOW_DAYS = 7;
export const MAX_PENDING_WINDOW_DAYS = 30;

/*
 * Wrapped data key, WRAPPED_DATA_KEY_BYTES = 84:
 *   [0]      u8      format, 1
 *   [1, 4)           zero
 *   [4, 8)   u32 LE  master key version
 *   [8, 24)          master key id, the UUID's 16 bytes
 *   [24, 36)         nonce
 *   [36, 68)         data key, AES-256-GCM under that master key version
 *   [68, 84)         tag
 * AAD: bytes [0, 24), then the caller's encryption context (empty when none).
 */
export const WRAPPED_DATA_KEY_BYTES = 84;
const WRAP_FORMAT = 1;
const WRAP_HEADER = 24;

/** The master key id and version a wrapped data key names, read from its clear header. */
export function wrappedKeyInfo(wrapped: Uint8Array): { keyId: string; version: number } {
  if (!(wrapped instanceof Uint8Array) || wrapped.length !== WRAPPED_DATA_KEY_BYTES || wrapped[0] !== WRAP_FORMAT) {
    throw new CryptoError(`A wrapped data key is ${WRAPPED_DATA_KEY_BYTES} bytes of format ${WRAP_FORMAT}`);
  }
  const blob = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
  return { keyId: uuidString(blob.subarray(8, WRAP_HEADER)), version: blob.readUInt32LE(4) };
}

const FILE_FORMAT = 1;
const NONCE = 12;
const TAG = 16;
const DAY_MS = 86_400_000;
const ROOT_CHECK = Buffer.from('millrace keyring root check');
const DEV_ROOT_KEY = createHash('sha256').update('millrace development root key: public, never for real data').digest();
const ALIAS_RE = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARN_RE = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):((?:key\/|alias\/).+)$/;

interface StoredVersion {
  createdAt: number;
  /** base64 of nonce | sealed 32-byte material | tag, under the root key. */
  material: string;
}

interface StoredKey {
  description: string;
  createdAt: number;
  state: KeyState;
  manager: KeyManager;
  deletionDate?: number;
  pendingWindowInDays?: number;
  versions: StoredVersion[];
}

interface KeyringFile {
  format: number;
  rootCheck: string;
  keys: Record<string, StoredKey>;
  aliases: Record<string, string>;
}

function seal(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

/** undefined when authentication fails; the plaintext is only released after the tag checks out. */
function unseal(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < NONCE + TAG) return undefined;
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  // GCM returns all plaintext from update() and nothing from final(): no concatenated copy to wipe.
  const out = d.update(sealed.subarray(NONCE, sealed.length - TAG));
  try {
    d.final();
    return out;
  } catch {
    out.fill(0);
    return undefined;
  }
}

const materialAad = (keyId: string, version: number) => Buffer.from(`millrace keyring material ${keyId} v${version}`);

function kms(code: 'MR_KMS_DISABLED' | 'MR_KMS_NOT_FOUND' | 'MR_KMS_INVALID_STATE' | 'MR_KMS_ACCESS_DENIED', message: string): KmsError {
  return new KmsError(ErrorCodes[code], message);
}

function parseKeyText(text: string, source: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : undefined;
  if (key?.length !== 32) throw new InvalidArgumentError(`${source} must hold a 32-byte root key as 64 hex digits or base64`);
  return key;
}

/** The root key and where it came from; warns when falling back to the public development key. */
export async function resolveRootKey(options: Pick<KeyringOptions, 'rootKey' | 'env' | 'logger' | 'dataDir'>): Promise<{ key: Buffer; source: string }> {
  if (options.rootKey !== undefined) {
    if (!(options.rootKey instanceof Uint8Array)) throw new TypeError('The "rootKey" option must be a Buffer or Uint8Array');
    if (options.rootKey.length !== 32) throw new InvalidArgumentError(`The root key must be 32 bytes, got ${options.rootKey.length}`);
    return { key: Buffer.from(options.rootKey), source: 'the rootKey option' };
  }
  const env = options.env ?? process.env;
  const text = env.MILLRACE_ROOT_KEY;
  const file = env.MILLRACE_ROOT_KEY_FILE;
  if (text && file) throw new InvalidArgumentError('Set either MILLRACE_ROOT_KEY or MILLRACE_ROOT_KEY_FILE, not both');
  if (text) return { key: parseKeyText(text, 'MILLRACE_ROOT_KEY'), source: 'MILLRACE_ROOT_KEY' };
  if (file) {
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (cause) {
      throw new IoError(`Cannot read the root key file named by MILLRACE_ROOT_KEY_FILE (${file})`, { file, errno: (cause as NodeJS.ErrnoException).code, cause });
    }
    const key = raw.length === 32 ? raw : parseKeyText(raw.toString('latin1'), `The root key file ${file}`);
    return { key, source: `MILLRACE_ROOT_KEY_FILE (${file})` };
  }
  const message =
    `MILLRACE ROOT KEY NOT SET: master keys in ${join(options.dataDir, KEYRING_FILE)} are protected only by a PUBLIC development key, ` +
    'so anyone with the data directory can decrypt the data. Set MILLRACE_ROOT_KEY or MILLRACE_ROOT_KEY_FILE (32 random bytes) for real data.';
  if (options.logger) options.logger.warn(message);
  else process.emitWarning(message, { code: 'MILLRACE_DEV_ROOT_KEY' });
  return { key: Buffer.from(DEV_ROOT_KEY), source: 'the development default root key' };
}

function uuidBytes(keyId: string): Buffer {
  return Buffer.from(keyId.replaceAll('-', ''), 'hex');
}

function uuidString(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function checkId(value: unknown, name = 'keyId'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) throw new InvalidArgumentError(`${name} must be a non-empty string of at most 2048 characters`);
  return value;
}

function checkAlias(alias: unknown): string {
  if (typeof alias !== 'string' || !ALIAS_RE.test(alias)) {
    throw new InvalidArgumentError(`Alias names must match alias/[a-zA-Z0-9/_-]+ (at most 256 characters), got ${JSON.stringify(alias)}`);
  }
  if (alias.startsWith('alias/aws/')) throw new InvalidArgumentError(`Alias names starting with alias/aws/ are reserved for AWS managed keys: ${alias}`);
  return alias;
}

function checkContext(context: Uint8Array | undefined): Uint8Array {
  if (context === undefined) return Buffer.alloc(0);
  if (!(context instanceof Uint8Array)) throw new TypeError('The "context" argument must be a Buffer or Uint8Array');
  return context;
}

export class Keyring {
  readonly region: string;
  readonly accountId: string;
  private state: KeyringFile;
  /** Unsealed master key material, by `${keyId}/${version}`; wiped on close. */
  private readonly materials = new Map<string, Buffer>();
  /** Mutations run one at a time, each writing the whole file before it takes effect in memory. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Materials created inside the running mutation, adopted only if it persists. */
  private pendingMaterials: Map<string, Buffer> | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly rootKey: Buffer,
    private readonly clock: Clock,
    state: KeyringFile,
    options: KeyringOptions,
  ) {
    this.state = state;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
  }

  /** Opens (or starts) the keyring of a data directory. A wrong root key fails with MR_KMS_ACCESS_DENIED. */
  static async open(options: KeyringOptions): Promise<Keyring> {
    if (options === null || typeof options !== 'object') throw new TypeError('The "options" argument must be an object');
    if (typeof options.dataDir !== 'string' || options.dataDir.length === 0) throw new InvalidArgumentError('dataDir must be a non-empty string');
    if (options.region !== undefined && !/^[a-z0-9-]{1,32}$/.test(options.region)) throw new InvalidArgumentError(`Invalid region ${JSON.stringify(options.region)}`);
    if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) throw new InvalidArgumentError('accountId must be 12 digits');
    const { key: rootKey, source } = await resolveRootKey(options);
    const path = join(options.dataDir, KEYRING_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw new IoError(`Cannot read ${path}`, { file: path, errno: (cause as NodeJS.ErrnoException).code, cause });
    }
    let state: KeyringFile;
    if (text === undefined) {
      state = { format: FILE_FORMAT, rootCheck: seal(rootKey, Buffer.alloc(0), ROOT_CHECK).toString('base64'), keys: {}, aliases: {} };
    } else {
      state = Keyring.parse(text, path);
      const check = unseal(rootKey, Buffer.alloc(0), Buffer.from(state.rootCheck, 'base64'));
      if (!check?.equals(ROOT_CHECK)) {
        rootKey.fill(0);
        throw kms('MR_KMS_ACCESS_DENIED', `The keyring ${path} was written under a different root key than the one from ${source}`);
      }
    }
    const ring = new Keyring(path, options.dataDir, rootKey, options.clock ?? systemClock, state, options);
    try {
      ring.loadMaterials();
    } catch (err) {
      await ring.close();
      throw err;
    }
    if (ring.expired(state).length > 0) await ring.mutate(() => undefined);
    return ring;
  }

  private static parse(text: string, path: string): KeyringFile {
    let state: KeyringFile;
    try {
      state = JSON.parse(text) as KeyringFile;
    } catch (cause) {
      throw new IoError(`${path} is not valid JSON`, { file: path, cause });
    }
    const bad = (): IoError => new IoError(`${path} is not a format ${FILE_FORMAT} keyring`, { file: path });
    if (state?.format !== FILE_FORMAT || typeof state.rootCheck !== 'string' || !state.keys || typeof state.keys !== 'object' || !state.aliases || typeof state.aliases !== 'object') throw bad();
    for (const [id, k] of Object.entries(state.keys)) {
      if (!UUID_RE.test(id) || !['Enabled', 'Disabled', 'PendingDeletion'].includes(k?.state) || !Array.isArray(k.versions) || k.versions.length === 0) throw bad();
      if (k.versions.some((v) => typeof v?.material !== 'string')) throw bad();
    }
    for (const target of Object.values(state.aliases)) if (state.keys[target] === undefined) throw bad();
    return state;
  }

  private loadMaterials(): void {
    for (const [keyId, key] of Object.entries(this.state.keys)) {
      key.versions.forEach((v, i) => {
        const material = unseal(this.rootKey, materialAad(keyId, i + 1), Buffer.from(v.material, 'base64'));
        if (material?.length !== 32) throw kms('MR_KMS_ACCESS_DENIED', `Key material of ${keyId} version ${i + 1} in ${this.path} cannot be unsealed with the root key`);
        this.materials.set(`${keyId}/${i + 1}`, material);
      });
    }
  }

  keyArn(keyId: string): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:key/${keyId}`;
  }

  aliasArn(alias: string): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:${alias}`;
  }

  /** Creates a customer master key, enabled, with version 1 of its material. */
  async createKey(options: { description?: string; alias?: string } = {}): Promise<KeyMetadata> {
    const description = options.description ?? '';
    if (typeof description !== 'string' || description.length > 8192) throw new InvalidArgumentError('description must be a string of at most 8192 characters');
    const alias = options.alias === undefined ? undefined : checkAlias(options.alias);
    return this.mutate((s) => {
      if (alias !== undefined && s.aliases[alias] !== undefined) throw new InvalidArgumentError(`The alias ${alias} already exists`);
      const keyId = this.addKey(s, description, 'CUSTOMER');
      if (alias !== undefined) s.aliases[alias] = keyId;
      return keyId;
    }).then((keyId) => this.metadata(keyId));
  }

  /** Metadata of a key named by id, key ARN, alias or alias ARN. Creates alias/aws/kinesis on first use, as KMS does. */
  async describeKey(keyId: string): Promise<KeyMetadata> {
    return this.metadata(await this.resolve(keyId));
  }

  listKeys(): Array<{ keyId: string; arn: string }> {
    this.assertOpen();
    return this.liveKeyIds().map((keyId) => ({ keyId, arn: this.keyArn(keyId) }));
  }

  /** Aliases (optionally of one key), with their ARNs and target key ids. */
  listAliases(keyId?: string): Array<{ aliasName: string; aliasArn: string; targetKeyId: string }> {
    this.assertOpen();
    const target = keyId === undefined ? undefined : this.resolveSync(keyId);
    return Object.entries(this.state.aliases)
      .filter(([, id]) => (target === undefined || id === target) && this.live(id) !== undefined)
      .map(([aliasName, id]) => ({ aliasName, aliasArn: this.aliasArn(aliasName), targetKeyId: id }));
  }

  async createAlias(alias: string, targetKeyId: string): Promise<void> {
    checkAlias(alias);
    await this.mutate((s) => {
      if (s.aliases[alias] !== undefined) throw new InvalidArgumentError(`The alias ${alias} already exists`);
      s.aliases[alias] = this.customerTarget(s, targetKeyId);
    });
  }

  /** Points an existing alias at another key. */
  async updateAlias(alias: string, targetKeyId: string): Promise<void> {
    checkAlias(alias);
    await this.mutate((s) => {
      if (s.aliases[alias] === undefined) throw kms('MR_KMS_NOT_FOUND', `Alias ${this.aliasArn(alias)} is not found.`);
      s.aliases[alias] = this.customerTarget(s, targetKeyId);
    });
  }

  async deleteAlias(alias: string): Promise<void> {
    checkAlias(alias);
    await this.mutate((s) => {
      if (s.aliases[alias] === undefined) throw kms('MR_KMS_NOT_FOUND', `Alias ${this.aliasArn(alias)} is not found.`);
      delete s.aliases[alias];
    });
  }

  async enableKey(keyId: string): Promise<KeyMetadata> {
    return this.changeState(keyId, 'enable', (k) => {
      if (k.state === 'PendingDeletion') throw this.invalidState(keyId, k);
      k.state = 'Enabled';
    });
  }

  async disableKey(keyId: string): Promise<KeyMetadata> {
    return this.changeState(keyId, 'disable', (k) => {
      if (k.state === 'PendingDeletion') throw this.invalidState(keyId, k);
      k.state = 'Disabled';
    });
  }

  /**
   * Schedules deletion after a waiting period of 7 to 30 days (default 30). Until then the key is
   * PendingDeletion: it neither wraps nor unwraps, and cancelKeyDeletion brings it back (Disabled).
   * After the date the key and all its material are gone, and data under it is unreadable.
   */
  async scheduleKeyDeletion(keyId: string, pendingWindowInDays = MAX_PENDING_WINDOW_DAYS): Promise<KeyMetadata> {
    if (!Number.isInteger(pendingWindowInDays) || pendingWindowInDays < MIN_PENDING_WINDOW_DAYS || pendingWindowInDays > MAX_PENDING_WINDOW_DAYS) {
      throw new InvalidArgumentError(`pendingWindowInDays must be an integer from ${MIN_PENDING_WINDOW_DAYS} to ${MAX_PENDING_WINDOW_DAYS}, got ${pendingWindowInDays}`);
    }
    return this.changeState(keyId, 'schedule deletion of', (k) => {
      if (k.state === 'PendingDeletion') throw this.invalidState(keyId, k);
      k.state = 'PendingDeletion';
      k.deletionDate = this.clock.now() + pendingWindowInDays * DAY_MS;
      k.pendingWindowInDays = pendingWindowInDays;
    });
  }

  async cancelKeyDeletion(keyId: string): Promise<KeyMetadata> {
    return this.changeState(keyId, 'cancel deletion of', (k) => {
      if (k.state !== 'PendingDeletion') throw this.invalidState(keyId, k);
      k.state = 'Disabled';
      delete k.deletionDate;
      delete k.pendingWindowInDays;
    });
  }

  /** Adds a version of the key's material; new data keys use it, older versions still unwrap. */
  async rotateKey(keyId: string): Promise<KeyMetadata> {
    return this.changeState(keyId, 'rotate', (k, id, s) => {
      this.checkUsable(id, k);
      this.addVersion(s, id);
    });
  }

  /**
   * A fresh data key and its wrapped form under the key's current version. `context` (e.g. the
   * log id) is bound into the wrapping and must be given again to unwrap, like a KMS encryption context.
   */
  async generateDataKey(keyId: string, context?: Uint8Array): Promise<DataKey> {
    const ctx = checkContext(context);
    const id = await this.resolve(keyId);
    const key = this.live(id);
    if (key === undefined) throw kms('MR_KMS_NOT_FOUND', `Key '${this.keyArn(id)}' does not exist`);
    this.checkUsable(id, key);
    const version = key.versions.length;
    const header = Buffer.alloc(WRAP_HEADER);
    header[0] = WRAP_FORMAT;
    header.writeUInt32LE(version, 4);
    uuidBytes(id).copy(header, 8);
    const plaintext = randomBytes(DATA_KEY_BYTES);
    const sealed = seal(this.material(id, version), Buffer.concat([header, ctx]), plaintext);
    return { keyArn: this.keyArn(id), keyVersion: version, plaintext, wrapped: Buffer.concat([header, sealed]) };
  }

  /** Unwraps a data key. The master key must exist and be Enabled; a tampered blob or wrong context fails with MR_CRYPTO. */
  decryptDataKey(wrapped: Uint8Array, context?: Uint8Array): Buffer {
    this.assertOpen();
    if (!(wrapped instanceof Uint8Array)) throw new TypeError('The "wrapped" argument must be a Buffer or Uint8Array');
    const ctx = checkContext(context);
    if (wrapped.length !== WRAPPED_DATA_KEY_BYTES || wrapped[0] !== WRAP_FORMAT) {
      throw new CryptoError(`A wrapped data key is ${WRAPPED_DATA_KEY_BYTES} bytes of format ${WRAP_FORMAT}; got ${wrapped.length} bytes`);
    }
    const blob = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
    const version = blob.readUInt32LE(4);
    const id = uuidString(blob.subarray(8, WRAP_HEADER));
    const key = this.live(id);
    if (key === undefined) throw kms('MR_KMS_NOT_FOUND', `Key '${this.keyArn(id)}' does not exist`);
    this.checkUsable(id, key);
    const material = this.materials.get(`${id}/${version}`);
    if (material === undefined) throw new CryptoError(`Key ${this.keyArn(id)} has no version ${version}`);
    const plaintext = unseal(material, Buffer.concat([blob.subarray(0, WRAP_HEADER), ctx]), blob.subarray(WRAP_HEADER));
    if (plaintext === undefined) throw new CryptoError('The wrapped data key does not authenticate: tampered, or a different encryption context');
    return plaintext;
  }

  /**
   * Throws the MR_KMS_* error a wrap or unwrap under this key would throw now (sync and cheap: no
   * crypto). The log calls it for every append and read of an encrypted stream, so that disabling
   * or deleting a key stops both at once, not at the next segment.
   */
  assertUsable(keyId: string): void {
    this.assertOpen();
    const id = this.resolveSync(keyId);
    this.checkUsable(id, this.state.keys[id]!);
  }

  /**
   * As assertUsable, and also says which key and material version new data keys under `keyId`
   * would use now: a log starts a fresh data key when either changes (rotation, alias retargeted).
   */
  activeVersion(keyId: string): { keyId: string; version: number } {
    this.assertOpen();
    const id = this.resolveSync(keyId);
    const key = this.state.keys[id]!;
    this.checkUsable(id, key);
    return { keyId: id, version: key.versions.length };
  }

  /** Waits for pending writes, then wipes key material from memory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    for (const m of this.materials.values()) m.fill(0);
    this.materials.clear();
    this.rootKey.fill(0);
  }

  // ----- internals -----

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('The keyring is closed');
  }

  /** Runs `fn` on a copy of the state, persists the copy, then adopts it. */
  private mutate<T>(fn: (s: KeyringFile) => T): Promise<T> {
    this.assertOpen();
    const run = async (): Promise<T> => {
      this.assertOpen();
      const draft = structuredClone(this.state);
      const dropped = this.expired(draft);
      for (const id of dropped) {
        delete draft.keys[id];
        for (const [alias, target] of Object.entries(draft.aliases)) if (target === id) delete draft.aliases[alias];
      }
      const pending = new Map<string, Buffer>();
      this.pendingMaterials = pending;
      let result: T;
      try {
        result = fn(draft);
        await mkdir(this.dir, { recursive: true });
        await writeFileAtomic(this.path, JSON.stringify(draft, null, 1));
      } catch (err) {
        for (const m of pending.values()) m.fill(0);
        throw err;
      } finally {
        this.pendingMaterials = undefined;
      }
      this.state = draft;
      for (const [k, m] of pending) this.materials.set(k, m);
      for (const id of dropped) {
        for (const [k, m] of this.materials) {
          if (!k.startsWith(`${id}/`)) continue;
          m.fill(0);
          this.materials.delete(k);
        }
      }
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private addKey(s: KeyringFile, description: string, manager: KeyManager): string {
    const keyId = randomUUID();
    s.keys[keyId] = { description, createdAt: this.clock.now(), state: 'Enabled', manager, versions: [] };
    this.addVersion(s, keyId);
    return keyId;
  }

  private addVersion(s: KeyringFile, keyId: string): void {
    const key = s.keys[keyId]!;
    const version = key.versions.length + 1;
    const material = randomBytes(32);
    key.versions.push({ createdAt: this.clock.now(), material: seal(this.rootKey, materialAad(keyId, version), material).toString('base64') });
    this.pendingMaterials!.set(`${keyId}/${version}`, material);
  }

  private material(keyId: string, version: number): Buffer {
    const m = this.materials.get(`${keyId}/${version}`);
    if (m === undefined) throw new CryptoError(`Key ${this.keyArn(keyId)} has no version ${version}`);
    return m;
  }

  /** Keys whose deletion date has passed: gone, whether or not the file says so yet. */
  private expired(s: KeyringFile): string[] {
    const now = this.clock.now();
    return Object.entries(s.keys)
      .filter(([, k]) => k.state === 'PendingDeletion' && k.deletionDate !== undefined && now >= k.deletionDate)
      .map(([id]) => id);
  }

  private live(keyId: string, s: KeyringFile = this.state): StoredKey | undefined {
    const k = s.keys[keyId];
    if (k === undefined) return undefined;
    if (k.state === 'PendingDeletion' && k.deletionDate !== undefined && this.clock.now() >= k.deletionDate) return undefined;
    return k;
  }

  private liveKeyIds(): string[] {
    return Object.keys(this.state.keys).filter((id) => this.live(id) !== undefined);
  }

  /** Key id for an id, key ARN, alias or alias ARN; undefined-free: throws MR_KMS_NOT_FOUND. */
  private resolveSync(name: string, s: KeyringFile = this.state): string {
    checkId(name);
    let ref = name;
    const arn = ARN_RE.exec(name);
    if (arn) {
      if (arn[1] !== this.region || arn[2] !== this.accountId) throw kms('MR_KMS_NOT_FOUND', `Key '${name}' does not exist`);
      ref = arn[3]!.startsWith('key/') ? arn[3]!.slice(4) : arn[3]!;
    }
    if (ref.startsWith('alias/')) {
      const target = s.aliases[ref];
      if (target === undefined || this.live(target, s) === undefined) throw kms('MR_KMS_NOT_FOUND', `Alias ${this.aliasArn(ref)} is not found.`);
      return target;
    }
    if (!UUID_RE.test(ref) || this.live(ref, s) === undefined) throw kms('MR_KMS_NOT_FOUND', `Key '${this.keyArn(ref)}' does not exist`);
    return ref;
  }

  /** resolveSync, creating the AWS managed Kinesis key the first time its alias is named. */
  private async resolve(name: string): Promise<string> {
    this.assertOpen();
    checkId(name);
    const isManaged = name === AWS_KINESIS_ALIAS || name === this.aliasArn(AWS_KINESIS_ALIAS);
    if (isManaged && this.state.aliases[AWS_KINESIS_ALIAS] === undefined) {
      await this.mutate((s) => {
        if (s.aliases[AWS_KINESIS_ALIAS] === undefined) {
          s.aliases[AWS_KINESIS_ALIAS] = this.addKey(s, 'Default key that protects my Kinesis data when no other key is defined', 'AWS');
        }
      });
    }
    return this.resolveSync(name);
  }

  private customerTarget(s: KeyringFile, name: string): string {
    if (typeof name === 'string' && (name.startsWith('alias/') || name.includes(':alias/'))) {
      throw new InvalidArgumentError('An alias must point at a key id or key ARN, not another alias');
    }
    const id = this.resolveSync(name, s);
    const k = s.keys[id]!;
    if (k.manager === 'AWS') throw new InvalidArgumentError(`${this.keyArn(id)} is an AWS managed key; aliases cannot point at it`);
    if (k.state === 'PendingDeletion') throw this.invalidState(id, k);
    return id;
  }

  private async changeState(name: string, verb: string, fn: (k: StoredKey, keyId: string, s: KeyringFile) => void): Promise<KeyMetadata> {
    const id = await this.mutate((s) => {
      const keyId = this.resolveSync(name, s);
      const k = s.keys[keyId]!;
      if (k.manager === 'AWS') throw new InvalidArgumentError(`Cannot ${verb} ${this.keyArn(keyId)}: it is an AWS managed key`);
      fn(k, keyId, s);
      return keyId;
    });
    return this.metadata(id);
  }

  private checkUsable(keyId: string, k: StoredKey): void {
    if (k.state === 'Disabled') throw kms('MR_KMS_DISABLED', `${this.keyArn(keyId)} is disabled.`);
    if (k.state === 'PendingDeletion') throw this.invalidState(keyId, k);
  }

  private invalidState(keyId: string, k: StoredKey): KmsError {
    return kms('MR_KMS_INVALID_STATE', `${this.keyArn(keyId)} is ${k.state === 'PendingDeletion' ? 'pending deletion' : k.state.toLowerCase()}.`);
  }

  private metadata(keyId: string): KeyMetadata {
    const k = this.live(keyId);
    if (k === undefined) throw kms('MR_KMS_NOT_FOUND', `Key '${this.keyArn(keyId)}' does not exist`);
    const meta: KeyMetadata = {
      keyId,
      arn: this.keyArn(keyId),
      description: k.description,
      createdAt: k.createdAt,
      enabled: k.state === 'Enabled',
      keyState: k.state,
      keyManager: k.manager,
      currentVersion: k.versions.length,
      aliases: Object.entries(this.state.aliases).filter(([, id]) => id === keyId).map(([a]) => a),
    };
    if (k.deletionDate !== undefined) meta.deletionDate = k.deletionDate;
    if (k.pendingWindowInDays !== undefined) meta.pendingWindowInDays = k.pendingWindowInDays;
    return meta;
  }
}

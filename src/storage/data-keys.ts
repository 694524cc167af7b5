// The data keys of one shard log (envelope encryption): the sidecar file that stores them wrapped
// under master keys, the run of batches the current key seals, and a bounded cache of unwrapped
// keys for reads. The batches themselves are sealed and opened in the addon (native/batch_seal.h).
//
// Sidecar <logDir>/datakeys.json, replaced atomically (temp file, fsync, rename, fsync of the
// directory) BEFORE the first batch sealed under a new key is queued, so after a crash every
// batch on disk finds its key; an entry whose batches never made it is harmless:
//   { "format": 1,
//     "logId": "<the log id bound into every batch's AAD and every key's wrapping context>",
//     "keys": [ { "ref": 1,                 // batch header B_OFF_KEY_REF; never reused in a log
//                 "firstOffset": 0,         // the key seals batches from here up to the next entry's firstOffset
//                 "wrapped": "<base64>" },  // keyring.ts WRAPPED_DATA_KEY_BYTES: master key id, version, sealed key
//               ... ] }
// Entries whose batches retention has removed (the next entry starts at or below the log's start
// offset) are dropped the next time the file is written.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes } from '../core/constants.js';
import { CryptoError, InvalidArgumentError, IoError, KmsError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { wrappedKeyInfo, type Keyring } from './keyring.js';

export const DATA_KEYS_FILE = 'datakeys.json';
const FILE_FORMAT = 1;
/** Unwrapped keys kept for reads; a consumer moving through a log needs one or two at a time. */
const READ_CACHE_LIMIT = 8;

/** Where new batches are encrypted: a master key of a keyring (id, alias or ARN). */
export interface EncryptionTarget {
  keyring: Keyring;
  keyId: string;
}

interface StoredEntry {
  ref: number;
  firstOffset: number;
  wrapped: string;
}

interface SidecarFile {
  format: number;
  logId: string;
  keys: StoredEntry[];
}

/** The key sealing the current run of batches. */
export interface Run {
  readonly ref: number;
  readonly key: Buffer;
  readonly masterKeyId: string;
  readonly version: number;
  readonly target: EncryptionTarget;
  /** Stored bytes sealed so far; the run ends at the log's segment size. */
  bytes: number;
}

interface CachedKey {
  key: Buffer;
  masterKeyId: string;
}

export class LogDataKeys {
  /** The current run; undefined until the first encrypted append (and after a stop). */
  run: Run | undefined;
  private readonly entries = new Map<number, StoredEntry>();
  private readonly cache = new Map<number, CachedKey>();
  private nextRef = 1;
  /** The log id as bytes: the addon's AAD prefix and the keyring's encryption context. */
  readonly context: Buffer;

  private constructor(
    private readonly dir: string,
    readonly logId: string,
    entries: StoredEntry[],
    private readonly runBytes: number,
  ) {
    this.context = Buffer.from(logId, 'utf8');
    for (const e of entries) {
      this.entries.set(e.ref, e);
      this.nextRef = Math.max(this.nextRef, e.ref + 1);
    }
  }

  /**
   * Reads the sidecar of `dir`. The log id is the caller's (checked against the file's), else the
   * file's, else a fresh random one (written with the first key).
   */
  static async load(dir: string, logId: string | undefined, runBytes: number): Promise<LogDataKeys> {
    const path = join(dir, DATA_KEYS_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw new IoError(`Cannot read ${path}`, { file: path, errno: (cause as NodeJS.ErrnoException).code, cause });
    }
    if (text === undefined) return new LogDataKeys(dir, logId ?? randomUUID(), [], runBytes);
    const file = LogDataKeys.parse(text, path);
    if (logId !== undefined && logId !== file.logId) {
      throw new InvalidArgumentError(`logId ${JSON.stringify(logId)} differs from ${JSON.stringify(file.logId)}, the id this log's encrypted batches are bound to (${path})`);
    }
    return new LogDataKeys(dir, file.logId, file.keys, runBytes);
  }

  private static parse(text: string, path: string): SidecarFile {
    const bad = (why: string) => new CryptoError(`${path} is not a format ${FILE_FORMAT} data key file: ${why}`, { file: path });
    let file: SidecarFile;
    try {
      file = JSON.parse(text) as SidecarFile;
    } catch (cause) {
      throw new CryptoError(`${path} is not valid JSON`, { file: path, cause });
    }
    if (file?.format !== FILE_FORMAT || typeof file.logId !== 'string' || !Array.isArray(file.keys)) throw bad('format, logId or keys');
    for (const e of file.keys) {
      if (!Number.isSafeInteger(e?.ref) || e.ref < 1 || !Number.isSafeInteger(e.firstOffset) || e.firstOffset < 0 || typeof e.wrapped !== 'string') {
        throw bad(`entry ${JSON.stringify(e)}`);
      }
    }
    return file;
  }

  /** The current run's key when it may seal the next batch for `target`; undefined when a new key is due. Throws the key's MR_KMS_* error. */
  current(target: EncryptionTarget): Run | undefined {
    const active = target.keyring.activeVersion(target.keyId);
    const run = this.run;
    if (run === undefined || run.target !== target || run.masterKeyId !== active.keyId || run.version !== active.version || run.bytes >= this.runBytes) return undefined;
    return run;
  }

  /**
   * Starts a run under a fresh data key: generated and wrapped by the keyring, stored durably in
   * the sidecar, and only then made current. `firstOffset` is where its first batch will go;
   * `startOffset` is the log's, for dropping entries of trimmed data.
   */
  async startRun(target: EncryptionTarget, firstOffset: number, startOffset: number): Promise<Run> {
    const dk = await target.keyring.generateDataKey(target.keyId, this.context);
    const entry: StoredEntry = { ref: this.nextRef, firstOffset, wrapped: dk.wrapped.toString('base64') };
    this.entries.set(entry.ref, entry);
    try {
      await this.save(startOffset);
    } catch (err) {
      this.entries.delete(entry.ref);
      dk.plaintext.fill(0);
      throw err;
    }
    this.nextRef++;
    this.endRun();
    this.run = { ref: entry.ref, key: dk.plaintext, masterKeyId: wrappedKeyInfo(dk.wrapped).keyId, version: dk.keyVersion, target, bytes: 0 };
    return this.run;
  }

  /** Wipes the current run's key. Only between enqueues: a queued append copies its key first. */
  endRun(): void {
    this.run?.key.fill(0);
    this.run = undefined;
  }

  /**
   * The unwrapped key of `ref` for reading, after checking (every time) that its master key is
   * usable: a disabled or deleted key stops reads at once, cached or not.
   */
  readKey(ref: number, keyring: Keyring | undefined): Buffer {
    const run = this.run;
    if (run !== undefined && run.ref === ref) {
      run.target.keyring.assertUsable(run.masterKeyId);
      return run.key;
    }
    if (keyring === undefined) {
      throw new KmsError(ErrorCodes.MR_KMS_ACCESS_DENIED, `The log ${this.dir} holds encrypted batches; open it with a keyring (options.keyring or options.encryption) to read them`);
    }
    const cached = this.cache.get(ref);
    if (cached !== undefined) {
      keyring.assertUsable(cached.masterKeyId);
      this.cache.delete(ref);
      this.cache.set(ref, cached);
      return cached.key;
    }
    const entry = this.entries.get(ref);
    if (entry === undefined) throw new CryptoError(`The log ${this.dir} has no data key ${ref} (${DATA_KEYS_FILE} lost or damaged)`, { file: join(this.dir, DATA_KEYS_FILE) });
    const wrapped = Buffer.from(entry.wrapped, 'base64');
    const key = keyring.decryptDataKey(wrapped, this.context);
    this.cache.set(ref, { key, masterKeyId: wrappedKeyInfo(wrapped).keyId });
    if (this.cache.size > READ_CACHE_LIMIT) {
      const [oldest, evicted] = this.cache.entries().next().value as [number, CachedKey];
      evicted.key.fill(0);
      this.cache.delete(oldest);
    }
    return key;
  }

  /** Wipes every unwrapped key. */
  close(): void {
    this.endRun();
    for (const c of this.cache.values()) c.key.fill(0);
    this.cache.clear();
  }

  private async save(startOffset: number): Promise<void> {
    const sorted = [...this.entries.values()].sort((a, b) => a.ref - b.ref);
    // Entry i seals offsets below entry i+1's firstOffset; once that is trimmed, entry i is unused.
    for (let i = 0; i + 1 < sorted.length && sorted[i + 1]!.firstOffset <= startOffset; i++) this.entries.delete(sorted[i]!.ref);
    const file: SidecarFile = { format: FILE_FORMAT, logId: this.logId, keys: [...this.entries.values()] };
    await writeFileAtomic(join(this.dir, DATA_KEYS_FILE), JSON.stringify(file, null, 1));
  }
}

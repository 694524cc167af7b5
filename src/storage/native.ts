// The only file that loads the .node binary. Everything else imports `native` from here.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { createError, NativeUnavailableError, type ErrorDetails } from '../errors.js';

export interface NativeReadView {
  buffer: Buffer;
  file: string;
  position: number;
}

/** What the addon's readMapped returns: the whole segment mapping and the range that was read. */
interface NativeMappedRead {
  arrayBuffer: ArrayBuffer;
  position: number;
  length: number;
  file: string;
}

interface NativeLogClass {
  prototype: {
    readMapped(offset: number, maxRecords: number, maxBytes: number): NativeMappedRead | null;
    read(offset: number, maxRecords: number, maxBytes: number): NativeReadView | null;
  };
}

export interface NativeLogStats {
  startOffset: number;
  endOffset: number;
  segments: number;
  bytes: number;
  firstTimestamp: number | undefined;
  lastTimestamp: number | undefined;
}

/** The C++ log. Arguments are checked by ShardLog before they get here. */
export interface NativeLog {
  /** `key`: the 32-byte data key, only with FLAG_ENCRYPTED; the batch is sealed on the I/O thread. */
  append(payload: Uint8Array, count: number, baseTs: number, maxTs: number, flags: number, rawSize: number, keyRef: number, key?: Uint8Array): Promise<number>;
  /** Plaintext payload of the encrypted batch whose header is at `position` in a read view. */
  openBatch(view: Buffer, position: number, key: Uint8Array): Buffer;
  /** openBatch on a libuv pool thread. */
  openBatchAsync(view: Buffer, position: number, key: Uint8Array): Promise<Buffer>;
  read(offset: number, maxRecords: number, maxBytes: number): NativeReadView | null;
  findByTimestamp(ts: number): number;
  trim(olderThan: number | null, maxBytes: number, beforeOffset: number): Promise<number>;
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): NativeLogStats;
  startOffset(): number;
  endOffset(): number;
  /** The offset the next append gets, counting batches still queued. */
  nextOffset(): number;
  readonly io: 'io_uring' | 'pwrite';
}

export interface NativeOpenOptions {
  segmentBytes: number;
  durability: number;
  syncIntervalMs: number;
  indexIntervalBytes: number;
  io: number;
  /** The log's identity, bound into every encrypted batch's additional authenticated data. */
  aad?: Uint8Array;
}

/** Cumulative I/O-thread counters since the process started (for benchmarks and diagnosis). */
export interface NativeIoStats {
  rounds: number;
  /** I/O thread: time writing batches and syncing for group commit (`always`). */
  writeMs: number;
  syncMs: number;
  /** I/O thread: time waiting for a zero-fill chunk to clear the range it was about to write. */
  fillWaitMs: number;
  /** Zero-fill thread: time and bytes zero-filled ahead of durable tails. */
  fillMs: number;
  fillBytes: number;
  /** Bytes durable logs wrote past the zero-filled range (the filler fell behind). */
  unfilledBytes: number;
  /** Syncer thread: `interval` syncs done, and their time (off the I/O thread, so no append waits for them). */
  intervalSyncs: number;
  intervalSyncMs: number;
  /** Rounds written on the appending (JS) thread: `never` appends to an idle log on pwrite. */
  inlineRounds: number;
  /** Write requests issued, and the appends they carried: a log's consecutive appends in one round share a write. */
  writes: number;
  appendsWritten: number;
}

export interface NativeAddon {
  init(createError: (code: string, message: string, details?: ErrorDetails) => Error): void;
  noop(): void;
  crc32c(data: Uint8Array, seed?: number): number;
  /** A new descriptor (close-on-exec) for the same open file; throws MR_IO with the errno. */
  dupFd(fd: number): number;
  /** Copies the first bytes waiting on a socket into `out`, leaving them queued: the count, 0 at end of stream, or -errno (-EAGAIN: nothing yet). */
  peekSocket(fd: number, out: Uint8Array): number;
  /** TCP_DEFER_ACCEPT on a listening socket (accept once data has arrived); whether it was set. */
  setDeferAccept(fd: number, seconds: number): boolean;
  /** execv(path, [path, ...args]): this process becomes that program (same pid). Returns only by throwing MR_IO. */
  execFile(path: string, args: readonly string[]): never;
  md5Keys(keys: Uint8Array, ends: Uint32Array): Buffer;
  bucketize(hashes: Uint8Array, starts: Uint8Array): Uint32Array;
  /**
   * Packed records from `src`'s bytes: per record four offsets in `spans` (key start and end,
   * canonical base64 Data start and end), written back to back into `out` (sized exactly by the
   * caller): -1 when done, else the first record whose Data is not canonical or does not fit (the
   * record count when room is left over). See native/base64.cc.
   */
  packBase64Records(src: Uint8Array, spans: Uint32Array, out: Uint8Array): number;
  /** See native/route_packed.cc: groups, or 0 with the failure in parts[0..3]. */
  routePacked(payload: Uint8Array, count: number, starts: Uint8Array, maxData: number, memo: Uint8Array, out: Uint8Array, cols: Uint32Array, parts: Uint32Array): number;
  openLog(dir: string, options: NativeOpenOptions): Promise<NativeLog>;
  setIdleMs(ms: number): void;
  ioStats(): NativeIoStats;
  /** Throws MR_INVALID_ARGUMENT unless `payload` is exactly `count` packed records with timestamp deltas ≤ `span`. */
  validateRecords(payload: Uint8Array, count: number, span: number): void;
  aeadSeal(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer;
  aeadOpen(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer;
}

/**
 * NativeLog#read: a Buffer view into the one ArrayBuffer the addon keeps per segment mapping.
 * Made here because N-API on Node 20 cannot create a Buffer over an existing ArrayBuffer, and a
 * fresh external Buffer per read is what made V8 collect the heap over and over (log_wrap.cc).
 */
function defineRead(cls: NativeLogClass): void {
  const proto = cls.prototype;
  proto.read = function read(offset, maxRecords, maxBytes) {
    const r = this.readMapped(offset, maxRecords, maxBytes);
    return r === null ? null : { buffer: Buffer.from(r.arrayBuffer, r.position, r.length), file: r.file, position: r.position };
  };
}

function load(): NativeAddon {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/storage or dist/storage: the package root is two levels up.
  const root = join(here, '..', '..');
  const candidates = [join(root, 'build', 'Release', 'millrace.node'), join(root, 'build', 'Debug', 'millrace.node')];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new NativeUnavailableError(
      `The Millrace native addon is not built (looked for ${candidates.join(', ')}). Run \`npm run build\` (needs a C++ compiler, make, python3 and Node's headers).`,
    );
  }
  const require = createRequire(import.meta.url);
  let addon: NativeAddon;
  try {
    addon = require(path) as NativeAddon;
  } catch (cause) {
    throw new NativeUnavailableError(`The Millrace native addon at ${path} failed to load: ${(cause as Error).message}`, { cause });
  }
  addon.init(createError);
  defineRead((addon as unknown as { NativeLog: NativeLogClass }).NativeLog);
  return addon;
}

export const native: NativeAddon = load();

// What a workload needs from a face (embedded, fast path, HTTP through the AWS SDK, TCP through
// the millrace client): create a stream, send prepared batches, follow shards. Each face turns
// record data into its own request shape once per batch slot (`prepare`), so the timed loop only
// sends; a new face is one small file implementing this.
import { COMPRESSION_TAG } from '../../streams/compression.js';
import type { Compression, Encryption, FaceName } from '../options.js';

export interface PutOutcome {
  /** Records the service refused inside an accepted request (PutRecords' FailedRecordCount). */
  failed: number;
  /** Why, by error code, when `failed` > 0. */
  failures?: Record<string, number>;
}

/** How the stream stores its data. */
export interface AtRest {
  compression: Compression;
  encryption: Encryption;
}

/**
 * CreateStream tags for `compression`: Millrace chooses a stream's codec by a reserved tag, so every
 * face that has CreateStream's Tags can set it (src/streams/compression.ts).
 */
export function compressionTags(compression: Compression): Record<string, string> | undefined {
  return compression === 'none' ? undefined : { [COMPRESSION_TAG]: compression };
}

export interface BenchFace<B = unknown> {
  readonly name: FaceName | 'kinesalite';
  /** Creates the stream, ACTIVE (compressed and encrypted as asked) on return; resolves with its shard ids. */
  createStream(stream: string, shards: number, at: AtRest): Promise<string[]>;
  /** The face's request for these records (called once per slot, reused for every send). */
  prepare(stream: string, datas: Uint8Array[], keys: string[]): B;
  /** Where each record's data lives in a prepared request, when the face copied it (packed payloads). */
  stampTargets?(request: B): Uint8Array[];
  put(request: B): Promise<PutOutcome>;
  /**
   * Follows one shard from its oldest record (the bench always starts on a fresh stream), handing
   * each batch of record data to `onData` (views valid only during that call: the TCP face
   * reuses event memory), until `signal` aborts (then resolves). Errors go to
   * `onError` and the read goes on, as a real consumer survives a transient failure. Consumers
   * (`consumer`: 0 … consumers-1) get their own connection on network faces; in-process faces
   * share the engine.
   */
  consume(stream: string, shardId: string, consumer: number, onData: (datas: Uint8Array[]) => void, onError: (err: unknown) => void, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** PutRecords' answer (from the SDK or the embedded API) as a PutOutcome. */
export function putRecordsOutcome(out: { FailedRecordCount?: number; Records?: Array<{ ErrorCode?: string }> }): PutOutcome {
  const failed = out.FailedRecordCount ?? 0;
  if (failed === 0) return { failed };
  const failures: Record<string, number> = {};
  for (const r of out.Records ?? []) if (r.ErrorCode) failures[r.ErrorCode] = (failures[r.ErrorCode] ?? 0) + 1;
  return { failed, failures };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Error type name for counting: AWS `__type`/name, a MR_ code, or the class name. */
export function errorType(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown };
    if (typeof e.code === 'string' && e.code.startsWith('MR_')) return e.code;
    if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
    if (typeof e.code === 'string') return e.code;
  }
  return 'Error';
}

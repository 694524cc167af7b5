// Consumer-group checkpoints of the TCP face, kept in one file in the data directory
// (`tcp-checkpoints.json`). A commit is acknowledged only once a file holding it is durable;
// commits that arrive while a write is in flight share the next write (group commit), so a busy
// consumer fleet costs one write per round, not one per commit.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KinesisError } from '../../api/errors.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import type { Checkpoint } from '../../protocol/index.js';

export const CHECKPOINT_FILE = 'tcp-checkpoints.json';
/** Bounds the file and the map: one entry per group, stream and shard. */
export const MAX_CHECKPOINTS = 100_000;

interface Stored {
  offset: number;
  shardEnd: boolean;
  metadata: string;
  updatedAtMs: number;
}

export interface CheckpointKey {
  group: string;
  streamName: string;
  shardId: string;
}

function keyOf(k: CheckpointKey): string {
  return JSON.stringify([k.group, k.streamName, k.shardId]);
}

export class CheckpointStore {
  readonly #path: string;
  #entries: Map<string, Stored> | undefined;
  #loading: Promise<Map<string, Stored>> | undefined;
  #writing: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(dataDir: string) {
    this.#path = join(dataDir, CHECKPOINT_FILE);
  }

  async #load(): Promise<Map<string, Stored>> {
    if (this.#entries) return this.#entries;
    this.#loading ??= readFile(this.#path, 'utf8').then(
      (text) => new Map(Object.entries(JSON.parse(text) as Record<string, Stored>)),
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return new Map<string, Stored>();
        throw e;
      },
    );
    this.#entries = await this.#loading;
    return this.#entries;
  }

  async fetch(k: CheckpointKey): Promise<Checkpoint | undefined> {
    const s = (await this.#load()).get(keyOf(k));
    return s && { offset: s.offset, shardEnd: s.shardEnd, metadata: Buffer.from(s.metadata, 'base64'), updatedAtMs: s.updatedAtMs };
  }

  async commit(k: CheckpointKey, offset: number, shardEnd: boolean, metadata: Uint8Array, now: number): Promise<void> {
    const entries = await this.#load();
    const key = keyOf(k);
    if (!entries.has(key) && entries.size >= MAX_CHECKPOINTS) {
      throw new KinesisError('LimitExceededException', `at most ${MAX_CHECKPOINTS} checkpoints are kept`);
    }
    entries.set(key, { offset, shardEnd, metadata: Buffer.from(metadata).toString('base64'), updatedAtMs: now });
    return this.#persist();
  }

  /** Resolves once a write started after this call is durable. */
  #persist(): Promise<void> {
    if (!this.#writing) {
      this.#writing = this.#write().finally(() => (this.#writing = undefined));
      return this.#writing;
    }
    this.#next ??= this.#writing.catch(() => undefined).then(() => {
      this.#next = undefined;
      return this.#persist();
    });
    return this.#next;
  }

  #write(): Promise<void> {
    return writeFileAtomic(this.#path, JSON.stringify(Object.fromEntries(this.#entries!)));
  }
}

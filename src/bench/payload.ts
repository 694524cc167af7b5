// Record payloads for the producers, built so the hot loop allocates nothing per record: each
// in-flight batch owns a slot (one buffer cut into records, and the face's request made from it
// once), and sending a batch only stamps the send time into the first 8 bytes of each record.
// Data is pseudo-random rather than zeros so compression is measured on something realistic.
import { randomFillSync } from 'node:crypto';
import { TIMESTAMP_BYTES } from './options.js';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across threads and processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface Slot<B> {
  readonly request: B;
  readonly bytes: number;
  stamp(sendMs: number): void;
}

export class SlotPool<B> {
  readonly #free: Slot<B>[] = [];
  #keyCursor: number;

  constructor(
    private readonly recordSize: number,
    private readonly batchSize: number,
    private readonly keys: readonly string[],
    private readonly prepare: (datas: Uint8Array[], keys: string[]) => B,
    keyStart: number,
    /** The record data inside a request, when the face copied it there (default: the data given to prepare). */
    private readonly targets?: (request: B) => Uint8Array[],
  ) {
    this.#keyCursor = keyStart;
  }

  take(): Slot<B> {
    return this.#free.pop() ?? this.#make();
  }

  give(slot: Slot<B>): void {
    this.#free.push(slot);
  }

  #make(): Slot<B> {
    const { recordSize, batchSize } = this;
    const buf = Buffer.allocUnsafe(recordSize * batchSize);
    randomFillSync(buf);
    const datas: Uint8Array[] = [];
    const keys: string[] = [];
    for (let i = 0; i < batchSize; i++) {
      datas.push(buf.subarray(i * recordSize, (i + 1) * recordSize));
      keys.push(this.keys[this.#keyCursor++ % this.keys.length]!);
    }
    const request = this.prepare(datas, keys);
    const stampable = recordSize >= TIMESTAMP_BYTES;
    const targets = this.targets?.(request);
    return {
      request,
      bytes: recordSize * batchSize,
      stamp(sendMs: number) {
        if (!stampable) return;
        if (targets) for (const t of targets) writeTime(t, sendMs);
        else for (let i = 0; i < batchSize; i++) buf.writeDoubleLE(sendMs, i * recordSize);
      },
    };
  }
}

const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);

function writeTime(data: Uint8Array, ms: number): void {
  scratch[0] = ms;
  data.set(scratchBytes);
}

/** The send time stamped into a record (no allocation: the consumer calls this per record). */
export function sendTimeOf(data: Uint8Array): number {
  for (let i = 0; i < TIMESTAMP_BYTES; i++) scratchBytes[i] = data[i]!;
  return scratch[0]!;
}

/** `count` partition keys, shared by all producers. */
export function partitionKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `pk-${i}`);
}

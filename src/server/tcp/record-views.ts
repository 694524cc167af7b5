// Stored batches out to the wire, without an object or a copy per record.
//
// The fast read returns the stored batches' packed-record bytes (ShardLog.readBatches): views of
// the mapped segment for plain batches, decoded buffers otherwise. The wire's record batch carries
// the same packed layout, so each one goes out as it is: the socket write references those bytes
// (FrameWriter.flushParts). A batch is walked, by record lengths only, where the limits cut it.
import type { FastBatch } from '../../api/fast/read-shard.js';
import { readU32 as u32 } from '../../core/record-pack.js';
import { RecordTooLargeError } from '../../errors.js';
import { WireCodec, type RecordBatch } from '../../protocol/index.js';

/** Wire bytes of one record batch beyond its payload (offset, timestamp, packed-payload fields). */
export const BATCH_OVERHEAD = 32;

export interface SliceLimits {
  maxRecords: number;
  /** Soft byte budget of packed payload bytes. */
  maxBytes: number;
  /** true: the record that crosses maxBytes is included (subscription credits); false: it is not, unless it is the first. */
  overshoot: boolean;
  /** Hard budget for payloads plus BATCH_OVERHEAD per batch: the frame must fit the peer's limit. */
  frameBudget: number;
}

export interface Slice {
  batches: RecordBatch[];
  /** Records taken. */
  count: number;
  /** Packed payload bytes taken. */
  bytes: number;
  /** Whole input batches taken from `batches[from]` on. */
  taken: number;
  /** What is left of the batch the limits cut, if one was cut: it is next. */
  rest: FastBatch | undefined;
  /** Arrival time of the last batch taken (its records share it), or undefined when none was. */
  lastTimestamp: number | undefined;
}

function wire(b: FastBatch, payload = b.payload, recordCount = b.recordCount): RecordBatch {
  return { firstOffset: b.firstOffset, baseTimestampMs: b.baseTimestamp, recordCount, codec: WireCodec.NONE, rawSize: payload.length, payload };
}

/**
 * Takes records from `batches[from]` on within the limits, as wire record batches that view the
 * input. Throws RecordTooLargeError when the first record alone cannot fit the frame budget.
 */
export function slicePacked(batches: readonly FastBatch[], from: number, limits: SliceLimits): Slice {
  const out: RecordBatch[] = [];
  let count = 0;
  let bytes = 0;
  let overhead = 0;
  let lastTimestamp: number | undefined;
  let i = from;
  for (; i < batches.length && count < limits.maxRecords; i++) {
    const b = batches[i]!;
    const length = b.payload.length;
    if (count + b.recordCount <= limits.maxRecords && bytes + length <= limits.maxBytes && overhead + BATCH_OVERHEAD + bytes + length <= limits.frameBudget) {
      out.push(wire(b));
      count += b.recordCount;
      bytes += length;
      overhead += BATCH_OVERHEAD;
      lastTimestamp = b.baseTimestamp;
      continue;
    }
    // The limits fall inside this batch: take what fits record by record.
    let end = 0;
    let n = 0;
    while (n < b.recordCount && count + n < limits.maxRecords) {
      const size = u32(b.payload, end);
      const taken = bytes + end;
      if (count + n > 0) {
        if (limits.overshoot ? taken >= limits.maxBytes : taken + size > limits.maxBytes) break;
        if (overhead + BATCH_OVERHEAD + taken + size > limits.frameBudget) break;
      } else if (BATCH_OVERHEAD + size > limits.frameBudget) {
        throw new RecordTooLargeError(`record at offset ${b.firstOffset} (${size} packed bytes) does not fit the peer's frame limit`);
      }
      end += size;
      n++;
    }
    if (n === b.recordCount) {
      // Whole after all (an overshoot allowed the last record in).
      out.push(wire(b));
      count += n;
      bytes += length;
      lastTimestamp = b.baseTimestamp;
      i++;
      break;
    }
    const rest: FastBatch = { firstOffset: b.firstOffset + n, recordCount: b.recordCount - n, baseTimestamp: b.baseTimestamp, payload: b.payload.subarray(end) };
    if (n > 0) {
      out.push(wire(b, b.payload.subarray(0, end), n));
      count += n;
      bytes += end;
      lastTimestamp = b.baseTimestamp;
    }
    return { batches: out, count, bytes, taken: i - from, rest, lastTimestamp };
  }
  return { batches: out, count, bytes, taken: i - from, rest: undefined, lastTimestamp };
}

// PutRecords: up to 500 records and 10 MiB per call, routed by partition key (or ExplicitHashKey).
// Per-record failures (throttling, internal) are reported in order with FailedRecordCount; the
// other records are written. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
import type { StreamEntry } from '../../streams/catalog.js';
import { matchesPattern, shapeByLimit, validateInput, HASH_KEY, STREAM_REF, type StructureShape } from '../validate.js';
import { fail, liveStream } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import { packedPutOf, type PackedPutEntries } from './packed-put.js';
import { putEntries, putPackedEntries, throttlesWrites, type PutOutcome } from './put.js';
import { PACKED_RECORDS } from './records.js';
import type { PutRecordsInput, PutRecordsOutput } from './shapes.js';

export const MAX_PUT_RECORDS_BYTES = 10 * 1024 * 1024;
/** AWS's limits on one PutRecords: entries, and a partition key's length in characters. */
export const MAX_PUT_RECORDS = 500;
export const MAX_PARTITION_KEY_LENGTH = 256;

const shapeFor = shapeByLimit((maxData) => ({
  type: 'structure',
  members: {
    ...STREAM_REF,
    Records: {
      type: 'list',
      required: true,
      min: 1,
      max: MAX_PUT_RECORDS,
      memberString: 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310',
      member: {
        type: 'structure',
        members: {
          Data: { type: 'blob', required: true, max: maxData },
          ExplicitHashKey: HASH_KEY,
          PartitionKey: { type: 'string', required: true, min: 1, max: MAX_PARTITION_KEY_LENGTH },
        },
      },
    },
  },
}));

const STREAM_REF_SHAPE: StructureShape = { type: 'structure', members: { ...STREAM_REF } };

/**
 * The common request (every entry a Uint8Array and strings within their limits) checked in one
 * tight loop instead of the generic validator's per-member walk, which costs more than the write
 * itself at 500 records. Anything else, valid or not, goes through validateInput, so errors keep
 * AWS's exact wording and order.
 */
function plainRequest(input: unknown, maxData: number): PutRecordsInput | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const req = input as Record<string, unknown>;
  const records = req.Records;
  if (!Array.isArray(records) || records.length < 1 || records.length > MAX_PUT_RECORDS) return undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as Record<string, unknown> | null;
    if (r === null || typeof r !== 'object') return undefined;
    const data = r.Data;
    const key = r.PartitionKey;
    const hash = r.ExplicitHashKey;
    if (!(data instanceof Uint8Array) || data.byteLength > maxData) return undefined;
    if (typeof key !== 'string' || key.length < 1 || key.length > MAX_PARTITION_KEY_LENGTH) return undefined;
    if (hash !== undefined && (typeof hash !== 'string' || !matchesPattern(HASH_KEY, hash))) return undefined;
  }
  return validStreamRef(req) ? (input as PutRecordsInput) : undefined;
}

/** Whether the request's stream reference members pass validation (a failing one is worded by the full validator). */
function validStreamRef(req: { StreamName?: unknown; StreamARN?: unknown; StreamId?: unknown }): boolean {
  try {
    validateInput({ StreamName: req.StreamName, StreamARN: req.StreamARN, StreamId: req.StreamId }, STREAM_REF_SHAPE);
    return true;
  } catch {
    return false;
  }
}

/**
 * Entries a face handed over packed (packed-put.ts), when the request passes the checks that the
 * validator would make of it: its stream reference valid, every Data within the limit (the
 * scanner already kept keys to 1-256 ASCII characters and the list to 1-500 entries). Otherwise
 * undefined, and the request's `Records` objects take the usual path, errors and all.
 */
function packedRequest(input: PutRecordsInput, maxData: number): PackedPutEntries | undefined {
  const packed = packedPutOf(input);
  if (packed === undefined || packed.count < 1 || packed.count > MAX_PUT_RECORDS || packed.maxDataBytes > maxData) return undefined;
  return validStreamRef(input) ? packed : undefined;
}

export async function putRecords(ctx: KinesisContext, input: PutRecordsInput): Promise<PutRecordsOutput> {
  const maxData = ctx.engine.options.maxRecordBytes;
  const packed = packedRequest(input, maxData);
  let outcome: PutOutcome;
  let total = 0;
  let stream: StreamEntry;
  if (packed !== undefined && !throttlesWrites(ctx, (stream = liveStream(ctx, input)))) {
    total = packed.bytes;
    if (total > MAX_PUT_RECORDS_BYTES) fail('InvalidArgumentException', msg.recordsTooLarge(MAX_PUT_RECORDS_BYTES));
    outcome = await putPackedEntries(ctx, stream, packed.payload, packed.count);
    packed.release();
  } else {
    const req = plainRequest(input, maxData) ?? validateInput<PutRecordsInput>(input, shapeFor(maxData));
    stream = liveStream(ctx, req);
    outcome = await putEntries(ctx, stream, req.Records, MAX_PUT_RECORDS_BYTES);
    total = outcome.requestBytes;
  }
  const { results, failed, throttled } = outcome;
  const n = results.length;
  const m = ctx.engine.metrics(stream.name);
  m.add('PutRecords.Success');
  m.add('PutRecords.Records', n);
  m.add('PutRecords.Bytes', total);
  m.add('PutRecords.SuccessfulRecords', n - failed);
  m.add('PutRecords.FailedRecords', failed);
  m.add('PutRecords.ThrottledRecords', throttled);
  // A face that encodes the results itself gets them unbuilt (see PACKED_RECORDS in records.ts).
  const out: PutRecordsOutput = { FailedRecordCount: failed, Records: ctx.packedRecords ? [] : results.toRecords() };
  if (ctx.packedRecords) Object.defineProperty(out, PACKED_RECORDS, { value: results });
  if (stream.encryptionType === 'KMS') out.EncryptionType = 'KMS';
  return out;
}

// PutRecords: up to 500 records and 10 MiB per call, routed by partition key (or ExplicitHashKey).
// Per-record failures (throttling, internal) are reported in order with FailedRecordCount; the
// other records are written. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
import { validateInput, HASH_KEY, STREAM_REF, type StructureShape } from '../validate.js';
import { fail, liveStream } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import { putEntries } from './put.js';
import type { PutRecordsInput, PutRecordsOutput } from './shapes.js';

export const MAX_PUT_RECORDS_BYTES = 10 * 1024 * 1024;

const shapes = new Map<number, StructureShape>();
function shapeFor(maxData: number): StructureShape {
  let s = shapes.get(maxData);
  if (!s) {
    s = {
      type: 'structure',
      members: {
        ...STREAM_REF,
        Records: {
          type: 'list',
          required: true,
          min: 1,
          max: 500,
          memberString: 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310',
          member: {
            type: 'structure',
            members: {
              Data: { type: 'blob', required: true, max: maxData },
              ExplicitHashKey: HASH_KEY,
              PartitionKey: { type: 'string', required: true, min: 1, max: 256 },
            },
          },
        },
      },
    };
    shapes.set(maxData, s);
  }
  return s;
}

export async function putRecords(ctx: KinesisContext, input: PutRecordsInput): Promise<PutRecordsOutput> {
  const req = validateInput<PutRecordsInput>(input, shapeFor(ctx.engine.options.maxRecordBytes));
  const stream = liveStream(ctx, req);
  let total = 0;
  for (const r of req.Records) total += r.Data.byteLength + Buffer.byteLength(r.PartitionKey);
  if (total > MAX_PUT_RECORDS_BYTES) fail('InvalidArgumentException', msg.recordsTooLarge(MAX_PUT_RECORDS_BYTES));

  const { records, failed, throttled } = await putEntries(ctx, stream, req.Records);
  const m = ctx.engine.metrics(stream.name);
  m.add('PutRecords.Success');
  m.add('PutRecords.Records', records.length);
  m.add('PutRecords.Bytes', total);
  m.add('PutRecords.SuccessfulRecords', records.length - failed);
  m.add('PutRecords.FailedRecords', failed);
  m.add('PutRecords.ThrottledRecords', throttled);
  const out: PutRecordsOutput = { FailedRecordCount: failed, Records: records };
  if (stream.encryptionType === 'KMS') out.EncryptionType = 'KMS';
  return out;
}

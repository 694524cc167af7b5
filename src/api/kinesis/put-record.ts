// PutRecord: one record. SequenceNumberForOrdering must be a sequence number; ordering for a
// partition key then holds by construction, since numbers only grow within a shard and along its
// lineage (src/core/sequence-number.ts).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html
import { decodeSequenceNumber } from '../../core/sequence-number.js';
import { validateInput, shapeByLimit, HASH_KEY, SEQUENCE_NUMBER, STREAM_REF } from '../validate.js';
import { fail, liveStream } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import { putEntries } from './put.js';
import type { PutRecordInput, PutRecordOutput } from './shapes.js';

const shapeFor = shapeByLimit((maxData) => ({
  type: 'structure',
  members: {
    ...STREAM_REF,
    Data: { type: 'blob', required: true, max: maxData },
    PartitionKey: { type: 'string', required: true, min: 1, max: 256 },
    ExplicitHashKey: HASH_KEY,
    SequenceNumberForOrdering: SEQUENCE_NUMBER,
  },
}));

export async function putRecord(ctx: KinesisContext, input: PutRecordInput): Promise<PutRecordOutput> {
  const req = validateInput<PutRecordInput>(input, shapeFor(ctx.engine.options.maxRecordBytes));
  const stream = liveStream(ctx, req);
  if (req.SequenceNumberForOrdering !== undefined && !decodeSequenceNumber(req.SequenceNumberForOrdering)) {
    fail('InvalidArgumentException', msg.sequenceForOrdering(req.SequenceNumberForOrdering, stream.name, ctx.engine.account));
  }
  const o = (await putEntries(ctx, stream, [req])).results.entryAt(0);
  if (o.ErrorCode !== undefined) {
    fail(o.ErrorCode === 'ProvisionedThroughputExceededException' ? 'ProvisionedThroughputExceededException' : 'InternalFailureException', o.ErrorMessage!);
  }
  const m = ctx.engine.metrics(stream.name);
  m.add('PutRecord.Success');
  m.add('PutRecord.Bytes', req.Data.byteLength + Buffer.byteLength(req.PartitionKey));
  const out: PutRecordOutput = { ShardId: o.ShardId!, SequenceNumber: o.SequenceNumber! };
  if (stream.encryptionType === 'KMS') out.EncryptionType = 'KMS';
  return out;
}

// GetRecords: up to Limit (10,000) records and 10 MiB from an iterator's position. Returns a new
// iterator each call; at the end of a closed shard, ChildShards and no NextShardIterator.
// Provisioned streams allow 5 calls and 2 MiB per second per shard.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html
import { readPacked } from '../../streams/packed-read.js';
import { validateInput, STREAM_ARN, STREAM_ID } from '../validate.js';
import { childShards, fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import { kinesisRecordsOf, millisBehind, packedRecordsStats, PACKED_RECORDS, type BuiltRecords, type PackedRecords } from './records.js';
import type { GetRecordsInput, GetRecordsOutput } from './shapes.js';

export const MAX_GET_RECORDS_BYTES = 10 * 1024 * 1024;

const shape = {
  type: 'structure',
  members: {
    ShardIterator: { type: 'string', min: 1, max: 512, required: true },
    Limit: { type: 'integer', min: 1, max: 10000 },
    StreamARN: STREAM_ARN,
    StreamId: STREAM_ID,
  },
} as const;

export async function getRecords(ctx: KinesisContext, input: GetRecordsInput): Promise<GetRecordsOutput> {
  const req = validateInput<GetRecordsInput>(input, shape);
  const { engine } = ctx;
  const pos = engine.tokens.decode(req.ShardIterator);
  if (!pos) fail('InvalidArgumentException', msg.invalidShardIterator());
  const now = engine.now();
  const ttl = engine.options.iteratorTtlMs;
  if (now - pos.createdAt > ttl) fail('ExpiredIteratorException', msg.expiredIterator(pos.createdAt, now, ttl));

  const stream = engine.stream(pos.streamName);
  const shardId = `shardId-${String(pos.shardIndex).padStart(12, '0')}`;
  const shard = stream && stream.epoch === pos.epoch ? stream.shards.find((s) => s.index === pos.shardIndex) : undefined;
  if (!stream || !shard || stream.status === 'DELETING') fail('ResourceNotFoundException', msg.shardDoesNotExist(shardId, pos.streamName, engine.account));

  const handle = engine.handle(stream, shard);
  const metrics = engine.metrics(stream.name);
  const throttle = stream.mode === 'PROVISIONED' && engine.options.throttling ? handle.throttle(engine.options.shardLimits, engine.options.clock) : undefined;
  if (throttle && !throttle.admitRead()) {
    metrics.addShard(handle.shardId, 'ReadProvisionedThroughputExceeded');
    fail('ProvisionedThroughputExceededException', msg.readRateExceeded(shard.index, stream.name, engine.account));
  }

  // Packed batches, then AWS's records straight from them. 10 MiB counts packed bytes (data, keys
  // and record headers), a little stricter than data alone.
  const res = await readPacked(engine, stream, handle, pos.offset, { maxRecords: req.Limit ?? 10000, maxBytes: MAX_GET_RECORDS_BYTES });
  let built: BuiltRecords;
  let packed: PackedRecords | undefined;
  if (ctx.packedRecords) ({ packed, ...built } = packedRecordsStats(stream, handle.sequencer, res.batches));
  else built = kinesisRecordsOf(stream, handle.sequencer, res.batches);
  const { records, count, bytes, lastTimestamp } = built;
  throttle?.chargeRead(bytes);

  const out: GetRecordsOutput = { Records: records, MillisBehindLatest: millisBehind(now, built, res.nextOffset, res.endOffset) };
  if (packed !== undefined) Object.defineProperty(out, PACKED_RECORDS, { value: packed });
  if (shard.endOffset !== undefined && res.nextOffset >= shard.endOffset) {
    out.ChildShards = childShards(stream, shard);
  } else {
    out.NextShardIterator = engine.tokens.encode({ streamName: stream.name, epoch: stream.epoch, shardIndex: shard.index, offset: res.nextOffset, createdAt: now });
  }

  metrics.add('GetRecords.Success');
  metrics.add('GetRecords.Records', count);
  metrics.add('GetRecords.Bytes', bytes);
  metrics.addShard(handle.shardId, 'OutgoingRecords', count);
  metrics.addShard(handle.shardId, 'OutgoingBytes', bytes);
  metrics.iteratorAge(handle.shardId, count ? Math.max(0, now - lastTimestamp) : 0);
  return out;
}

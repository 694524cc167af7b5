// CreateStream: a stream with ShardCount shards splitting the hash-key space evenly (PROVISIONED),
// or the on-demand default shard count (ON_DEMAND). Returns once the stream is CREATING; it turns
// ACTIVE after the engine's createStreamDelayMs (0 by default: ACTIVE on return).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html
import { validateInput, STREAM_NAME, TAG_MAP } from '../validate.js';
import { checkShardLimit, fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { CreateStreamInput, CreateStreamOutput } from './shapes.js';
import { checkTags } from './tags.js';

const shape = {
  type: 'structure',
  members: {
    StreamName: { ...STREAM_NAME, required: true },
    ShardCount: { type: 'integer', min: 1, max: 100000 },
    StreamModeDetails: {
      type: 'structure',
      members: { StreamMode: { type: 'string', enum: ['PROVISIONED', 'ON_DEMAND'], required: true } },
    },
    Tags: { ...TAG_MAP, min: 0 },
    MaxRecordSizeInKiB: { type: 'integer', min: 1024, max: 10240 },
  },
} as const;

export async function createStream(ctx: KinesisContext, input: CreateStreamInput): Promise<CreateStreamOutput> {
  const req = validateInput<CreateStreamInput>(input, shape);
  const { engine } = ctx;
  const mode = req.StreamModeDetails?.StreamMode ?? 'PROVISIONED';
  if (mode === 'PROVISIONED' && req.ShardCount === undefined) fail('InvalidArgumentException', msg.shardCountRequired());
  const shardCount = req.ShardCount ?? engine.options.onDemandShardCount;
  if (req.Tags) checkTags(ctx, req.StreamName, req.Tags, {});
  if (engine.stream(req.StreamName)) fail('ResourceInUseException', msg.streamExists(req.StreamName, engine.account));
  checkShardLimit(ctx, shardCount);
  if (mode === 'ON_DEMAND' && engine.onDemandStreamCount() >= engine.options.onDemandStreamCountLimit) {
    fail('LimitExceededException', msg.onDemandStreamLimit(engine.account, engine.options.onDemandStreamCountLimit));
  }
  const maxKiB = req.MaxRecordSizeInKiB ?? Math.ceil(engine.options.maxRecordBytes / 1024);
  await engine.createStream({ name: req.StreamName, shardCount, mode, tags: { ...req.Tags }, maxRecordSizeKiB: maxKiB });
  return {};
}

// UpdateShardCount (UNIFORM_SCALING): reshapes the open shards into TargetShardCount even ranges
// through splits and merges (src/streams/resharding.ts). AWS's default limits apply: at most double
// or half the open shard count per call, 10 calls per rolling 24 hours, the account shard limit.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateShardCount.html
import { validateInput, STREAM_REF } from '../validate.js';
import { activeStream, checkShardLimit, fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { UpdateShardCountInput, UpdateShardCountOutput } from './shapes.js';

const DAY = 24 * 3_600_000;
const MAX_SCALINGS_PER_DAY = 10;

const shape = {
  type: 'structure',
  members: {
    ...STREAM_REF,
    TargetShardCount: { type: 'integer', min: 1, max: 100000, required: true },
    ScalingType: { type: 'string', enum: ['UNIFORM_SCALING'], required: true },
  },
} as const;

export async function updateShardCount(ctx: KinesisContext, input: UpdateShardCountInput): Promise<UpdateShardCountOutput> {
  const req = validateInput<UpdateShardCountInput>(input, shape);
  const { engine } = ctx;
  const stream = activeStream(ctx, req);
  if (stream.mode === 'ON_DEMAND') fail('ValidationException', msg.scaleOnDemand(stream.name));
  const open = stream.shards.filter((s) => s.closedAt === undefined).length;
  const target = req.TargetShardCount;
  if (target > open * 2) fail('InvalidArgumentException', msg.scaleUpTooFar(open, target));
  if (target * 2 < open) fail('InvalidArgumentException', msg.scaleDownTooFar(open, target));
  const now = engine.now();
  stream.scalingEvents = stream.scalingEvents.filter((t) => now - t < DAY);
  if (stream.scalingEvents.length >= MAX_SCALINGS_PER_DAY) fail('LimitExceededException', msg.scaleTooOften(stream.name, engine.account));
  if (target > open) checkShardLimit(ctx, target - open);
  stream.scalingEvents.push(now);
  await engine.update(stream, { kind: 'scale', target });
  return { StreamName: stream.name, CurrentShardCount: open, TargetShardCount: target, StreamARN: engine.streamArn(stream.name) };
}

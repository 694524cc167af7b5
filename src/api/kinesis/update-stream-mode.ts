// UpdateStreamMode: PROVISIONED <-> ON_DEMAND. Shards are kept; only throttling changes (on-demand
// streams have no per-shard limit here).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateStreamMode.html
import { validateInput, STREAM_ARN, STREAM_ID } from '../validate.js';
import { activeStream, fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { EmptyOutput, UpdateStreamModeInput } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    StreamARN: { ...STREAM_ARN, required: true },
    StreamId: STREAM_ID,
    StreamModeDetails: {
      type: 'structure',
      required: true,
      members: { StreamMode: { type: 'string', enum: ['PROVISIONED', 'ON_DEMAND'], required: true } },
    },
    WarmThroughputMiBps: { type: 'integer', min: 0 },
  },
} as const;

export async function updateStreamMode(ctx: KinesisContext, input: UpdateStreamModeInput): Promise<EmptyOutput> {
  const req = validateInput<UpdateStreamModeInput>(input, shape);
  const stream = activeStream(ctx, req);
  const mode = req.StreamModeDetails.StreamMode;
  const { engine } = ctx;
  if (mode === stream.mode) fail('InvalidArgumentException', msg.modeUnchanged(stream.name, mode));
  if (mode === 'ON_DEMAND' && engine.onDemandStreamCount() >= engine.options.onDemandStreamCountLimit) {
    fail('LimitExceededException', msg.onDemandStreamLimit(engine.account, engine.options.onDemandStreamCountLimit));
  }
  await engine.update(stream, { kind: 'mode', mode });
  return {};
}

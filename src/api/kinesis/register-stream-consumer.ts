// RegisterStreamConsumer: an enhanced fan-out consumer (up to 20 per stream), CREATING until the
// engine's consumerDelayMs passes (0 by default: ACTIVE on return).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_RegisterStreamConsumer.html
import { validateInput, CONSUMER_NAME, STREAM_ARN, STREAM_ID, TAG_MAP } from '../validate.js';
import { fail, findStream, toConsumer } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { RegisterStreamConsumerInput, RegisterStreamConsumerOutput } from './shapes.js';
import { checkTags } from './tags.js';

export const MAX_CONSUMERS = 20;

const shape = {
  type: 'structure',
  members: {
    StreamARN: { ...STREAM_ARN, required: true },
    ConsumerName: { ...CONSUMER_NAME, required: true },
    Tags: TAG_MAP,
    StreamId: STREAM_ID,
  },
} as const;

export async function registerStreamConsumer(ctx: KinesisContext, input: RegisterStreamConsumerInput): Promise<RegisterStreamConsumerOutput> {
  const req = validateInput<RegisterStreamConsumerInput>(input, shape);
  const stream = findStream(ctx, { StreamARN: req.StreamARN });
  if (stream.status !== 'ACTIVE' && stream.status !== 'UPDATING') fail('ResourceInUseException', msg.streamNotActive(stream.name, ctx.engine.account, stream.status));
  if (stream.consumers.some((c) => c.name === req.ConsumerName)) fail('ResourceInUseException', msg.consumerExists(req.ConsumerName, req.StreamARN));
  if (stream.consumers.length >= MAX_CONSUMERS) fail('LimitExceededException', msg.consumerLimit(req.StreamARN));
  if (req.Tags) checkTags(ctx, stream.name, req.Tags, {});
  const consumer = await ctx.engine.registerConsumer(stream, req.ConsumerName, { ...req.Tags });
  return { Consumer: toConsumer(ctx.engine, stream, consumer) };
}

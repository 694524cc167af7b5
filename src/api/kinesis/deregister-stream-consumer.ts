// DeregisterStreamConsumer: by ConsumerARN, or StreamARN + ConsumerName. Its subscriptions end.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DeregisterStreamConsumer.html
import { validateInput, CONSUMER_ARN, CONSUMER_NAME, STREAM_ARN, STREAM_ID } from '../validate.js';
import { fail, findConsumer } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { DeregisterStreamConsumerInput, EmptyOutput } from './shapes.js';

export const CONSUMER_REF_SHAPE = {
  type: 'structure',
  members: { StreamARN: STREAM_ARN, ConsumerName: CONSUMER_NAME, ConsumerARN: CONSUMER_ARN, StreamId: STREAM_ID },
} as const;

export async function deregisterStreamConsumer(ctx: KinesisContext, input: DeregisterStreamConsumerInput): Promise<EmptyOutput> {
  const req = validateInput<DeregisterStreamConsumerInput>(input, CONSUMER_REF_SHAPE);
  const { stream, consumer } = findConsumer(ctx, req);
  if (consumer.status === 'DELETING') {
    fail('ResourceInUseException', msg.consumerNotActive(consumer.name, consumer.createdAt, stream.name, ctx.engine.account));
  }
  await ctx.engine.deregisterConsumer(stream, consumer);
  return {};
}

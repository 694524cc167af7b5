// DescribeStreamConsumer: by ConsumerARN, or StreamARN + ConsumerName.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamConsumer.html
import { validateInput } from '../validate.js';
import { findConsumer, toConsumer } from './common.js';
import type { KinesisContext } from './context.js';
import { CONSUMER_REF_SHAPE } from './deregister-stream-consumer.js';
import type { DescribeStreamConsumerInput, DescribeStreamConsumerOutput } from './shapes.js';

export async function describeStreamConsumer(ctx: KinesisContext, input: DescribeStreamConsumerInput): Promise<DescribeStreamConsumerOutput> {
  const req = validateInput<DescribeStreamConsumerInput>(input, CONSUMER_REF_SHAPE);
  const { stream, consumer } = findConsumer(ctx, req);
  return { ConsumerDescription: { ...toConsumer(ctx.engine, stream, consumer), StreamARN: ctx.engine.streamArn(stream.name) } };
}

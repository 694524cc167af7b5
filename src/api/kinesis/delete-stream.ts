// DeleteStream: the stream turns DELETING, its subscriptions end, and after deleteStreamDelayMs its
// shard logs are removed. Registered consumers block deletion unless EnforceConsumerDeletion.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DeleteStream.html
import { validateInput, STREAM_REF } from '../validate.js';
import { fail, findStream } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { DeleteStreamInput, DeleteStreamOutput } from './shapes.js';

const shape = {
  type: 'structure',
  members: { ...STREAM_REF, EnforceConsumerDeletion: { type: 'boolean' } },
} as const;

export async function deleteStream(ctx: KinesisContext, input: DeleteStreamInput): Promise<DeleteStreamOutput> {
  const req = validateInput<DeleteStreamInput>(input, shape);
  const stream = findStream(ctx, req);
  const { account } = ctx.engine;
  if (stream.status === 'DELETING') fail('ResourceInUseException', msg.streamNotActive(stream.name, account, stream.status));
  if (stream.consumers.length && !req.EnforceConsumerDeletion) fail('ResourceInUseException', msg.streamHasConsumers(stream.name, account));
  await ctx.engine.deleteStream(stream);
  return {};
}

// DeleteResourcePolicy: ResourceNotFoundException when no policy is attached.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DeleteResourcePolicy.html
import { validateInput, RESOURCE_ARN, STREAM_ID } from '../validate.js';
import { fail, findResource } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { DeleteResourcePolicyInput, EmptyOutput } from './shapes.js';

const shape = { type: 'structure', members: { ResourceARN: { ...RESOURCE_ARN, required: true }, StreamId: STREAM_ID } } as const;

export async function deleteResourcePolicy(ctx: KinesisContext, input: DeleteResourcePolicyInput): Promise<EmptyOutput> {
  const req = validateInput<DeleteResourcePolicyInput>(input, shape);
  const { stream, consumer } = findResource(ctx, req.ResourceARN);
  const owner = consumer ?? stream;
  if (owner.policy === undefined) fail('ResourceNotFoundException', msg.policyNotFound(req.ResourceARN));
  delete owner.policy;
  await ctx.engine.commit();
  return {};
}

// PutResourcePolicy: attaches a resource-based policy (JSON, up to 20 KiB) to a stream or consumer.
// Stored and returned verbatim; Millrace does not evaluate IAM policies.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutResourcePolicy.html
import { validateInput, RESOURCE_ARN, STREAM_ID } from '../validate.js';
import { fail, findResource } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { EmptyOutput, PutResourcePolicyInput } from './shapes.js';

const shape = {
  type: 'structure',
  members: { ResourceARN: { ...RESOURCE_ARN, required: true }, Policy: { type: 'string', min: 1, max: 20480, required: true }, StreamId: STREAM_ID },
} as const;

export async function putResourcePolicy(ctx: KinesisContext, input: PutResourcePolicyInput): Promise<EmptyOutput> {
  const req = validateInput<PutResourcePolicyInput>(input, shape);
  const { stream, consumer } = findResource(ctx, req.ResourceARN);
  let doc: unknown;
  try {
    doc = JSON.parse(req.Policy);
  } catch {
    fail('InvalidArgumentException', msg.policyInvalid());
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('InvalidArgumentException', msg.policyInvalid());
  (consumer ?? stream).policy = req.Policy;
  await ctx.engine.commit();
  return {};
}

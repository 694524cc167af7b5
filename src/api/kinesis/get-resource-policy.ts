// GetResourcePolicy: the policy of a stream or consumer; "{}" when none is attached, as AWS answers.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetResourcePolicy.html
import { validateInput, RESOURCE_ARN, STREAM_ID } from '../validate.js';
import { findResource } from './common.js';
import type { KinesisContext } from './context.js';
import type { GetResourcePolicyInput, GetResourcePolicyOutput } from './shapes.js';

const shape = { type: 'structure', members: { ResourceARN: { ...RESOURCE_ARN, required: true }, StreamId: STREAM_ID } } as const;

export async function getResourcePolicy(ctx: KinesisContext, input: GetResourcePolicyInput): Promise<GetResourcePolicyOutput> {
  const req = validateInput<GetResourcePolicyInput>(input, shape);
  const { stream, consumer } = findResource(ctx, req.ResourceARN);
  return { Policy: (consumer ?? stream).policy ?? '{}' };
}

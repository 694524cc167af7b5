// DecreaseStreamRetentionPeriod: takes effect at once; reads stop returning older data immediately
// and retention reclaims its segments on its next pass.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DecreaseStreamRetentionPeriod.html
import type { KinesisContext } from './context.js';
import { changeRetention } from './retention.js';
import type { DecreaseStreamRetentionPeriodInput, EmptyOutput } from './shapes.js';

export function decreaseStreamRetentionPeriod(ctx: KinesisContext, input: DecreaseStreamRetentionPeriodInput): Promise<EmptyOutput> {
  return changeRetention(ctx, input, 'decrease');
}

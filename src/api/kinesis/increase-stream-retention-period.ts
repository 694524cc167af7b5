// IncreaseStreamRetentionPeriod. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_IncreaseStreamRetentionPeriod.html
import type { KinesisContext } from './context.js';
import { changeRetention } from './retention.js';
import type { EmptyOutput, IncreaseStreamRetentionPeriodInput } from './shapes.js';

export function increaseStreamRetentionPeriod(ctx: KinesisContext, input: IncreaseStreamRetentionPeriodInput): Promise<EmptyOutput> {
  return changeRetention(ctx, input, 'increase');
}

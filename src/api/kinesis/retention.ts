// Shared by Increase/DecreaseStreamRetentionPeriod: 24 h .. 8760 h (365 days), monotonic per call.
import { validateInput, STREAM_REF } from '../validate.js';
import { activeStream, fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { RetentionPeriodInput } from './shapes.js';

const shape = {
  type: 'structure',
  members: { ...STREAM_REF, RetentionPeriodHours: { type: 'integer', min: 1, max: 8760, required: true } },
} as const;

export async function changeRetention(ctx: KinesisContext, input: RetentionPeriodInput, direction: 'increase' | 'decrease'): Promise<Record<string, never>> {
  const req = validateInput<RetentionPeriodInput>(input, shape);
  const stream = activeStream(ctx, req);
  const hours = req.RetentionPeriodHours;
  if (hours < 24) fail('InvalidArgumentException', msg.retentionTooShort(hours));
  if (hours > 8760) fail('InvalidArgumentException', msg.retentionTooLong(hours));
  if (direction === 'increase' && hours < stream.retentionHours) fail('InvalidArgumentException', msg.retentionNotLonger(hours, stream.name, stream.retentionHours));
  if (direction === 'decrease' && hours > stream.retentionHours) fail('InvalidArgumentException', msg.retentionNotShorter(hours, stream.name, stream.retentionHours));
  stream.retentionHours = hours;
  await ctx.engine.commit();
  return {};
}

// Shared by Enable/DisableEnhancedMonitoring: returns the metric sets before and after.
import { validateInput, STREAM_REF } from '../validate.js';
import { activeStream } from './common.js';
import type { KinesisContext } from './context.js';
import { expandMetrics } from './monitoring.js';
import { METRICS_NAMES, type EnhancedMonitoringInput, type EnhancedMonitoringOutput, type MetricsName } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    ...STREAM_REF,
    ShardLevelMetrics: { type: 'list', member: { type: 'string', enum: METRICS_NAMES }, min: 1, max: 7, required: true },
  },
} as const;

export async function changeMonitoring(ctx: KinesisContext, input: EnhancedMonitoringInput, how: 'enable' | 'disable'): Promise<EnhancedMonitoringOutput> {
  const req = validateInput<EnhancedMonitoringInput>(input, shape);
  const stream = activeStream(ctx, req);
  const current = expandMetrics(stream.shardLevelMetrics as MetricsName[]);
  const change = new Set(expandMetrics(req.ShardLevelMetrics));
  const desired = how === 'enable' ? expandMetrics([...current, ...change]) : current.filter((m) => !change.has(m));
  stream.shardLevelMetrics = desired;
  await ctx.engine.commit();
  return {
    StreamName: stream.name,
    StreamARN: ctx.engine.streamArn(stream.name),
    CurrentShardLevelMetrics: current,
    DesiredShardLevelMetrics: desired,
  };
}

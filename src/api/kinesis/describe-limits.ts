// DescribeLimits: the configured account shard limit and on-demand stream limit, and current use.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeLimits.html
import { validateInput } from '../validate.js';
import type { KinesisContext } from './context.js';
import type { DescribeLimitsInput, DescribeLimitsOutput } from './shapes.js';

const shape = { type: 'structure', members: {} } as const;

export async function describeLimits(ctx: KinesisContext, input: DescribeLimitsInput = {}): Promise<DescribeLimitsOutput> {
  validateInput(input, shape);
  const { engine } = ctx;
  return {
    ShardLimit: engine.options.shardLimit,
    OpenShardCount: engine.openShardCount(),
    OnDemandStreamCount: engine.onDemandStreamCount(),
    OnDemandStreamCountLimit: engine.options.onDemandStreamCountLimit,
  };
}

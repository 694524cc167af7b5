// Enhanced (shard-level) monitoring settings, shared by Enable/DisableEnhancedMonitoring and the
// Describe operations. Counters are always kept (src/streams/metrics.ts); these settings only
// record which shard-level metrics the user asked CloudWatch-style tooling to show.
import type { StreamEntry } from '../../streams/catalog.js';
import type { EnhancedMetrics, MetricsName } from './shapes.js';
import { METRICS_NAMES } from './shapes.js';

export const SHARD_LEVEL_METRICS = METRICS_NAMES.filter((m) => m !== 'ALL');

export function enhancedMonitoring(stream: StreamEntry): EnhancedMetrics[] {
  return [{ ShardLevelMetrics: [...stream.shardLevelMetrics] as MetricsName[] }];
}

/** Expands ALL and removes duplicates, in AWS's canonical order. */
export function expandMetrics(names: readonly MetricsName[]): MetricsName[] {
  const set = new Set(names.includes('ALL') ? SHARD_LEVEL_METRICS : names);
  return SHARD_LEVEL_METRICS.filter((m) => set.has(m));
}

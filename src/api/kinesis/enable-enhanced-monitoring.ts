// EnableEnhancedMonitoring. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_EnableEnhancedMonitoring.html
import type { KinesisContext } from './context.js';
import { changeMonitoring } from './monitoring-change.js';
import type { EnableEnhancedMonitoringInput, EnhancedMonitoringOutput } from './shapes.js';

export function enableEnhancedMonitoring(ctx: KinesisContext, input: EnableEnhancedMonitoringInput): Promise<EnhancedMonitoringOutput> {
  return changeMonitoring(ctx, input, 'enable');
}

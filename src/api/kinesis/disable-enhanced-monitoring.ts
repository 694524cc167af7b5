// DisableEnhancedMonitoring. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DisableEnhancedMonitoring.html
import type { KinesisContext } from './context.js';
import { changeMonitoring } from './monitoring-change.js';
import type { DisableEnhancedMonitoringInput, EnhancedMonitoringOutput } from './shapes.js';

export function disableEnhancedMonitoring(ctx: KinesisContext, input: DisableEnhancedMonitoringInput): Promise<EnhancedMonitoringOutput> {
  return changeMonitoring(ctx, input, 'disable');
}

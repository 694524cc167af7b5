// DescribeAccountSettings: the account's minimum throughput billing commitment, as recorded by
// UpdateAccountSettings. Billing does not exist here; the setting is kept for tooling that reads it.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeAccountSettings.html
import { validateInput } from '../validate.js';
import { commitmentOutput } from './account-settings.js';
import type { KinesisContext } from './context.js';
import type { DescribeAccountSettingsInput, DescribeAccountSettingsOutput } from './shapes.js';

const shape = { type: 'structure', members: {} } as const;

export async function describeAccountSettings(ctx: KinesisContext, input: DescribeAccountSettingsInput = {}): Promise<DescribeAccountSettingsOutput> {
  validateInput(input, shape);
  const c = commitmentOutput(ctx.engine.catalog.data.account);
  return c ? { MinimumThroughputBillingCommitment: c } : {};
}

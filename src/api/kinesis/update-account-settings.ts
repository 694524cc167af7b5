// UpdateAccountSettings: enables or disables the minimum throughput billing commitment.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateAccountSettings.html
import { validateInput } from '../validate.js';
import { COMMITMENT_MIN_MS, commitmentOutput } from './account-settings.js';
import type { KinesisContext } from './context.js';
import type { UpdateAccountSettingsInput, UpdateAccountSettingsOutput } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    MinimumThroughputBillingCommitment: {
      type: 'structure',
      required: true,
      members: { Status: { type: 'string', enum: ['ENABLED', 'DISABLED'], required: true } },
    },
  },
} as const;

export async function updateAccountSettings(ctx: KinesisContext, input: UpdateAccountSettingsInput): Promise<UpdateAccountSettingsOutput> {
  const req = validateInput<UpdateAccountSettingsInput>(input, shape);
  const { engine } = ctx;
  const account = engine.catalog.data.account;
  const now = engine.now();
  const current = account.minimumThroughputBillingCommitment;
  const active = current && current.status !== 'DISABLED';
  if (req.MinimumThroughputBillingCommitment.Status === 'ENABLED') {
    if (!active || current.status === 'ENABLED_UNTIL_EARLIEST_ALLOWED_END') {
      const startedAt = active ? current.startedAt! : now;
      account.minimumThroughputBillingCommitment = { status: 'ENABLED', startedAt, earliestAllowedEndAt: startedAt + COMMITMENT_MIN_MS };
    }
  } else if (active) {
    const end = current.earliestAllowedEndAt ?? now;
    account.minimumThroughputBillingCommitment =
      now < end
        ? { ...current, status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END', endedAt: end }
        : { ...current, status: 'DISABLED', endedAt: now };
  }
  await engine.commit();
  const c = commitmentOutput(account, now);
  return c ? { MinimumThroughputBillingCommitment: c } : {};
}

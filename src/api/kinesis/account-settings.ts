// The minimum throughput billing commitment as AWS models it: enabling starts a commitment that
// cannot end before 24 hours; disabling earlier leaves it ENABLED_UNTIL_EARLIEST_ALLOWED_END.
import type { AccountSettings } from '../../streams/catalog.js';
import type { MinimumThroughputBillingCommitmentOutput } from './shapes.js';

export const COMMITMENT_MIN_MS = 24 * 3_600_000;

export function commitmentOutput(account: AccountSettings, now?: number): MinimumThroughputBillingCommitmentOutput | undefined {
  const c = account.minimumThroughputBillingCommitment;
  if (!c) return undefined;
  let status = c.status;
  if (status === 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' && now !== undefined && c.earliestAllowedEndAt !== undefined && now >= c.earliestAllowedEndAt) {
    status = 'DISABLED';
  }
  const out: MinimumThroughputBillingCommitmentOutput = { Status: status };
  if (c.startedAt !== undefined) out.StartedAt = new Date(c.startedAt);
  if (c.endedAt !== undefined) out.EndedAt = new Date(c.endedAt);
  if (c.earliestAllowedEndAt !== undefined) out.EarliestAllowedEndAt = new Date(c.earliestAllowedEndAt);
  return out;
}

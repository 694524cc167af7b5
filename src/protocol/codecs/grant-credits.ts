// GrantCredits (49): add credit to a subscription. The server caps each counter at 2^32 - 1.
//
// Request:
//   subscriptionId  u32
//   records         u32
//   bytes           u32
//
// Response: empty.
import { empty, type Codec } from '../codec.js';

export interface GrantCreditsRequest {
  subscriptionId: number;
  records: number;
  bytes: number;
}

const request: Codec<GrantCreditsRequest> = {
  size: () => 12,
  write(w, v) {
    w.u32(v.subscriptionId);
    w.u32(v.records);
    w.u32(v.bytes);
  },
  read: (r) => ({ subscriptionId: r.u32(), records: r.u32(), bytes: r.u32() }),
};

export const grantCredits = { request, response: empty };

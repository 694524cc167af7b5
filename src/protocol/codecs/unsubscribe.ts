// Unsubscribe (50): no push for the subscription follows the response.
//
// Request:   subscriptionId  u32
// Response:  empty.
import { empty, type Codec } from '../codec.js';

export interface UnsubscribeRequest {
  subscriptionId: number;
}

const request: Codec<UnsubscribeRequest> = {
  size: () => 4,
  write(w, v) {
    w.u32(v.subscriptionId);
  },
  read: (r) => ({ subscriptionId: r.u32() }),
};

export const unsubscribe = { request, response: empty };

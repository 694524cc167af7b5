// GoAway (4, push, requestId 0): the server is shutting down. It finishes the requests it has
// received, answers later ones with MR_SHUTTING_DOWN, and closes.
//
//   code     u16    0, or the wire error code that caused the shutdown
//   message  str16
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';

export interface GoAwayPush {
  code: number;
  message: string;
}

const push: Codec<GoAwayPush> = {
  size: (v) => 2 + size.str16(v.message),
  write(w, v) {
    w.u16(v.code);
    w.str16(v.message);
  },
  read: (r) => ({ code: r.u16(), message: r.str16() }),
};

export const goAway = { push };

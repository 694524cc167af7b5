// Ping (3): liveness and round-trip time. The server echoes the payload.
//
// Request:   payload  bytes8
// Response:  payload  bytes8   (the request's, unchanged)
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';

export interface PingBody {
  payload: Buffer;
}

const body: Codec<PingBody> = {
  size: (v) => size.bytes8(v.payload),
  write(w, v) {
    w.bytes8(v.payload);
  },
  read: (r) => ({ payload: r.bytes8() }),
};

export const ping = { request: body, response: body };

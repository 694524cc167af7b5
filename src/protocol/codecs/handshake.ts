// Handshake (1): the first frame of every connection. Its frame header always says version 1.
//
// Request:
//   minVersion     u8
//   maxVersion     u8
//   features       u32   bits the client wants (Features)
//   maxFrameBytes  u32   largest frame the client accepts (≥ 4096)
//   clientName     str8
//
// Response:
//   version        u8    chosen version
//   features       u32   granted bits: requested ∩ supported
//   maxFrameBytes  u32   largest frame the server accepts (≥ 4096)
//   maxInFlight    u32   unanswered requests allowed per connection
//   idleTimeoutMs  u32   0: never
//   authMethods    u8    bit 0 HMAC-SHA256; 0: no authentication required
//   serverNonce    [32]
//   serverName     str8
import type { Codec } from '../codec.js';
import { NONCE_SIZE, PREAMBLE_MAX_FRAME_BYTES } from '../constants.js';
import { size } from '../cursor.js';
import { malformed } from '../errors.js';

export interface HandshakeRequest {
  minVersion: number;
  maxVersion: number;
  features: number;
  maxFrameBytes: number;
  clientName: string;
}

export interface HandshakeResponse {
  version: number;
  features: number;
  maxFrameBytes: number;
  maxInFlight: number;
  idleTimeoutMs: number;
  authMethods: number;
  serverNonce: Buffer;
  serverName: string;
}

function checkMaxFrame(n: number): number {
  if (n < PREAMBLE_MAX_FRAME_BYTES) throw malformed(`maxFrameBytes ${n} is below ${PREAMBLE_MAX_FRAME_BYTES}`);
  return n;
}

const request: Codec<HandshakeRequest> = {
  size: (v) => 10 + size.str8(v.clientName),
  write(w, v) {
    w.u8(v.minVersion);
    w.u8(v.maxVersion);
    w.u32(v.features);
    w.u32(v.maxFrameBytes);
    w.str8(v.clientName);
  },
  read(r) {
    const minVersion = r.u8();
    const maxVersion = r.u8();
    if (minVersion > maxVersion) throw malformed(`minVersion ${minVersion} is above maxVersion ${maxVersion}`);
    return { minVersion, maxVersion, features: r.u32(), maxFrameBytes: checkMaxFrame(r.u32()), clientName: r.str8() };
  },
};

const response: Codec<HandshakeResponse> = {
  size: (v) => 18 + NONCE_SIZE + size.str8(v.serverName),
  write(w, v) {
    w.u8(v.version);
    w.u32(v.features);
    w.u32(v.maxFrameBytes);
    w.u32(v.maxInFlight);
    w.u32(v.idleTimeoutMs);
    w.u8(v.authMethods);
    w.fixed(v.serverNonce, NONCE_SIZE);
    w.str8(v.serverName);
  },
  read: (r) => ({
    version: r.u8(),
    features: r.u32(),
    maxFrameBytes: checkMaxFrame(r.u32()),
    maxInFlight: r.u32(),
    idleTimeoutMs: r.u32(),
    authMethods: r.u8(),
    serverNonce: r.fixed(NONCE_SIZE),
    serverName: r.str8(),
  }),
};

export const handshake = { request, response };

// Authenticate (2): HMAC-SHA256 challenge response (docs/PROTOCOL.md#authentication, ../auth.ts).
//
// Request:
//   accessKeyId  str8
//   clientNonce  [32]
//   clientProof  [32]
//
// Response:
//   serverProof  [32]
import type { Codec } from '../codec.js';
import { NONCE_SIZE, PROOF_SIZE } from '../constants.js';
import { size } from '../cursor.js';

export interface AuthenticateRequest {
  accessKeyId: string;
  clientNonce: Buffer;
  clientProof: Buffer;
}

export interface AuthenticateResponse {
  serverProof: Buffer;
}

const request: Codec<AuthenticateRequest> = {
  size: (v) => size.str8(v.accessKeyId) + NONCE_SIZE + PROOF_SIZE,
  write(w, v) {
    w.str8(v.accessKeyId);
    w.fixed(v.clientNonce, NONCE_SIZE);
    w.fixed(v.clientProof, PROOF_SIZE);
  },
  read: (r) => ({ accessKeyId: r.str8(), clientNonce: r.fixed(NONCE_SIZE), clientProof: r.fixed(PROOF_SIZE) }),
};

const response: Codec<AuthenticateResponse> = {
  size: () => PROOF_SIZE,
  write(w, v) {
    w.fixed(v.serverProof, PROOF_SIZE);
  },
  read: (r) => ({ serverProof: r.fixed(PROOF_SIZE) }),
};

export const authenticate = { request, response };

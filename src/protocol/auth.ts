// HMAC-SHA256 challenge response (docs/PROTOCOL.md#authentication). The secret never crosses the
// wire; both proofs are bound to the negotiated version and features so that a man in the middle
// cannot downgrade them without breaking the proof.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NONCE_SIZE, PROOF_SIZE } from './constants.js';

export interface AuthTranscript {
  /** From the handshake response. */
  serverNonce: Uint8Array;
  /** Chosen by the client for this Authenticate. */
  clientNonce: Uint8Array;
  /** Negotiated in the handshake. */
  version: number;
  features: number;
  accessKeyId: string;
}

const CLIENT_LABEL = Buffer.from('millrace-auth-v1 client', 'utf8');
const SERVER_LABEL = Buffer.from('millrace-auth-v1 server', 'utf8');

function proof(label: Buffer, secret: string, t: AuthTranscript): Buffer {
  const params = Buffer.allocUnsafe(5);
  params.writeUInt8(t.version, 0);
  params.writeUInt32LE(t.features >>> 0, 1);
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(label)
    .update(t.serverNonce)
    .update(t.clientNonce)
    .update(params)
    .update(t.accessKeyId, 'utf8')
    .digest();
}

/** What the client sends to prove it knows the secret. */
export function clientProof(secret: string, t: AuthTranscript): Buffer {
  return proof(CLIENT_LABEL, secret, t);
}

/** What the server answers to prove it knows the secret too. */
export function serverProof(secret: string, t: AuthTranscript): Buffer {
  return proof(SERVER_LABEL, secret, t);
}

/** Constant-time comparison of a received proof with the expected one. */
export function proofMatches(expected: Uint8Array, received: Uint8Array): boolean {
  return expected.length === PROOF_SIZE && received.length === PROOF_SIZE && timingSafeEqual(expected, received);
}

/** A fresh random nonce (server per connection; client per Authenticate). */
export function newNonce(): Buffer {
  return randomBytes(NONCE_SIZE);
}

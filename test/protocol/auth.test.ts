import { describe, expect, it } from 'vitest';
import { clientProof, newNonce, proofMatches, serverProof, type AuthTranscript } from '../../src/protocol/auth.js';
import { Features } from '../../src/protocol/constants.js';

const t: AuthTranscript = { serverNonce: newNonce(), clientNonce: newNonce(), version: 1, features: Features.LZ4, accessKeyId: 'AKID' };

describe('HMAC challenge response', () => {
  it('verifies a proof made with the same secret and transcript', () => {
    expect(proofMatches(clientProof('s3cret', t), clientProof('s3cret', t))).toBe(true);
    expect(proofMatches(serverProof('s3cret', t), serverProof('s3cret', t))).toBe(true);
  });

  it('fails with another secret, nonce, key id, version or feature set', () => {
    const good = clientProof('s3cret', t);
    expect(proofMatches(good, clientProof('s3creT', t))).toBe(false);
    expect(proofMatches(good, clientProof('s3cret', { ...t, serverNonce: newNonce() }))).toBe(false);
    expect(proofMatches(good, clientProof('s3cret', { ...t, clientNonce: newNonce() }))).toBe(false);
    expect(proofMatches(good, clientProof('s3cret', { ...t, accessKeyId: 'AKIE' }))).toBe(false);
    expect(proofMatches(good, clientProof('s3cret', { ...t, version: 2 }))).toBe(false);
    expect(proofMatches(good, clientProof('s3cret', { ...t, features: 0 }))).toBe(false);
  });

  it('keeps client and server proofs distinct, so one cannot be replayed as the other', () => {
    expect(proofMatches(clientProof('s3cret', t), serverProof('s3cret', t))).toBe(false);
  });

  it('never contains the secret and has the wire size', () => {
    const p = clientProof('s3cret', t);
    expect(p.length).toBe(32);
    expect(p.includes(Buffer.from('s3cret'))).toBe(false);
  });

  it('rejects proofs of the wrong length without throwing', () => {
    expect(proofMatches(clientProof('s', t), Buffer.alloc(31))).toBe(false);
    expect(proofMatches(Buffer.alloc(0), Buffer.alloc(0))).toBe(false);
  });

  it('makes fresh 32-byte nonces', () => {
    expect(newNonce().length).toBe(32);
    expect(newNonce().equals(newNonce())).toBe(false);
  });
});

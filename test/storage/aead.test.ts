import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../../src/errors.js';
import { native } from '../../src/storage/native.js';

// The binding also takes the AAD in pieces, authenticated as their concatenation.
type Aad = Uint8Array | readonly Uint8Array[];
const aead = native as unknown as {
  aeadSeal(key: Uint8Array, aad: Aad, plaintext: Uint8Array): Buffer;
  aeadOpen(key: Uint8Array, aad: Aad, sealed: Uint8Array): Buffer;
};

const OVERHEAD = 28;
const key = randomBytes(32);
const aad = Buffer.from('log 7f3a|offset 1200');

function expectCryptoError(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe('MR_CRYPTO');
}

describe('aeadSeal / aeadOpen', () => {
  it('round-trip payloads of every awkward size', () => {
    for (const n of [0, 1, 15, 16, 17, 255, 4096, (1 << 20) + 3]) {
      const plain = randomBytes(n);
      const sealed = aead.aeadSeal(key, aad, plain);
      expect(sealed.length).toBe(n + OVERHEAD);
      expect(aead.aeadOpen(key, aad, sealed).equals(plain)).toBe(true);
    }
  });

  it('write nonce | ciphertext | tag, interoperable with node:crypto both ways', () => {
    const plain = Buffer.from('{"event":"click","user":"u_1"}');
    const sealed = aead.aeadSeal(key, aad, plain);
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    expect(Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]).equals(plain)).toBe(true);

    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    const body = Buffer.concat([c.update(plain), c.final()]);
    expect(aead.aeadOpen(key, aad, Buffer.concat([nonce, body, c.getAuthTag()])).equals(plain)).toBe(true);
  });

  it('use a fresh nonce for every seal', () => {
    const plain = Buffer.alloc(64, 7);
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) nonces.add(aead.aeadSeal(key, aad, plain).subarray(0, 12).toString('hex'));
    expect(nonces.size).toBe(1000);
  });

  it('detect a flipped bit anywhere in nonce, ciphertext or tag, and return nothing', () => {
    const plain = randomBytes(48);
    const sealed = aead.aeadSeal(key, aad, plain);
    for (let byte = 0; byte < sealed.length; byte++) {
      for (const bit of [0, 3, 7]) {
        const bad = Buffer.from(sealed);
        bad[byte]! ^= 1 << bit;
        expectCryptoError(() => aead.aeadOpen(key, aad, bad));
      }
    }
  });

  it('bind the AAD: another log id or offset, a flipped AAD bit, or no AAD all fail', () => {
    const sealed = aead.aeadSeal(key, aad, Buffer.from('batch'));
    expectCryptoError(() => aead.aeadOpen(key, Buffer.from('log 7f3a|offset 1201'), sealed));
    expectCryptoError(() => aead.aeadOpen(key, Buffer.from('log 7f3b|offset 1200'), sealed));
    const flipped = Buffer.from(aad);
    flipped[0]! ^= 0x80;
    expectCryptoError(() => aead.aeadOpen(key, flipped, sealed));
    expectCryptoError(() => aead.aeadOpen(key, Buffer.alloc(0), sealed));
  });

  it('authenticate AAD pieces as their concatenation', () => {
    const sealed = aead.aeadSeal(key, [aad.subarray(0, 8), aad.subarray(8)], Buffer.from('batch'));
    expect(aead.aeadOpen(key, aad, sealed).toString()).toBe('batch');
    expect(aead.aeadOpen(key, [aad.subarray(0, 3), Buffer.alloc(0), aad.subarray(3)], sealed).toString()).toBe('batch');
    expectCryptoError(() => aead.aeadOpen(key, [aad.subarray(8), aad.subarray(0, 8)], sealed));
  });

  it('reject a wrong key', () => {
    const sealed = aead.aeadSeal(key, aad, Buffer.from('batch'));
    const other = Buffer.from(key);
    other[31]! ^= 1;
    expectCryptoError(() => aead.aeadOpen(other, aad, sealed));
    expectCryptoError(() => aead.aeadOpen(randomBytes(32), aad, sealed));
  });

  it('reject truncated or extended ciphertext', () => {
    const sealed = aead.aeadSeal(key, aad, randomBytes(100));
    expectCryptoError(() => aead.aeadOpen(key, aad, sealed.subarray(0, sealed.length - 1)));
    expectCryptoError(() => aead.aeadOpen(key, aad, sealed.subarray(1)));
    expectCryptoError(() => aead.aeadOpen(key, aad, Buffer.concat([sealed, Buffer.alloc(1)])));
  });

  it('read Uint8Array views at any offset', () => {
    const backing = new Uint8Array(200);
    backing.set(key, 3);
    const keyView = backing.subarray(3, 35);
    const plainView = new Uint8Array(randomBytes(90).buffer, 5, 80);
    const sealed = aead.aeadSeal(keyView, aad.subarray(2, 10), plainView);
    const inner = new Uint8Array(sealed.length + 7);
    inner.set(sealed, 7);
    expect(Buffer.from(aead.aeadOpen(key, aad.subarray(2, 10), inner.subarray(7))).equals(Buffer.from(plainView))).toBe(true);
  });

  it('validate arguments with TypeError and RangeError', () => {
    const plain = Buffer.from('x');
    expect(() => aead.aeadSeal('k'.repeat(32) as unknown as Uint8Array, aad, plain)).toThrow(TypeError);
    expect(() => aead.aeadSeal(new Uint16Array(16) as unknown as Uint8Array, aad, plain)).toThrow(TypeError);
    expect(() => aead.aeadSeal(key, 'aad' as unknown as Uint8Array, plain)).toThrow(TypeError);
    expect(() => aead.aeadSeal(key, [aad, 'x'] as unknown as Uint8Array[], plain)).toThrow(TypeError);
    expect(() => aead.aeadSeal(key, aad, undefined as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => aead.aeadSeal(key.subarray(0, 16), aad, plain)).toThrow(RangeError);
    expect(() => aead.aeadSeal(Buffer.alloc(33), aad, plain)).toThrow(/32 bytes/);
    expect(() => aead.aeadOpen(key, aad, Buffer.alloc(27))).toThrow(RangeError);
  });
});

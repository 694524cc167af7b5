import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../src/streams/tokens.js';
import { tempDir } from '../helpers/tmp.js';

const pos = { streamName: 'clicks.v2_x-y', epoch: 123456789, shardIndex: 77, offset: 2 ** 40 + 5, createdAt: 1_700_000_000_123 };

describe('TokenSigner iterators', () => {
  it('round-trip a position', () => {
    const s = new TokenSigner(randomBytes(32));
    const it = s.encode(pos);
    expect(it.length).toBeLessThanOrEqual(512);
    expect(s.decode(it)).toEqual(pos);
  });

  it('fit AWS length limits for the longest stream name', () => {
    const s = new TokenSigner(randomBytes(32));
    expect(s.encode({ ...pos, streamName: 'x'.repeat(128) }).length).toBeLessThanOrEqual(512);
  });

  it('detect tampering and foreign keys', () => {
    const s = new TokenSigner(randomBytes(32));
    const it = Buffer.from(s.encode(pos), 'base64');
    it[20]! ^= 1;
    expect(s.decode(it.toString('base64'))).toBeUndefined();
    expect(new TokenSigner(randomBytes(32)).decode(s.encode(pos))).toBeUndefined();
    expect(s.decode('AAAA')).toBeUndefined();
    expect(s.decode('not base64 at all!')).toBeUndefined();
  });

  it('keep the same secret across reopen of a data directory', async () => {
    const dir = tempDir();
    const a = await TokenSigner.open(dir);
    const b = await TokenSigner.open(dir);
    expect(b.decode(a.encode(pos))).toEqual(pos);
  });
});

describe('TokenSigner pagination tokens', () => {
  it('seal and unseal JSON, refusing forgeries', () => {
    const s = new TokenSigner(randomBytes(32));
    const t = s.seal({ after: 'b' });
    expect(s.unseal(t)).toEqual({ after: 'b' });
    const forged = Buffer.from(JSON.stringify({ after: 'z' })).toString('base64url') + t.slice(t.indexOf('.'));
    expect(s.unseal(forged)).toBeUndefined();
    expect(s.unseal('garbage')).toBeUndefined();
  });
});

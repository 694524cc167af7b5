import { describe, expect, it } from 'vitest';
import { R_OFF_DATA_LEN, R_OFF_FLAGS, R_OFF_KEY_LEN, R_OFF_SIZE } from '../../src/core/constants.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { checkPackedRecords } from '../../src/protocol/packed-records.js';
import { packRecords, records } from './samples.js';

const bad = (payload: Buffer, count: number) => expect(() => checkPackedRecords(payload, count)).toThrow(ProtocolError);

describe('checkPackedRecords', () => {
  it('accepts well-formed payloads, with and without explicit hash keys', () => {
    checkPackedRecords(packRecords(records(500, 10)), 500);
    checkPackedRecords(packRecords([{ key: 'k', data: Buffer.alloc(0), explicitHashKey: Buffer.alloc(16, 1) }]), 1);
    checkPackedRecords(packRecords([{ key: 'k'.repeat(256), data: Buffer.alloc(3) }]), 1);
  });

  it('checks a sub-range only', () => {
    const p = packRecords(records(2, 5));
    const framed = Buffer.concat([Buffer.from([9, 9, 9]), p, Buffer.from([9])]);
    checkPackedRecords(framed, 2, 3, 3 + p.length);
  });

  it('rejects a record count that disagrees with the entries', () => {
    const p = packRecords(records(3, 5));
    bad(p, 2);
    bad(p, 4);
    bad(p, 0);
    bad(p, 0xffffffff);
  });

  it('rejects entries whose size is too small, too large or runs past the payload', () => {
    const p = packRecords(records(2, 5));
    const small = Buffer.from(p);
    small.writeUInt32LE(17, R_OFF_SIZE);
    bad(small, 2);
    const huge = Buffer.from(p);
    huge.writeUInt32LE(0xffffffff, R_OFF_SIZE);
    bad(huge, 2);
    const zero = Buffer.from(p);
    zero.writeUInt32LE(0, R_OFF_SIZE);
    bad(zero, 2);
    const data = Buffer.from(p);
    data.writeUInt32LE(0xfffffff0, R_OFF_DATA_LEN);
    bad(data, 2);
  });

  it('rejects empty or oversized partition keys and unknown flags', () => {
    const p = packRecords(records(1, 5));
    const noKey = Buffer.from(p);
    noKey.writeUInt16LE(0, R_OFF_KEY_LEN);
    bad(noKey, 1);
    const longKey = packRecords([{ key: 'k'.repeat(257), data: Buffer.alloc(0) }]);
    bad(longKey, 1);
    const flags = Buffer.from(p);
    flags.writeUInt8(2, R_OFF_FLAGS);
    bad(flags, 1);
    const ehk = Buffer.from(p);
    ehk.writeUInt8(1, R_OFF_FLAGS); // claims a hash key its size does not cover
    bad(ehk, 1);
  });

  it('rejects truncated payloads and trailing bytes', () => {
    const p = packRecords(records(3, 5));
    for (let cut = 0; cut < p.length; cut++) bad(p.subarray(0, cut), 3);
    bad(Buffer.concat([p, Buffer.alloc(1)]), 3);
  });
});

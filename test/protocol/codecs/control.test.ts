// Checks specific to small codecs: handshake limits, iterator positions, missing checkpoints.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { decodeBody, encodeBody } from '../../../src/protocol/codec.js';
import { commitCheckpoint } from '../../../src/protocol/codecs/commit-checkpoint.js';
import { fetchCheckpoint } from '../../../src/protocol/codecs/fetch-checkpoint.js';
import { getShardIterator, type GetShardIteratorRequest } from '../../../src/protocol/codecs/get-shard-iterator.js';
import { handshake } from '../../../src/protocol/codecs/handshake.js';
import { ProtocolError } from '../../../src/protocol/errors.js';

describe('Handshake', () => {
  const req = { minVersion: 1, maxVersion: 1, features: 0, maxFrameBytes: 4096, clientName: 'c' };
  it('refuses frame limits below the preamble limit and inverted version ranges', () => {
    expect(() => decodeBody(handshake.request, encodeBody(handshake.request, { ...req, maxFrameBytes: 4095 }))).toThrow(ProtocolError);
    expect(() => decodeBody(handshake.request, encodeBody(handshake.request, { ...req, minVersion: 2 }))).toThrow(ProtocolError);
  });
  it('needs a 32-byte nonce', () => {
    const res = { version: 1, features: 0, maxFrameBytes: 4096, maxInFlight: 1, idleTimeoutMs: 0, authMethods: 0, serverNonce: Buffer.alloc(16), serverName: '' };
    expect(() => encodeBody(handshake.response, res)).toThrow(InvalidArgumentError);
  });
});

describe('GetShardIterator', () => {
  it('takes a position, not an iterator', () => {
    const it = { streamName: 's', shardId: 'x', position: { type: 'SHARD_ITERATOR', shardIterator: 'i' } } as unknown as GetShardIteratorRequest;
    expect(() => encodeBody(getShardIterator.request, it)).toThrow(InvalidArgumentError);
    const buf = Buffer.from([1, 0x73, 1, 0x78, 7, 1, 0, 0x69]);
    expect(() => decodeBody(getShardIterator.request, buf)).toThrow(ProtocolError);
  });
});

describe('checkpoints', () => {
  it('bound metadata to 4096 bytes', () => {
    const c = { group: 'g', streamName: 's', shardId: 'x', offset: 0, shardEnd: false, metadata: Buffer.alloc(4097) };
    expect(() => encodeBody(commitCheckpoint.request, c)).toThrow(InvalidArgumentError);
    const ok = encodeBody(commitCheckpoint.request, { ...c, metadata: Buffer.alloc(4096) });
    const tooLong = Buffer.concat([ok.subarray(0, ok.length - 4096 - 2), Buffer.from([0x01, 0x10]), Buffer.alloc(4097)]);
    expect(() => decodeBody(commitCheckpoint.request, tooLong)).toThrow(/metadata of 4097 bytes/);
  });

  it('zero the fields of a missing checkpoint', () => {
    const buf = encodeBody(fetchCheckpoint.response, { checkpoint: null });
    expect(buf.length).toBe(20);
    buf.writeUInt8(1, 1);
    expect(() => decodeBody(fetchCheckpoint.response, buf)).toThrow(ProtocolError);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { decodeBody, encodeBody } from '../../../src/protocol/codec.js';
import { putBatch, type PutBatchResponse } from '../../../src/protocol/codecs/put-batch.js';
import { ProtocolError } from '../../../src/protocol/errors.js';

const result = (shardId: string, recordCount: number) => ({ shardId, status: 0, firstOffset: 1, recordCount, timestampMs: 2, message: '' });
const decode = (v: PutBatchResponse) => decodeBody(putBatch.response, encodeBody(putBatch.response, v));

describe('PutBatch response', () => {
  it('maps records to results', () => {
    const v = { results: [result('a', 2), result('b', 1)], assignment: Uint16Array.from([1, 0, 0]) };
    expect(decode(v)).toEqual(v);
  });

  it('requires an assignment when there is more than one result', () => {
    expect(() => decode({ results: [result('a', 1), result('b', 1)], assignment: null })).toThrow(ProtocolError);
  });

  it('requires the assignment to match the result counts', () => {
    expect(() => decode({ results: [result('a', 2), result('b', 1)], assignment: Uint16Array.from([1, 1, 0]) })).toThrow(ProtocolError);
    expect(() => decode({ results: [result('a', 2), result('b', 1)], assignment: Uint16Array.from([0, 1]) })).toThrow(ProtocolError);
    expect(() => decode({ results: [result('a', 1)], assignment: Uint16Array.from([1]) })).toThrow(ProtocolError);
  });

  it('has at least one result', () => {
    expect(() => encodeBody(putBatch.response, { results: [], assignment: null })).toThrow(InvalidArgumentError);
    expect(() => decodeBody(putBatch.response, Buffer.from([0, 0, 0, 0, 0, 0]))).toThrow(ProtocolError);
  });
});

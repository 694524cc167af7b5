import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES } from '../../../src/core/constants.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { decodeBody, encodeBody } from '../../../src/protocol/codec.js';
import { childShard, position, recordBatch, recordsResult, type Position, type RecordBatch } from '../../../src/protocol/codecs/common.js';
import { WireCodec } from '../../../src/protocol/constants.js';
import { ProtocolError } from '../../../src/protocol/errors.js';
import { packRecords, records } from '../samples.js';

const payload = packRecords(records(4, 8));
const batch: RecordBatch = { firstOffset: 10, baseTimestampMs: 5, recordCount: 4, codec: WireCodec.NONE, rawSize: payload.length, payload };

function mutated(b: RecordBatch, at: number, write: (buf: Buffer, at: number) => void): Buffer {
  const buf = encodeBody(recordBatch, b);
  write(buf, at);
  return buf;
}

describe('position', () => {
  it('round-trips every type', () => {
    const all: Position[] = [
      { type: 'TRIM_HORIZON' },
      { type: 'LATEST' },
      { type: 'AT_OFFSET', offset: 1 },
      { type: 'AFTER_OFFSET', offset: 2 },
      { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '3' },
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '4' },
      { type: 'AT_TIMESTAMP', timestampMs: 5 },
      { type: 'SHARD_ITERATOR', shardIterator: '6' },
    ];
    all.forEach((p, i) => {
      const buf = encodeBody(position, p);
      expect(buf[0]).toBe(i);
      expect(decodeBody(position, buf)).toEqual(p);
    });
  });

  it('rejects unknown types both ways', () => {
    expect(() => decodeBody(position, Buffer.from([8]))).toThrow(ProtocolError);
    expect(() => encodeBody(position, { type: 'NOW' } as unknown as Position)).toThrow(InvalidArgumentError);
  });
});

describe('record batch', () => {
  it('rejects a rawSize that differs from an uncompressed payload', () => {
    expect(() => decodeBody(recordBatch, encodeBody(recordBatch, { ...batch, rawSize: payload.length + 1 }))).toThrow(ProtocolError);
  });

  it('walks uncompressed payloads', () => {
    expect(() => decodeBody(recordBatch, encodeBody(recordBatch, { ...batch, recordCount: 3 }))).toThrow(ProtocolError);
    expect(() => decodeBody(recordBatch, encodeBody(recordBatch, { ...batch, recordCount: 0 }))).toThrow(ProtocolError);
  });

  it('bounds the announced size of LZ4 payloads', () => {
    const lz4: RecordBatch = { ...batch, codec: WireCodec.LZ4, rawSize: MAX_BATCH_BYTES, payload: Buffer.alloc(10) };
    expect(decodeBody(recordBatch, encodeBody(recordBatch, lz4)).rawSize).toBe(MAX_BATCH_BYTES);
    expect(() => decodeBody(recordBatch, encodeBody(recordBatch, { ...lz4, rawSize: MAX_BATCH_BYTES + 1 }))).toThrow(ProtocolError);
    expect(() => decodeBody(recordBatch, encodeBody(recordBatch, { ...lz4, rawSize: 63 }))).toThrow(ProtocolError);
    expect(() => decodeBody(recordBatch, encodeBody(recordBatch, { ...lz4, payload: Buffer.alloc(0) }))).toThrow(ProtocolError);
  });

  it('rejects unknown codecs and non-zero reserved bytes', () => {
    expect(() => decodeBody(recordBatch, mutated(batch, 20, (b, at) => b.writeUInt8(2, at)))).toThrow(ProtocolError);
    for (const at of [21, 22, 23]) expect(() => decodeBody(recordBatch, mutated(batch, at, (b, i) => b.writeUInt8(1, i)))).toThrow(ProtocolError);
  });
});

describe('child shard and records result', () => {
  it('requires one or two parents', () => {
    const c = { shardId: 's', parentShards: ['p'], startingHashKey: 0n, endingHashKey: 1n };
    const buf = encodeBody(childShard, c);
    buf.writeUInt8(3, 2);
    expect(() => decodeBody(childShard, buf)).toThrow(ProtocolError);
    expect(() => encodeBody(childShard, { ...c, parentShards: [] })).toThrow(InvalidArgumentError);
  });

  it('rejects unknown result flags', () => {
    const buf = encodeBody(recordsResult, { nextOffset: 0, millisBehindLatest: 0, shardEnd: false, batches: [], childShards: [] });
    buf.writeUInt8(2, 16);
    expect(() => decodeBody(recordsResult, buf)).toThrow(ProtocolError);
  });

  it('rejects a batch count larger than the bytes could hold', () => {
    const buf = encodeBody(recordsResult, { nextOffset: 0, millisBehindLatest: 0, shardEnd: false, batches: [batch], childShards: [] });
    buf.writeUInt16LE(0xffff, 17);
    expect(() => decodeBody(recordsResult, buf)).toThrow(/count 65535/);
  });
});

import { describe, expect, it } from 'vitest';
import { PutResults } from '../../../src/api/kinesis/put.js';
import { PackedRecords, PACKED_RECORDS } from '../../../src/api/kinesis/records.js';
import { REJECTED } from '../../../src/streams/routed-batch.js';
import { R_OFF_TS_DELTA } from '../../../src/core/constants.js';
import { packedRecordSize, writePackedRecord } from '../../../src/core/record-pack.js';
import { ShardSequencer } from '../../../src/core/sequence-number.js';
import { cborCodec, jsonCodec } from '../../../src/server/http/codecs.js';
import { decodeCbor } from '../../../src/server/http/cbor.js';
import { base64Into, packedRecordsJson, putResultsJson } from '../../../src/server/http/records-json.js';
import { writeOutput } from '../../../src/server/http/shapes.js';
import { targetPrefixes } from '../../../src/server/http/targets.js';
import type { StreamEntry } from '../../../src/streams/catalog.js';

const tree = targetPrefixes.Kinesis_20131202!.shapes.get('GetRecords')!.output;

interface Rec {
  key: string | Uint8Array;
  data: Uint8Array;
  tsDelta?: number;
  hash?: Uint8Array;
}

/** A batch in the log's packed layout; a Uint8Array key is stored as raw bytes (e.g. invalid UTF-8). */
function batch(firstOffset: number, baseTimestamp: number, recs: Rec[]) {
  const keyBytes = (r: Rec) => (typeof r.key === 'string' ? Buffer.byteLength(r.key) : r.key.length);
  const payload = Buffer.alloc(recs.reduce((n, r) => n + packedRecordSize(keyBytes(r), r.data.length, r.hash !== undefined), 0));
  let pos = 0;
  for (const r of recs) {
    const start = pos;
    const placeholder = typeof r.key === 'string' ? r.key : 'x'.repeat(r.key.length);
    pos = writePackedRecord(payload, pos, r.data, placeholder, keyBytes(r), r.hash);
    if (typeof r.key !== 'string') payload.set(r.key, pos - r.data.length - r.key.length);
    payload.writeUInt32LE(r.tsDelta ?? 0, start + R_OFF_TS_DELTA);
  }
  return { firstOffset, recordCount: recs.length, baseTimestamp, payload };
}

function packedOf(batches: ReturnType<typeof batch>[], encrypted = false): PackedRecords {
  const stream = { encryptionType: encrypted ? 'KMS' : 'NONE' } as unknown as StreamEntry;
  return new PackedRecords(stream, new ShardSequencer(3, 1), batches);
}

/** The bytes the generic path (record objects, writeOutput, JSON.stringify) sends. */
function generic(packed: PackedRecords, rest: Record<string, unknown>): string {
  return JSON.stringify(writeOutput(tree, { Records: packed.toRecords(), ...rest }, jsonCodec.leaves));
}

function fast(packed: PackedRecords, rest: Record<string, unknown>): string {
  return packedRecordsJson(packed, JSON.stringify(writeOutput(tree, rest, jsonCodec.leaves))).toString('utf8');
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17) & 0xff);

describe('base64Into', () => {
  it('writes what Buffer#toString("base64") writes, for every length and offset', () => {
    const src = Buffer.from(bytes(300, 7));
    const out = Buffer.alloc(512);
    for (let start = 0; start < 4; start++) {
      for (let len = 0; len <= 260; len++) {
        const end = base64Into(out, 3, src, start, start + len);
        expect(out.toString('latin1', 3, end)).toBe(src.toString('base64', start, start + len));
      }
    }
  });
});

describe('packedRecordsJson', () => {
  const keys = ['k', 'user-1', 'quote"inside', 'back\\slash', 'new\nline', '\u0000', '\u001f\u007f', 'é ü 中文', '😀', 'lone \ud800 high', '</script>'];

  it('sends the generic path’s bytes: awkward keys, every data size class, several batches, fractional seconds', () => {
    const recs: Rec[] = keys.map((key, i) => ({ key, data: bytes(i * 7, i), tsDelta: i * 3 }));
    const sizes = [0, 1, 2, 3, 4, 5, 100, 1023, 1024, 1025, 4000];
    const packed = packedOf([
      batch(0, 1_764_748_800_123, recs),
      batch(recs.length, 1_764_748_801_001, sizes.map((n, i) => ({ key: `size-${n}`, data: bytes(n, i), tsDelta: i }))),
      batch(recs.length + sizes.length, 1_764_748_802_000, [{ key: 'hashed', data: bytes(10), hash: new Uint8Array(16).fill(0xab) }]),
    ]);
    const rest = { NextShardIterator: 'AAAA+/==', MillisBehindLatest: 1234 };
    expect(fast(packed, rest)).toBe(generic(packed, rest));
  });

  it('quotes keys whose stored bytes are not UTF-8 as the generic path decodes them (U+FFFD)', () => {
    const packed = packedOf([batch(5, 1_000, [{ key: Uint8Array.from([0xff, 0x41, 0xc3]), data: bytes(3) }, { key: Uint8Array.from([0xe2, 0x82]), data: bytes(0) }])]);
    expect(fast(packed, {})).toBe(generic(packed, {}));
    expect(fast(packed, {})).toContain('"PartitionKey":"\ufffdA\ufffd"');
  });

  it('adds EncryptionType to every record of an encrypted stream, and writes ChildShards after the records', () => {
    const packed = packedOf([batch(0, 2_000, [{ key: 'a', data: bytes(5) }, { key: 'b', data: bytes(6) }])], true);
    const rest = {
      MillisBehindLatest: 0,
      ChildShards: [{ ShardId: 'shardId-000000000002', ParentShards: ['shardId-000000000001'], HashKeyRange: { StartingHashKey: '0', EndingHashKey: '9' } }],
    };
    const text = fast(packed, rest);
    expect(text).toBe(generic(packed, rest));
    expect(text.match(/"EncryptionType":"KMS"/g)).toHaveLength(2);
  });

  it('has room for the longest record around the smallest data: encrypted, one-byte keys, no data', () => {
    for (const count of [1, 2, 3, 10, 100, 1000]) {
      const recs = Array.from({ length: count }, (_, i) => ({ key: String.fromCharCode(97 + (i % 26)), data: new Uint8Array(0), tsDelta: 999 }));
      const packed = packedOf([batch(2 ** 40, 8_000_000_000_123, recs)], true);
      expect(fast(packed, { MillisBehindLatest: 1 })).toBe(generic(packed, { MillisBehindLatest: 1 }));
    }
  });

  it('writes an empty list, with and without other members', () => {
    expect(fast(packedOf([]), {})).toBe('{"Records":[]}');
    expect(fast(packedOf([]), { MillisBehindLatest: 5 })).toBe('{"Records":[],"MillisBehindLatest":5}');
  });

  it('grows its buffer when keys expand far past the estimate', () => {
    // 256-byte keys of control characters: 6 bytes each once escaped.
    const recs = Array.from({ length: 200 }, (_, i) => ({ key: String.fromCharCode(1 + (i % 30)).repeat(256), data: bytes(1, i) }));
    const packed = packedOf([batch(0, 9_000, recs)]);
    expect(fast(packed, { MillisBehindLatest: 1 })).toBe(generic(packed, { MillisBehindLatest: 1 }));
  });
});

describe('the codecs and a PackedRecords output', () => {
  const packed = packedOf([batch(0, 1_764_748_800_500, [{ key: 'k1', data: bytes(4) }, { key: 'k2', data: bytes(9) }])]);
  const output = { Records: [], MillisBehindLatest: 7, NextShardIterator: 'it' };
  Object.defineProperty(output, PACKED_RECORDS, { value: packed });

  it('JSON writes the packed records', () => {
    expect(jsonCodec.encodeOutput(tree, output).toString()).toBe(generic(packed, { MillisBehindLatest: 7, NextShardIterator: 'it' }));
  });

  it('CBOR builds them as objects first', () => {
    const decoded = decodeCbor(cborCodec.encodeOutput(tree, output)) as { Records: Array<{ PartitionKey: string; Data: Uint8Array; ApproximateArrivalTimestamp: Date }> };
    expect(decoded.Records.map((r) => r.PartitionKey)).toEqual(['k1', 'k2']);
    expect(Buffer.from(decoded.Records[1]!.Data)).toEqual(Buffer.from(bytes(9)));
    expect(decoded.Records[0]!.ApproximateArrivalTimestamp.getTime()).toBe(1_764_748_800_500);
  });
});

describe('putResultsJson', () => {
  const putTree = targetPrefixes.Kinesis_20131202!.shapes.get('PutRecords')!.output;
  const parts = [
    { sequencer: new ShardSequencer(7, 0), shardId: 'shardId-000000000000', firstOffset: 41 },
    { sequencer: new ShardSequencer(7, 3), shardId: 'shardId-000000000003', firstOffset: 999_999_998 },
    { sequencer: new ShardSequencer(7, 2), shardId: 'shardId-000000000002', firstOffset: -1 },
  ];
  const partOf = Uint32Array.from([0, 1, 0, REJECTED, 2, 1, 0]);
  const rank = Uint32Array.from([0, 0, 1, 0, 0, 1, 2]);
  const rejected = (i: number) => ({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: `Rate exceeded for "record" ${i}.` });
  const results = new PutResults(partOf, rank, parts, rejected);

  it('sends the generic path’s bytes: stored, throttled and failed records, across a sequence-number window', () => {
    const rest = { FailedRecordCount: 2, EncryptionType: 'KMS' };
    const text = putResultsJson(results, JSON.stringify(rest)).toString();
    expect(text).toBe(JSON.stringify(writeOutput(putTree, { Records: results.toRecords(), ...rest }, jsonCodec.leaves)));
    const parsed = JSON.parse(text) as { Records: Array<{ SequenceNumber?: string; ErrorCode?: string }> };
    expect(parsed.Records.map((r) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ProvisionedThroughputExceededException', 'InternalFailure', 'ok', 'ok']);
    expect(parsed.Records[5]!.SequenceNumber).toBe(parts[1]!.sequencer.forOffset(999_999_999));
  });

  it('writes the numbers whose last nine digits carry into the rest', () => {
    // The offset whose number ends in nine 9s: the next record's number changes in its tenth digit.
    const sequencer = new ShardSequencer(11, 5);
    const low0 = Number(sequencer.forOffset(0).slice(-9));
    const last = 999_999_999 - low0;
    expect(sequencer.forOffset(last).endsWith('999999999')).toBe(true);
    const around = new PutResults(Uint32Array.from([0, 0, 0, 0]), Uint32Array.from([0, 1, 2, 3]), [{ sequencer, shardId: 'shardId-000000000005', firstOffset: last - 1 }], rejected);
    const text = putResultsJson(around, '{"FailedRecordCount":0}').toString();
    expect(text).toBe(JSON.stringify(writeOutput(putTree, { Records: around.toRecords(), FailedRecordCount: 0 }, jsonCodec.leaves)));
    const numbers = (JSON.parse(text) as { Records: Array<{ SequenceNumber: string }> }).Records.map((r) => BigInt(r.SequenceNumber));
    expect(numbers.slice(1).map((v, i) => v - numbers[i]!)).toEqual([1n, 1n, 1n]);
  });

  it('is what the JSON codec sends for a PutRecords output that carries them, and CBOR builds them', () => {
    const output = { FailedRecordCount: 2, Records: [] };
    Object.defineProperty(output, PACKED_RECORDS, { value: results });
    const json = JSON.parse(jsonCodec.encodeOutput(putTree, output).toString()) as { Records: unknown[]; FailedRecordCount: number };
    expect(json).toEqual({ FailedRecordCount: 2, Records: results.toRecords() });
    expect(decodeCbor(cborCodec.encodeOutput(putTree, output))).toEqual({ FailedRecordCount: 2, Records: results.toRecords() });
  });
});

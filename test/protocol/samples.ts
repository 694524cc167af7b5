// Sample values for every command, used by the round-trip tests and as seeds by the fuzzer. The
// mapped types make a command without samples a compile error.
import {
  EXPLICIT_HASH_SIZE,
  RECORD_HEADER_SIZE,
  R_FLAG_EXPLICIT_HASH,
  R_OFF_DATA_LEN,
  R_OFF_FLAGS,
  R_OFF_KEY_LEN,
  R_OFF_SIZE,
  R_OFF_TS_DELTA,
} from '../../src/core/constants.js';
import type { CallName, PushName, PushOf, RequestOf, ResponseOf } from '../../src/protocol/commands.js';
import type { RecordBatch, RecordsResult } from '../../src/protocol/codecs/common.js';
import { Features, WireCodec } from '../../src/protocol/constants.js';

export interface TestRecord {
  key: string;
  data: Buffer;
  explicitHashKey?: Buffer;
  tsDelta?: number;
}

/** Packs records in the storage layout (a test-side packer, independent of the code under test). */
export function packRecords(records: readonly TestRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const key = Buffer.from(r.key, 'utf8');
    const ehk = r.explicitHashKey ? EXPLICIT_HASH_SIZE : 0;
    const size = RECORD_HEADER_SIZE + ehk + key.length + r.data.length;
    const h = Buffer.alloc(RECORD_HEADER_SIZE);
    h.writeUInt32LE(size, R_OFF_SIZE);
    h.writeUInt32LE(r.tsDelta ?? 0, R_OFF_TS_DELTA);
    h.writeUInt32LE(r.data.length, R_OFF_DATA_LEN);
    h.writeUInt16LE(key.length, R_OFF_KEY_LEN);
    h.writeUInt8(r.explicitHashKey ? R_FLAG_EXPLICIT_HASH : 0, R_OFF_FLAGS);
    parts.push(h);
    if (r.explicitHashKey) parts.push(r.explicitHashKey);
    parts.push(key, r.data);
  }
  return Buffer.concat(parts);
}

export function records(n: number, dataBytes = 100, prefix = 'pk'): TestRecord[] {
  return Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, data: Buffer.alloc(dataBytes, i & 0xff), tsDelta: i }));
}

const MAX_HASH = (1n << 128n) - 1n;
const ehk = Buffer.alloc(16, 0xab);
const packed3 = packRecords([
  { key: 'a', data: Buffer.from('hello') },
  { key: 'ключ', data: Buffer.alloc(0), explicitHashKey: ehk },
  { key: 'x'.repeat(256), data: Buffer.alloc(1000, 7) },
]);
const packed100 = packRecords(records(100));

const batchA: RecordBatch = { firstOffset: 0, baseTimestampMs: 1_700_000_000_000, recordCount: 3, codec: WireCodec.NONE, rawSize: packed3.length, payload: packed3 };
const batchB: RecordBatch = {
  firstOffset: 2 ** 53 - 101,
  baseTimestampMs: -5,
  recordCount: 100,
  codec: WireCodec.NONE,
  rawSize: packed100.length,
  payload: packed100,
};
const batchLz4: RecordBatch = { firstOffset: 7, baseTimestampMs: 0, recordCount: 2, codec: WireCodec.LZ4, rawSize: 4096, payload: Buffer.from([1, 2, 3, 4, 5]) };

const results: RecordsResult[] = [
  { nextOffset: 0, millisBehindLatest: 0, shardEnd: false, batches: [], childShards: [] },
  { nextOffset: 103, millisBehindLatest: 12_345, shardEnd: false, batches: [batchA, batchB, batchLz4], childShards: [] },
  {
    nextOffset: 9,
    millisBehindLatest: 0,
    shardEnd: true,
    batches: [batchA],
    childShards: [
      { shardId: 'shardId-000000000002', parentShards: ['shardId-000000000000'], startingHashKey: 0n, endingHashKey: MAX_HASH / 2n },
      { shardId: 'shardId-000000000003', parentShards: ['shardId-000000000000', 'shardId-000000000001'], startingHashKey: MAX_HASH / 2n + 1n, endingHashKey: MAX_HASH },
    ],
  },
];

export const requestSamples: { [C in CallName]: RequestOf<C>[] } = {
  Handshake: [
    { minVersion: 1, maxVersion: 1, features: Features.LZ4 | Features.SUBSCRIPTIONS, maxFrameBytes: 16 << 20, clientName: 'millrace-js/0.1.0' },
    { minVersion: 1, maxVersion: 255, features: 0xffffffff, maxFrameBytes: 4096, clientName: '' },
  ],
  Authenticate: [{ accessKeyId: 'AKIDEXAMPLE', clientNonce: Buffer.alloc(32, 1), clientProof: Buffer.alloc(32, 2) }],
  Ping: [{ payload: Buffer.alloc(0) }, { payload: Buffer.alloc(255, 9) }],
  CreateStream: [
    { streamName: 'orders', shardCount: 4, mode: 'PROVISIONED', retentionHours: 24 },
    { streamName: 's'.repeat(128), shardCount: 0, mode: 'ON_DEMAND', retentionHours: 0 },
  ],
  DeleteStream: [
    { streamName: 'orders', enforceConsumerDeletion: false },
    { streamName: 'x', enforceConsumerDeletion: true },
  ],
  DescribeStreamSummary: [{ streamName: 'orders' }],
  ListStreams: [
    { limit: 0, exclusiveStartStreamName: '' },
    { limit: 100, exclusiveStartStreamName: 'orders' },
  ],
  ListShards: [{ streamName: 'orders', exclusiveStartShardId: '', limit: 0 }, { streamName: 'orders', exclusiveStartShardId: 'shardId-000000000001', limit: 1000 }],
  UpdateShardCount: [{ streamName: 'orders', targetShardCount: 8, scalingType: 'UNIFORM_SCALING' }],
  SplitShard: [{ streamName: 'orders', shardToSplit: 'shardId-000000000000', newStartingHashKey: MAX_HASH / 2n }],
  MergeShards: [{ streamName: 'orders', shardToMerge: 'shardId-000000000000', adjacentShardToMerge: 'shardId-000000000001' }],
  PutBatch: [
    { streamName: 'orders', shardId: '', recordCount: 3, codec: WireCodec.NONE, rawSize: packed3.length, payload: packed3 },
    { streamName: 'orders', shardId: 'shardId-000000000007', recordCount: 100, codec: WireCodec.NONE, rawSize: packed100.length, payload: packed100 },
    { streamName: 'orders', shardId: '', recordCount: 10, codec: WireCodec.LZ4, rawSize: 100_000, payload: Buffer.alloc(300, 3) },
  ],
  GetBatch: [
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'TRIM_HORIZON' }, maxRecords: 0, maxBytes: 0, waitMs: 0 },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'AT_OFFSET', offset: 2 ** 53 - 1 }, maxRecords: 10_000, maxBytes: 10 << 20, waitMs: 500 },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'AFTER_OFFSET', offset: 0 }, maxRecords: 1, maxBytes: 1, waitMs: 0 },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '4959'.repeat(14) }, maxRecords: 1, maxBytes: 0, waitMs: 0 },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '1' }, maxRecords: 1, maxBytes: 0, waitMs: 0 },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'AT_TIMESTAMP', timestampMs: -(2 ** 53 - 1) }, maxRecords: 1, maxBytes: 0, waitMs: 0 },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'SHARD_ITERATOR', shardIterator: 'AAAA'.repeat(100) }, maxRecords: 1, maxBytes: 0, waitMs: 0 },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'LATEST' }, maxRecords: 0xffffffff, maxBytes: 0xffffffff, waitMs: 0xffffffff },
  ],
  GetShardIterator: [
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'LATEST' } },
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'AT_TIMESTAMP', timestampMs: 1_700_000_000_000 } },
  ],
  Subscribe: [
    { streamName: 'orders', shardId: 'shardId-000000000000', position: { type: 'AFTER_OFFSET', offset: 41 }, recordCredits: 10_000, byteCredits: 8 << 20, maxRecordsPerEvent: 0 },
  ],
  GrantCredits: [{ subscriptionId: 7, records: 5000, bytes: 4 << 20 }],
  Unsubscribe: [{ subscriptionId: 0xffffffff }],
  CommitCheckpoint: [
    { group: 'billing', streamName: 'orders', shardId: 'shardId-000000000000', offset: 41, shardEnd: false, metadata: Buffer.alloc(0) },
    { group: 'billing', streamName: 'orders', shardId: 'shardId-000000000000', offset: 99, shardEnd: true, metadata: Buffer.alloc(4096, 1) },
  ],
  FetchCheckpoint: [{ group: 'billing', streamName: 'orders', shardId: 'shardId-000000000000' }],
};

export const responseSamples: { [C in CallName]: ResponseOf<C>[] } = {
  Handshake: [
    {
      version: 1,
      features: Features.LZ4,
      maxFrameBytes: 16 << 20,
      maxInFlight: 1024,
      idleTimeoutMs: 60_000,
      authMethods: 1,
      serverNonce: Buffer.alloc(32, 5),
      serverName: 'millrace/0.1.0',
    },
  ],
  Authenticate: [{ serverProof: Buffer.alloc(32, 6) }],
  Ping: [{ payload: Buffer.from('12345678') }],
  CreateStream: [{}],
  DeleteStream: [{}],
  DescribeStreamSummary: [
    {
      streamName: 'orders',
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
      status: 'ACTIVE',
      mode: 'PROVISIONED',
      retentionHours: 24,
      openShardCount: 4,
      consumerCount: 0,
      createdAtMs: 1_700_000_000_000,
      encryption: 'NONE',
      keyId: '',
    },
    {
      streamName: 'e',
      streamArn: 'arn',
      status: 'UPDATING',
      mode: 'ON_DEMAND',
      retentionHours: 8760,
      openShardCount: 0,
      consumerCount: 3,
      createdAtMs: 0,
      encryption: 'KMS',
      keyId: 'alias/aws/kinesis',
    },
  ],
  ListStreams: [
    { streamNames: [], hasMore: false },
    { streamNames: ['a', 'orders', 'é'], hasMore: true },
  ],
  ListShards: [
    { shards: [], hasMore: false },
    {
      shards: [
        {
          shardId: 'shardId-000000000000',
          parentShardId: '',
          adjacentParentShardId: '',
          startingHashKey: 0n,
          endingHashKey: MAX_HASH,
          startingSequenceNumber: '49590338271490256608559692538361571095921575989136588802',
          endingSequenceNumber: '',
        },
        {
          shardId: 'shardId-000000000003',
          parentShardId: 'shardId-000000000001',
          adjacentParentShardId: 'shardId-000000000002',
          startingHashKey: 1n,
          endingHashKey: 2n,
          startingSequenceNumber: '1',
          endingSequenceNumber: '2',
        },
      ],
      hasMore: true,
    },
  ],
  UpdateShardCount: [{ currentShardCount: 4, targetShardCount: 8 }],
  SplitShard: [{}],
  MergeShards: [{}],
  PutBatch: [
    { results: [{ shardId: 'shardId-000000000007', status: 0, firstOffset: 1000, recordCount: 100, timestampMs: 1_700_000_000_000, message: '' }], assignment: null },
    {
      results: [
        { shardId: 'shardId-000000000000', status: 0, firstOffset: 5, recordCount: 2, timestampMs: 1_700_000_000_001, message: '' },
        { shardId: 'shardId-000000000001', status: 206, firstOffset: 0, recordCount: 1, timestampMs: 0, message: 'Rate exceeded for shard shardId-000000000001' },
      ],
      assignment: Uint16Array.from([0, 1, 0]),
    },
  ],
  GetBatch: results,
  GetShardIterator: [{ shardIterator: 'AAAAAAAAAAH', offset: 17 }],
  Subscribe: [{ subscriptionId: 1, startOffset: 42 }],
  GrantCredits: [{}],
  Unsubscribe: [{}],
  CommitCheckpoint: [{}],
  FetchCheckpoint: [
    { checkpoint: null },
    { checkpoint: { offset: 41, shardEnd: false, metadata: Buffer.from('lease=worker-1'), updatedAtMs: 1_700_000_000_000 } },
    { checkpoint: { offset: 0, shardEnd: true, metadata: Buffer.alloc(0), updatedAtMs: 0 } },
  ],
};

export const pushSamples: { [P in PushName]: PushOf<P>[] } = {
  GoAway: [
    { code: 0, message: '' },
    { code: 11, message: 'server shutting down' },
  ],
  SubscriptionEvent: results,
};

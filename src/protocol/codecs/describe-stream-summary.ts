// DescribeStreamSummary (18)
//
// Request:
//   streamName      str8
//
// Response:
//   streamName      str8
//   streamArn       str16
//   status          u8    0 CREATING, 1 DELETING, 2 ACTIVE, 3 UPDATING
//   mode            u8    0 PROVISIONED, 1 ON_DEMAND
//   retentionHours  u32
//   openShardCount  u32
//   consumerCount   u32
//   createdAtMs     i64
//   encryption      u8    0 NONE, 1 KMS
//   keyId           str16 empty when encryption is NONE
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { enumeration, streamMode, type StreamMode } from './common.js';

export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
export type EncryptionType = 'NONE' | 'KMS';
const streamStatus = enumeration('stream status', ['CREATING', 'DELETING', 'ACTIVE', 'UPDATING']);
const encryptionType = enumeration('encryption type', ['NONE', 'KMS']);

export interface DescribeStreamSummaryRequest {
  streamName: string;
}

export interface DescribeStreamSummaryResponse {
  streamName: string;
  streamArn: string;
  status: StreamStatus;
  mode: StreamMode;
  retentionHours: number;
  openShardCount: number;
  consumerCount: number;
  createdAtMs: number;
  encryption: EncryptionType;
  keyId: string;
}

const request: Codec<DescribeStreamSummaryRequest> = {
  size: (v) => size.str8(v.streamName),
  write(w, v) {
    w.str8(v.streamName);
  },
  read: (r) => ({ streamName: r.str8() }),
};

const response: Codec<DescribeStreamSummaryResponse> = {
  size: (v) => size.str8(v.streamName) + size.str16(v.streamArn) + 2 + 12 + 8 + 1 + size.str16(v.keyId),
  write(w, v) {
    w.str8(v.streamName);
    w.str16(v.streamArn);
    streamStatus.write(w, v.status);
    streamMode.write(w, v.mode);
    w.u32(v.retentionHours);
    w.u32(v.openShardCount);
    w.u32(v.consumerCount);
    w.i64(v.createdAtMs);
    encryptionType.write(w, v.encryption);
    w.str16(v.keyId);
  },
  read: (r) => ({
    streamName: r.str8(),
    streamArn: r.str16(),
    status: streamStatus.read(r),
    mode: streamMode.read(r),
    retentionHours: r.u32(),
    openShardCount: r.u32(),
    consumerCount: r.u32(),
    createdAtMs: r.i64(),
    encryption: encryptionType.read(r),
    keyId: r.str16(),
  }),
};

export const describeStreamSummary = { request, response };

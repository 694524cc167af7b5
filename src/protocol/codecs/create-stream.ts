// CreateStream (16)
//
// Request:
//   streamName      str8
//   shardCount      u32   0 with ON_DEMAND: the server's default
//   mode            u8    0 PROVISIONED, 1 ON_DEMAND
//   retentionHours  u32   0: the default (24)
//
// Response: empty.
import { empty, type Codec } from '../codec.js';
import { size } from '../cursor.js';
import { streamMode, type StreamMode } from './common.js';

export interface CreateStreamRequest {
  streamName: string;
  shardCount: number;
  mode: StreamMode;
  retentionHours: number;
}

const request: Codec<CreateStreamRequest> = {
  size: (v) => size.str8(v.streamName) + 9,
  write(w, v) {
    w.str8(v.streamName);
    w.u32(v.shardCount);
    streamMode.write(w, v.mode);
    w.u32(v.retentionHours);
  },
  read: (r) => ({ streamName: r.str8(), shardCount: r.u32(), mode: streamMode.read(r), retentionHours: r.u32() }),
};

export const createStream = { request, response: empty };

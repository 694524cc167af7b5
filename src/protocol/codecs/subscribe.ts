// Subscribe (48): start server push for a shard, with credit-based flow control. Needs the
// SUBSCRIPTIONS feature. The response is written before the subscription's first push.
//
// Request:
//   streamName          str8
//   shardId             str8
//   position            position
//   recordCredits       u32   initial credit
//   byteCredits         u32   initial credit
//   maxRecordsPerEvent  u32   0: server default
//
// Response:
//   subscriptionId  u32   requestId of this subscription's pushes
//   startOffset     u64   the offset the position resolved to
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { position, type Position } from './common.js';

export interface SubscribeRequest {
  streamName: string;
  shardId: string;
  position: Position;
  recordCredits: number;
  byteCredits: number;
  maxRecordsPerEvent: number;
}

export interface SubscribeResponse {
  subscriptionId: number;
  startOffset: number;
}

const request: Codec<SubscribeRequest> = {
  size: (v) => size.str8(v.streamName) + size.str8(v.shardId) + position.size(v.position) + 12,
  write(w, v) {
    w.str8(v.streamName);
    w.str8(v.shardId);
    position.write(w, v.position);
    w.u32(v.recordCredits);
    w.u32(v.byteCredits);
    w.u32(v.maxRecordsPerEvent);
  },
  read: (r) => ({
    streamName: r.str8(),
    shardId: r.str8(),
    position: position.read(r),
    recordCredits: r.u32(),
    byteCredits: r.u32(),
    maxRecordsPerEvent: r.u32(),
  }),
};

const response: Codec<SubscribeResponse> = {
  size: () => 12,
  write(w, v) {
    w.u32(v.subscriptionId);
    w.u64(v.startOffset);
  },
  read: (r) => ({ subscriptionId: r.u32(), startOffset: r.u64() }),
};

export const subscribe = { request, response };

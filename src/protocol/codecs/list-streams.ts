// ListStreams (19)
//
// Request:
//   limit                     u16   0: server default
//   exclusiveStartStreamName  str8  empty: from the first
//
// Response:
//   count    u16
//   names    str8 × count
//   hasMore  u8
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { bool } from './common.js';

export interface ListStreamsRequest {
  limit: number;
  /** Empty: from the first stream. */
  exclusiveStartStreamName: string;
}

export interface ListStreamsResponse {
  streamNames: string[];
  hasMore: boolean;
}

const request: Codec<ListStreamsRequest> = {
  size: (v) => 2 + size.str8(v.exclusiveStartStreamName),
  write(w, v) {
    w.u16(v.limit);
    w.str8(v.exclusiveStartStreamName);
  },
  read: (r) => ({ limit: r.u16(), exclusiveStartStreamName: r.str8() }),
};

const response: Codec<ListStreamsResponse> = {
  size(v) {
    let n = 3;
    for (const s of v.streamNames) n += size.str8(s);
    return n;
  },
  write(w, v) {
    w.u16(v.streamNames.length);
    for (const s of v.streamNames) w.str8(s);
    bool.write(w, v.hasMore);
  },
  read(r) {
    const count = r.count16(1);
    const streamNames: string[] = [];
    for (let i = 0; i < count; i++) streamNames.push(r.str8());
    return { streamNames, hasMore: bool.read(r) };
  },
};

export const listStreams = { request, response };

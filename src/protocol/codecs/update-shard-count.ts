// UpdateShardCount (21)
//
// Request:
//   streamName        str8
//   targetShardCount  u32
//   scalingType       u8   0 UNIFORM_SCALING
//
// Response:
//   currentShardCount  u32
//   targetShardCount   u32
import type { Codec } from '../codec.js';
import { size } from '../cursor.js';
import { enumeration } from './common.js';

const scalingType = enumeration('scaling type', ['UNIFORM_SCALING']);

export interface UpdateShardCountRequest {
  streamName: string;
  targetShardCount: number;
  scalingType: 'UNIFORM_SCALING';
}

export interface UpdateShardCountResponse {
  currentShardCount: number;
  targetShardCount: number;
}

const request: Codec<UpdateShardCountRequest> = {
  size: (v) => size.str8(v.streamName) + 5,
  write(w, v) {
    w.str8(v.streamName);
    w.u32(v.targetShardCount);
    scalingType.write(w, v.scalingType);
  },
  read: (r) => ({ streamName: r.str8(), targetShardCount: r.u32(), scalingType: scalingType.read(r) }),
};

const response: Codec<UpdateShardCountResponse> = {
  size: () => 8,
  write(w, v) {
    w.u32(v.currentShardCount);
    w.u32(v.targetShardCount);
  },
  read: (r) => ({ currentShardCount: r.u32(), targetShardCount: r.u32() }),
};

export const updateShardCount = { request, response };

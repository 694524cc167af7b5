// DeleteStream (17)
//
// Request:
//   streamName               str8
//   enforceConsumerDeletion  u8   0 or 1
//
// Response: empty.
import { empty, type Codec } from '../codec.js';
import { size } from '../cursor.js';
import { bool } from './common.js';

export interface DeleteStreamRequest {
  streamName: string;
  enforceConsumerDeletion: boolean;
}

const request: Codec<DeleteStreamRequest> = {
  size: (v) => size.str8(v.streamName) + 1,
  write(w, v) {
    w.str8(v.streamName);
    bool.write(w, v.enforceConsumerDeletion);
  },
  read: (r) => ({ streamName: r.str8(), enforceConsumerDeletion: bool.read(r) }),
};

export const deleteStream = { request, response: empty };

// Wire constants of the TCP binary protocol (docs/PROTOCOL.md). They are the protocol's own, not
// shared with C++, so they live here rather than in scripts/constants.json.
import { MAX_BATCH_BYTES } from '../core/constants.js';

/** The protocol versions this implementation speaks. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_VERSIONS: readonly number[] = [1];

/** Bytes of the frame header, length field included. Frozen for every version. */
export const FRAME_HEADER_SIZE = 16;
/** Bytes of the header counted by the length field (everything after it). */
export const FRAME_LENGTH_BASE = FRAME_HEADER_SIZE - 4;

export const F_OFF_LENGTH = 0;
export const F_OFF_VERSION = 4;
export const F_OFF_KIND = 5;
export const F_OFF_COMMAND = 6;
export const F_OFF_REQUEST_ID = 8;
export const F_OFF_STATUS = 12;
export const F_OFF_FLAGS = 14;

export const FrameKind = { Request: 0, Response: 1, Push: 2 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Frame limit in both directions until the handshake has set the negotiated one. */
export const PREAMBLE_MAX_FRAME_BYTES = 4096;
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** No peer may announce more: one largest storage batch plus room for headers. */
export const MAX_FRAME_BYTES_CEILING = MAX_BATCH_BYTES + 1024 * 1024;
export const DEFAULT_MAX_IN_FLIGHT = 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Handshake feature bits. Append-only. */
export const Features = {
  /** Record batches may use codec 1 (LZ4) in both directions. */
  LZ4: 1 << 0,
  /** Subscribe, GrantCredits, Unsubscribe and SubscriptionEvent pushes. */
  SUBSCRIPTIONS: 1 << 1,
} as const;
export const ALL_FEATURES = Features.LZ4 | Features.SUBSCRIPTIONS;

/** Handshake `authMethods` bits. */
export const AuthMethods = { HMAC_SHA256: 1 << 0 } as const;
export const NONCE_SIZE = 32;
export const PROOF_SIZE = 32;

/** Record batch codecs on the wire; the same numbers as the storage batch flags. */
export const WireCodec = { NONE: 0, LZ4: 1 } as const;
export type WireCodec = (typeof WireCodec)[keyof typeof WireCodec];

/** Records-result flag: the shard is closed and everything in it has been returned. */
export const RESULT_FLAG_SHARD_END = 1;
/** Checkpoint flag: the shard is finished. */
export const CHECKPOINT_FLAG_SHARD_END = 1;
export const MAX_CHECKPOINT_METADATA_BYTES = 4096;

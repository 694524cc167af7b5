// Sans-IO framing (docs/PROTOCOL.md#frames): bytes in, frames out, and frames into one buffer.
// No sockets here: the decoder is fed whatever chunks the transport produced, so it can be tested
// and fuzzed alone.
//
// Frame header, 16 bytes, little-endian, frozen for every version:
//   0   length     u32   bytes after this field: 12 + body length
//   4   version    u8
//   5   kind       u8    0 request, 1 response, 2 push
//   6   command    u16
//   8   requestId  u32   push: subscription id
//   12  status     u16   0, or a wire error code (then the body is an error body)
//   14  flags      u16   reserved, 0
//   16  body
import {
  FRAME_HEADER_SIZE,
  FRAME_LENGTH_BASE,
  F_OFF_COMMAND,
  F_OFF_FLAGS,
  F_OFF_KIND,
  F_OFF_LENGTH,
  F_OFF_REQUEST_ID,
  F_OFF_STATUS,
  F_OFF_VERSION,
  FrameKind,
  MAX_FRAME_BYTES_CEILING,
  PREAMBLE_MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
} from './constants.js';
import { InvalidArgumentError } from '../errors.js';
import { WireErrorCode } from './error-codes.js';
import { ProtocolError } from './errors.js';

export interface FrameHeader {
  version: number;
  kind: FrameKind;
  command: number;
  /** Request id; for pushes, the subscription id. */
  requestId: number;
  /** 0, or a wire error code. */
  status: number;
}

export interface Frame extends FrameHeader {
  /** A view of the received bytes when the frame arrived whole in one chunk, else its own buffer. */
  body: Buffer;
  /** The pool buffer `body` views, when it came from the decoder's bodyPool (the receiver may give it back). */
  pooled?: Buffer;
}

/** Where a decoder takes buffers for split bodies (src/core/buffer-pool.ts has one). */
export interface BodyPool {
  /** A buffer of at least `size` bytes that no one else holds. */
  acquire(size: number): Buffer;
}

export interface FrameDecoderOptions {
  /** Largest frame accepted, header included. Default PREAMBLE_MAX_FRAME_BYTES until the handshake. */
  maxFrameBytes?: number;
  /** The only version accepted. Default 1 (the handshake's). */
  version?: number;
  /**
   * Allocate a split frame's whole body (at most maxFrameBytes) when its first bytes arrive, so
   * each byte is copied once instead of again at every doubling. Only for a peer trusted not to
   * announce frames it does not send: the client, whose peer is its own server. A server keeps the
   * default (false): a client announcing large frames must not pin their size.
   */
  wholeBodies?: boolean;
  /**
   * Split bodies of at most POOLED_BODY_MAX_BYTES are taken whole from this pool as their first
   * bytes arrive: one buffer and one copy per frame, and buffers that come back instead of new
   * external memory for the GC to track. The receiver returns `frame.pooled` once nothing holds
   * the body; a frame it does not return is simply left to the GC. A peer can pin at most that
   * much per connection by announcing a frame it does not send.
   */
  bodyPool?: BodyPool;
}

/** Largest split body taken from the body pool (a batch of 1,000 records of 1 KiB fits); larger ones grow by doubling as they arrive. */
export const POOLED_BODY_MAX_BYTES = 2 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);
const INITIAL_BODY_BYTES = 64 * 1024;
/** The BYOB scratch: a read between frames takes at most this much (Node's own read size). */
const SCRATCH_BYTES = 64 * 1024;
/** Bodies copied out of the scratch from this size on come from the body pool, if there is one. */
const POOLED_COPY_MIN_BYTES = 4096;

function checkLimit(n: number): number {
  if (!Number.isInteger(n) || n < PREAMBLE_MAX_FRAME_BYTES || n > MAX_FRAME_BYTES_CEILING) {
    throw new InvalidArgumentError(`maxFrameBytes must be an integer in [${PREAMBLE_MAX_FRAME_BYTES}, ${MAX_FRAME_BYTES_CEILING}], got ${n}`);
  }
  return n;
}

/**
 * Incremental frame decoder: push() each chunk as it arrives, get back the frames it completed.
 * Handles frames split across chunks and many frames per chunk. A frame's size is checked against
 * the limit from its header alone, before anything is allocated for its body. A frame that is still
 * arriving holds a buffer that grows with the bytes that did arrive (doubling, up to the announced
 * length), so a peer announcing large frames without sending them pins little memory.
 * A frame that arrives within one chunk is a view of it: do not reuse a chunk's memory after pushing
 * it (socket chunks are never reused). After an error the decoder stays failed: the connection's
 * frame boundaries are lost.
 *
 * BYOB reads (net.Socket's `onread` with a buffer function) use readTarget() and landed() instead
 * of push(): a body with its whole buffer (from the body pool, or wholeBodies) is read straight
 * into it, with no socket chunk allocated and no copy; other bytes land in a scratch buffer of the
 * decoder's, whose frames are copied out since the scratch is reused.
 */
export class FrameDecoder {
  #maxFrameBytes: number;
  #version: number;
  readonly #wholeBodies: boolean;
  readonly #bodyPool: BodyPool | undefined;
  readonly #head = Buffer.alloc(FRAME_HEADER_SIZE);
  #headFill = 0;
  /** The frame whose body is still arriving, its announced length, and what arrived of it. */
  #partial: Frame | null = null;
  #bodyLength = 0;
  #body: Buffer | null = null;
  #bodyFill = 0;
  /** The pool buffer of the body being filled, if it came from the pool. */
  #pooled: Buffer | undefined;
  #failed: ProtocolError | null = null;
  /** BYOB: the scratch buffer, whether the last target was a body, and whether views must be copied. */
  #scratch: Buffer | undefined;
  #targetIsBody = false;
  #copyViews = false;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxFrameBytes = checkLimit(options.maxFrameBytes ?? PREAMBLE_MAX_FRAME_BYTES);
    this.#version = options.version ?? PROTOCOL_VERSION;
    this.#wholeBodies = options.wholeBodies ?? false;
    this.#bodyPool = options.bodyPool;
  }

  get maxFrameBytes(): number {
    return this.#maxFrameBytes;
  }

  /** Set after the handshake; applies from the next frame header on. */
  set maxFrameBytes(n: number) {
    this.#maxFrameBytes = checkLimit(n);
  }

  get version(): number {
    return this.#version;
  }

  /** Set to the negotiated version after the handshake. */
  set version(v: number) {
    this.#version = v;
  }

  /** Memory held for a frame that has not arrived whole (header bytes, or its body buffer). */
  get bufferedBytes(): number {
    return this.#partial ? (this.#body?.length ?? 0) : this.#headFill;
  }

  /** True between frames: nothing of an incomplete frame is held. */
  get idle(): boolean {
    return this.#headFill === 0 && this.#partial === null;
  }

  /**
   * BYOB: where the next read should land. The unfilled rest of the body being received, when it
   * has its whole buffer (taken now if the frame's header has just arrived), else the scratch.
   */
  readTarget(): Buffer {
    if (this.#partial !== null && this.#failed === null) {
      if (this.#body === null) this.#body = this.#wholeBody();
      const body = this.#body;
      if (body !== null && body.length >= this.#bodyLength) {
        this.#targetIsBody = true;
        return body.subarray(this.#bodyFill, this.#bodyLength);
      }
    }
    this.#targetIsBody = false;
    return (this.#scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES));
  }

  /** BYOB: `n` bytes were read into the buffer readTarget() returned; the frames they completed. */
  landed(n: number): Frame[] {
    if (this.#failed) throw this.#failed;
    if (!this.#targetIsBody) {
      this.#copyViews = true;
      try {
        return this.push(this.#scratch!.subarray(0, n));
      } finally {
        this.#copyViews = false;
      }
    }
    this.#bodyFill += n;
    if (this.#bodyFill < this.#bodyLength) return [];
    const frame = this.#finishBody();
    return [frame];
  }

  push(chunk: Buffer): Frame[] {
    if (this.#failed) throw this.#failed;
    const frames: Frame[] = [];
    try {
      this.#decode(chunk, frames);
    } catch (err) {
      if (err instanceof ProtocolError) this.#failed = err;
      throw err;
    }
    return frames;
  }

  #decode(chunk: Buffer, frames: Frame[]): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      const partial = this.#partial;
      if (partial) {
        // The rest of a frame that started in an earlier chunk.
        const n = Math.min(this.#bodyLength - this.#bodyFill, end - pos);
        if (this.#bodyFill === 0 && this.#body === null && n === this.#bodyLength) {
          // The whole body in this chunk: a view, as for a frame that arrives unsplit.
          this.#setBody(partial, chunk.subarray(pos, pos + n));
          frames.push(partial);
          this.#partial = null;
        } else {
          this.#append(chunk, pos, pos + n);
          if (this.#bodyFill === this.#bodyLength) frames.push(this.#finishBody());
        }
        pos += n;
        continue;
      }

      let head: Buffer;
      let at: number;
      if (this.#headFill === 0 && end - pos >= FRAME_HEADER_SIZE) {
        head = chunk;
        at = pos;
        pos += FRAME_HEADER_SIZE;
      } else {
        // A header split across chunks is gathered in a 16-byte scratch buffer.
        const n = Math.min(FRAME_HEADER_SIZE - this.#headFill, end - pos);
        chunk.copy(this.#head, this.#headFill, pos, pos + n);
        this.#headFill += n;
        pos += n;
        if (this.#headFill < FRAME_HEADER_SIZE) return;
        this.#headFill = 0;
        head = this.#head;
        at = 0;
      }
      const bodyLength = this.#parse(head, at);

      if (end - pos >= bodyLength) {
        const frame = this.#frame(head, at, EMPTY);
        this.#setBody(frame, chunk.subarray(pos, pos + bodyLength));
        frames.push(frame);
        pos += bodyLength;
      } else {
        this.#partial = this.#frame(head, at, EMPTY);
        this.#bodyLength = bodyLength;
        if (pos < end) this.#append(chunk, pos, end);
        pos = end;
      }
    }
  }

  /**
   * Copies body bytes into a buffer that at least doubles when full, capped at the announced (and
   * checked) length: memory stays within twice what arrived (or 64 KiB), copying stays linear.
   * With wholeBodies the first buffer is the announced length, never grown.
   */
  #append(chunk: Buffer, from: number, to: number): void {
    const need = this.#bodyFill + (to - from);
    let body = this.#body ??= this.#wholeBody();
    if (!body || need > body.length) {
      const size = Math.min(this.#bodyLength, Math.max(need, INITIAL_BODY_BYTES, (body?.length ?? 0) * 2));
      const grown = Buffer.allocUnsafe(size);
      if (body) body.copy(grown, 0, 0, this.#bodyFill);
      this.#body = body = grown;
    }
    chunk.copy(body, this.#bodyFill, from, to);
    this.#bodyFill = need;
  }

  /** The buffer for a whole body, taken as its header arrives: from the pool, or with wholeBodies; else null. */
  #wholeBody(): Buffer | null {
    if (this.#bodyPool && this.#bodyLength <= POOLED_BODY_MAX_BYTES) return (this.#pooled = this.#bodyPool.acquire(this.#bodyLength));
    if (this.#wholeBodies) return Buffer.allocUnsafe(this.#bodyLength);
    return null;
  }

  /** The frame whose body has just been filled, handed over; the decoder is between frames again. */
  #finishBody(): Frame {
    const partial = this.#partial!;
    // Exactly bodyLength long (#append caps its growth there), or a view of a pool buffer.
    partial.body = this.#body!.length === this.#bodyLength ? this.#body! : this.#body!.subarray(0, this.#bodyLength);
    if (this.#pooled) {
      partial.pooled = this.#pooled;
      this.#pooled = undefined;
    }
    this.#partial = null;
    this.#body = null;
    this.#bodyFill = 0;
    return partial;
  }

  /** A body that arrived within one chunk: a view of it, or a copy when the chunk is the BYOB scratch. */
  #setBody(frame: Frame, view: Buffer): void {
    if (!this.#copyViews) {
      frame.body = view;
    } else if (this.#bodyPool && view.length >= POOLED_COPY_MIN_BYTES && view.length <= POOLED_BODY_MAX_BYTES) {
      const pooled = this.#bodyPool.acquire(view.length);
      view.copy(pooled);
      frame.body = pooled.subarray(0, view.length);
      frame.pooled = pooled;
    } else {
      frame.body = Buffer.from(view);
    }
  }

  /** Validates the header at `at` and returns the body length. */
  #parse(b: Buffer, at: number): number {
    const length = b.readUInt32LE(at + F_OFF_LENGTH);
    const ids = { requestId: b.readUInt32LE(at + F_OFF_REQUEST_ID), command: b.readUInt16LE(at + F_OFF_COMMAND), fatal: true };
    if (length < FRAME_LENGTH_BASE) {
      throw new ProtocolError(WireErrorCode.MR_PROTOCOL, `frame length ${length} is below the header's ${FRAME_LENGTH_BASE}`, ids);
    }
    if (length > this.#maxFrameBytes - 4) {
      throw new ProtocolError(WireErrorCode.MR_FRAME_TOO_LARGE, `frame of ${length + 4} bytes exceeds the limit of ${this.#maxFrameBytes}`, ids);
    }
    const version = b[at + F_OFF_VERSION]!;
    if (version !== this.#version) {
      throw new ProtocolError(WireErrorCode.MR_UNSUPPORTED_VERSION, `frame version ${version}, expected ${this.#version}`, ids);
    }
    const kind = b[at + F_OFF_KIND]!;
    if (kind > FrameKind.Push) throw new ProtocolError(WireErrorCode.MR_PROTOCOL, `unknown frame kind ${kind}`, ids);
    const flags = b.readUInt16LE(at + F_OFF_FLAGS);
    if (flags !== 0) throw new ProtocolError(WireErrorCode.MR_PROTOCOL, `reserved frame flags ${flags} are not zero`, ids);
    return length - FRAME_LENGTH_BASE;
  }

  #frame(b: Buffer, at: number, body: Buffer): Frame {
    return {
      version: b[at + F_OFF_VERSION]!,
      kind: b[at + F_OFF_KIND] as FrameKind,
      command: b.readUInt16LE(at + F_OFF_COMMAND),
      requestId: b.readUInt32LE(at + F_OFF_REQUEST_ID),
      status: b.readUInt16LE(at + F_OFF_STATUS),
      body,
    };
  }
}

/** Writes a frame header at `at` for a body of `bodyLength` bytes; returns the body's offset. */
export function writeFrameHeader(buf: Buffer, at: number, header: FrameHeader, bodyLength: number): number {
  buf.writeUInt32LE(FRAME_LENGTH_BASE + bodyLength, at + F_OFF_LENGTH);
  buf.writeUInt8(header.version, at + F_OFF_VERSION);
  buf.writeUInt8(header.kind, at + F_OFF_KIND);
  buf.writeUInt16LE(header.command, at + F_OFF_COMMAND);
  buf.writeUInt32LE(header.requestId, at + F_OFF_REQUEST_ID);
  buf.writeUInt16LE(header.status, at + F_OFF_STATUS);
  buf.writeUInt16LE(0, at + F_OFF_FLAGS);
  return at + FRAME_HEADER_SIZE;
}

/** One frame from a header and an already-encoded body (tests, tools; hot paths use FrameWriter). */
export function encodeFrame(header: FrameHeader, body: Uint8Array = Buffer.alloc(0)): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_HEADER_SIZE + body.length);
  buf.set(body, writeFrameHeader(buf, 0, header, body.length));
  return buf;
}

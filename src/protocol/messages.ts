// Typed messages over frames: what the server and the client call. Encoding sizes every frame
// first and writes it once; FrameWriter puts any number of frames into one buffer (flush) or one
// vectored write that leaves large record payloads uncopied (flushParts).
import { decodeBody, type Codec } from './codec.js';
import { errorBody, type ErrorBody } from './codecs/common.js';
import {
  Commands,
  commandById,
  type CallName,
  type CommandName,
  type PushName,
  type PushOf,
  type RequestOf,
  type ResponseOf,
} from './commands.js';
import { FRAME_HEADER_SIZE, FrameKind, PROTOCOL_VERSION } from './constants.js';
import { Writer } from './cursor.js';
import { wireErrorByCode, WireErrorCode } from './error-codes.js';
import { ProtocolError } from './errors.js';
import { writeFrameHeader, type Frame } from './framing.js';
import { InvalidArgumentError } from '../errors.js';

/** An error as carried on the wire: numeric code, its name when this build knows it, message. */
export interface WireError {
  code: number;
  /** The string code (MR_* or AWS `__type`); undefined for a code newer than this build. */
  name: string | undefined;
  message: string;
  retryAfterMs: number;
}

export interface WireErrorInit {
  code: number;
  message: string;
  retryAfterMs?: number;
}

export type IncomingRequest = { [C in CallName]: { command: C; requestId: number; body: RequestOf<C> } }[CallName];

export type IncomingResponse =
  | { [C in CallName]: { command: C; requestId: number; ok: true; body: ResponseOf<C> } }[CallName]
  | { command: CallName; requestId: number; ok: false; error: WireError };

export type IncomingPush =
  | { [P in PushName]: { command: P; subscriptionId: number; ok: true; body: PushOf<P> } }[PushName]
  | { command: PushName; subscriptionId: number; ok: false; error: WireError };

interface Pending {
  version: number;
  kind: FrameKind;
  command: number;
  requestId: number;
  status: number;
  codec: Codec<unknown>;
  body: unknown;
  size: number;
  /** Payload bytes a parts write references instead of copying. */
  detached: number;
}

function checkU32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError(`${what} must be a u32, got ${v}`);
}

function errorPending(kind: FrameKind, command: number, id: number, e: WireErrorInit): Pending {
  if (!Number.isInteger(e.code) || e.code < 1 || e.code > 0xffff) throw new InvalidArgumentError(`error code must be in [1, 65535], got ${e.code}`);
  const body: ErrorBody = { message: e.message, retryAfterMs: e.retryAfterMs ?? 0 };
  return { version: PROTOCOL_VERSION, kind, command, requestId: id, status: e.code, codec: errorBody as Codec<unknown>, body, size: errorBody.size(body), detached: 0 };
}

function callPending(kind: FrameKind, command: CallName, requestId: number, body: unknown): Pending {
  const spec = Commands[command];
  checkU32('requestId', requestId);
  const codec = (kind === FrameKind.Request ? spec.request : spec.response) as Codec<unknown>;
  return { version: PROTOCOL_VERSION, kind, command: spec.id, requestId, status: 0, codec, body, size: codec.size(body), detached: codec.detached?.(body) ?? 0 };
}

function pushPending(command: PushName, subscriptionId: number, body: unknown): Pending {
  const spec = Commands[command];
  checkU32('subscriptionId', subscriptionId);
  const codec = spec.push as Codec<unknown>;
  return {
    version: PROTOCOL_VERSION,
    kind: FrameKind.Push,
    command: spec.id,
    requestId: subscriptionId,
    status: 0,
    codec,
    body,
    size: codec.size(body),
    detached: codec.detached?.(body) ?? 0,
  };
}

/** Writes one frame at w.pos; `inline` is the body bytes that land in w.buf (size minus detached payloads). */
function writeFrame(w: Writer, p: Pending, inline: number): void {
  const start = w.pos;
  w.pos = writeFrameHeader(w.buf, start, p, p.size);
  p.codec.write(w, p.body);
  if (w.pos !== start + FRAME_HEADER_SIZE + inline) {
    throw new RangeError(`codec for command ${p.command} wrote ${w.pos - start - FRAME_HEADER_SIZE} bytes, expected ${inline}`);
  }
}

function single(p: Pending): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_HEADER_SIZE + p.size);
  writeFrame(new Writer(buf), p, p.size);
  return buf;
}

export function encodeRequest<C extends CallName>(command: C, requestId: number, body: RequestOf<C>): Buffer {
  return single(callPending(FrameKind.Request, command, requestId, body));
}

export function encodeResponse<C extends CallName>(command: C, requestId: number, body: ResponseOf<C>): Buffer {
  return single(callPending(FrameKind.Response, command, requestId, body));
}

/** An error response. `command` is the request's command id, echoed even when this build does not know it. */
export function encodeErrorResponse(command: number, requestId: number, error: WireErrorInit): Buffer {
  return single(errorPending(FrameKind.Response, command, requestId, error));
}

export function encodePush<P extends PushName>(command: P, subscriptionId: number, body: PushOf<P>): Buffer {
  return single(pushPending(command, subscriptionId, body));
}

/** A push with an error body: ends the subscription it names. */
export function encodePushError(command: PushName, subscriptionId: number, error: WireErrorInit): Buffer {
  return single(errorPending(FrameKind.Push, Commands[command].id, subscriptionId, error));
}

/**
 * Collects frames and writes them all into one buffer: one allocation and one socket write per
 * flush, however many frames. Each frame is sized and validated when added.
 */
export class FrameWriter {
  #pending: Pending[] = [];
  #bytes = 0;

  get frameCount(): number {
    return this.#pending.length;
  }

  /** Bytes the next flush() will return. */
  get byteLength(): number {
    return this.#bytes;
  }

  request<C extends CallName>(command: C, requestId: number, body: RequestOf<C>): this {
    return this.#add(callPending(FrameKind.Request, command, requestId, body));
  }

  response<C extends CallName>(command: C, requestId: number, body: ResponseOf<C>): this {
    return this.#add(callPending(FrameKind.Response, command, requestId, body));
  }

  errorResponse(command: number, requestId: number, error: WireErrorInit): this {
    return this.#add(errorPending(FrameKind.Response, command, requestId, error));
  }

  push<P extends PushName>(command: P, subscriptionId: number, body: PushOf<P>): this {
    return this.#add(pushPending(command, subscriptionId, body));
  }

  pushError(command: PushName, subscriptionId: number, error: WireErrorInit): this {
    return this.#add(errorPending(FrameKind.Push, Commands[command].id, subscriptionId, error));
  }

  /** All frames added since the last flush, in order, in one buffer; empty when none. */
  flush(): Buffer {
    const w = new Writer(Buffer.allocUnsafe(this.#bytes));
    for (const p of this.#pending) writeFrame(w, p, p.size);
    this.#reset();
    return w.buf;
  }

  /**
   * The same bytes as flush(), as a list of buffers to write in order (socket.cork(), a write each,
   * uncork(): one writev). Record payloads of DETACH_MIN_BYTES or more are referenced, not copied, so
   * a batch read from the log or packed by a producer goes to the socket as it is. The caller must
   * not modify those payloads until the write completes.
   */
  flushParts(): Buffer[] {
    let inline = 0;
    for (const p of this.#pending) inline += FRAME_HEADER_SIZE + p.size - p.detached;
    const parts: Buffer[] = [];
    const w = new Writer(Buffer.allocUnsafe(inline), 0, parts);
    for (const p of this.#pending) writeFrame(w, p, p.size - p.detached);
    w.finishParts();
    this.#reset();
    return parts;
  }

  #reset(): void {
    this.#pending = [];
    this.#bytes = 0;
  }

  #add(p: Pending): this {
    this.#pending.push(p);
    this.#bytes += FRAME_HEADER_SIZE + p.size;
    return this;
  }
}

// ─── Decoding ──────────────────────────────────────────────────────────────────────────────────

function decodeWith<T>(codec: Codec<T>, frame: Frame, what: string): T {
  try {
    return decodeBody(codec, frame.body);
  } catch (err) {
    // Completed in place rather than wrapped: a hostile peer can make every frame fail, and an
    // error costs a stack capture. V8 formats `stack` on first read, so it shows the new message.
    if (err instanceof ProtocolError) {
      err.message = `${what}: ${err.message}`;
      err.details.requestId = frame.requestId;
      err.details.command = frame.command;
    }
    throw err;
  }
}

function decodeError(frame: Frame, what: string): WireError {
  const body = decodeWith(errorBody, frame, what);
  return { code: frame.status, name: wireErrorByCode(frame.status)?.name, message: body.message, retryAfterMs: body.retryAfterMs };
}

function wrongKind(frame: Frame, expected: string): ProtocolError {
  return new ProtocolError(WireErrorCode.MR_PROTOCOL, `expected a ${expected} frame, got kind ${frame.kind}`, {
    requestId: frame.requestId,
    command: frame.command,
    fatal: true,
  });
}

/**
 * A request frame as the server sees it. Throws ProtocolError: MR_UNKNOWN_COMMAND or MR_PROTOCOL
 * with `details.requestId`, answerable with encodeErrorResponse; fatal for a frame of the wrong kind.
 */
export function decodeRequest(frame: Frame): IncomingRequest {
  if (frame.kind !== FrameKind.Request) throw wrongKind(frame, 'request');
  const ids = { requestId: frame.requestId, command: frame.command };
  const spec = commandById(frame.command);
  if (!spec || spec.type !== 'call') throw new ProtocolError(WireErrorCode.MR_UNKNOWN_COMMAND, `unknown command ${frame.command}`, ids);
  if (frame.status !== 0) throw new ProtocolError(WireErrorCode.MR_PROTOCOL, `request with status ${frame.status}`, ids);
  const body = decodeWith(spec.request, frame, `${spec.name} request`);
  return { command: spec.name, requestId: frame.requestId, body } as IncomingRequest;
}

/** A response frame as the client sees it: the body, or the error the server answered with. */
export function decodeResponse(frame: Frame): IncomingResponse {
  if (frame.kind !== FrameKind.Response) throw wrongKind(frame, 'response');
  const spec = commandById(frame.command);
  if (!spec || spec.type !== 'call') {
    throw new ProtocolError(WireErrorCode.MR_UNKNOWN_COMMAND, `response for unknown command ${frame.command}`, { requestId: frame.requestId, fatal: true });
  }
  const command = spec.name as CallName;
  if (frame.status !== 0) return { command, requestId: frame.requestId, ok: false, error: decodeError(frame, `${spec.name} error`) };
  const body = decodeWith(spec.response, frame, `${spec.name} response`);
  return { command, requestId: frame.requestId, ok: true, body } as IncomingResponse;
}

/** A push frame as the client sees it. */
export function decodePush(frame: Frame): IncomingPush {
  if (frame.kind !== FrameKind.Push) throw wrongKind(frame, 'push');
  const spec = commandById(frame.command);
  if (!spec || spec.type !== 'push') {
    throw new ProtocolError(WireErrorCode.MR_UNKNOWN_COMMAND, `push for unknown command ${frame.command}`, { requestId: frame.requestId, fatal: true });
  }
  const command = spec.name as PushName;
  if (frame.status !== 0) return { command, subscriptionId: frame.requestId, ok: false, error: decodeError(frame, `${spec.name} error`) };
  const body = decodeWith(spec.push, frame, `${spec.name} push`);
  return { command, subscriptionId: frame.requestId, ok: true, body } as IncomingPush;
}

/** Anything a server sends: a response or a push. */
export function decodeServerFrame(frame: Frame): IncomingResponse | IncomingPush {
  return frame.kind === FrameKind.Push ? decodePush(frame) : decodeResponse(frame);
}

/** The name of a command id, for logs. */
export function commandName(id: number): CommandName | undefined {
  return commandById(id)?.name as CommandName | undefined;
}

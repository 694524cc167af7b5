import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { CommandId } from '../../src/protocol/commands.js';
import { FrameKind } from '../../src/protocol/constants.js';
import { WireErrorCode } from '../../src/protocol/error-codes.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { encodeFrame, FrameDecoder, type Frame } from '../../src/protocol/framing.js';
import {
  commandName,
  decodePush,
  decodeRequest,
  decodeResponse,
  decodeServerFrame,
  encodeErrorResponse,
  encodePush,
  encodePushError,
  encodeRequest,
  encodeResponse,
  FrameWriter,
} from '../../src/protocol/messages.js';
import { packRecords, records } from './samples.js';

const one = (buf: Buffer): Frame => new FrameDecoder().push(buf)[0]!;

function protocolError(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

describe('error frames', () => {
  it('carry code, name, message and retry hint', () => {
    const frame = one(encodeErrorResponse(CommandId.PutBatch, 42, { code: WireErrorCode.ProvisionedThroughputExceededException, message: 'Rate exceeded', retryAfterMs: 250 }));
    expect(frame.status).toBe(206);
    expect(decodeResponse(frame)).toEqual({
      command: 'PutBatch',
      requestId: 42,
      ok: false,
      error: { code: 206, name: 'ProvisionedThroughputExceededException', message: 'Rate exceeded', retryAfterMs: 250 },
    });
  });

  it('keep codes this build does not know, without a name', () => {
    const res = decodeResponse(one(encodeErrorResponse(CommandId.Ping, 1, { code: 60_000, message: 'newer' })));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toMatchObject({ code: 60_000, name: undefined, message: 'newer', retryAfterMs: 0 });
  });

  it('end subscriptions as error pushes', () => {
    const frame = one(encodePushError('SubscriptionEvent', 9, { code: WireErrorCode.ResourceNotFoundException, message: 'gone' }));
    expect(decodePush(frame)).toEqual({
      command: 'SubscriptionEvent',
      subscriptionId: 9,
      ok: false,
      error: { code: 200, name: 'ResourceNotFoundException', message: 'gone', retryAfterMs: 0 },
    });
  });

  it('refuse code 0 and codes beyond u16', () => {
    expect(() => encodeErrorResponse(1, 1, { code: 0, message: '' })).toThrow(InvalidArgumentError);
    expect(() => new FrameWriter().errorResponse(1, 1, { code: 65_536, message: '' })).toThrow(InvalidArgumentError);
  });

  it('echo a command id this build does not know', () => {
    const frame = one(encodeErrorResponse(999, 3, { code: WireErrorCode.MR_UNKNOWN_COMMAND, message: 'unknown command 999' }));
    expect(frame.command).toBe(999);
  });
});

describe('decodeRequest', () => {
  it('answers an unknown command id with MR_UNKNOWN_COMMAND, keeping the connection', () => {
    const e = protocolError(() => decodeRequest(one(encodeFrame({ version: 1, kind: FrameKind.Request, command: 999, requestId: 5, status: 0 }))));
    expect(e.wireCode).toBe(WireErrorCode.MR_UNKNOWN_COMMAND);
    expect(e.fatal).toBe(false);
    expect(e.details).toMatchObject({ requestId: 5, command: 999 });
  });

  it('refuses a push command id sent as a request', () => {
    const e = protocolError(() => decodeRequest(one(encodeFrame({ version: 1, kind: FrameKind.Request, command: CommandId.GoAway, requestId: 5, status: 0 }))));
    expect(e.wireCode).toBe(WireErrorCode.MR_UNKNOWN_COMMAND);
  });

  it('names the command and request of a malformed body', () => {
    const frame = encodeRequest('CreateStream', 77, { streamName: 'orders', shardCount: 1, mode: 'PROVISIONED', retentionHours: 24 });
    const truncated = Buffer.from(frame.subarray(0, frame.length - 1));
    truncated.writeUInt32LE(truncated.length - 4, 0);
    const err = protocolError(() => decodeRequest(one(truncated)));
    expect(err.wireCode).toBe(WireErrorCode.MR_PROTOCOL);
    expect(err.fatal).toBe(false);
    expect(err.message).toMatch(/^CreateStream request: truncated/);
    expect(err.stack).toMatch(/^ProtocolError: CreateStream request: truncated/);
    expect(err.details).toMatchObject({ requestId: 77, command: CommandId.CreateStream });
  });

  it('refuses trailing bytes', () => {
    const frame = encodeRequest('Unsubscribe', 1, { subscriptionId: 1 });
    const longer = Buffer.concat([frame, Buffer.from([0])]);
    longer.writeUInt32LE(longer.length - 4, 0);
    expect(protocolError(() => decodeRequest(one(longer))).message).toMatch(/trailing/);
  });

  it('refuses a request with a status, and frames of the wrong kind (fatal)', () => {
    const withStatus = encodeRequest('Ping', 1, { payload: Buffer.alloc(0) });
    withStatus.writeUInt16LE(1, 12);
    expect(protocolError(() => decodeRequest(one(withStatus))).fatal).toBe(false);
    const response = encodeResponse('Ping', 1, { payload: Buffer.alloc(0) });
    expect(protocolError(() => decodeRequest(one(response))).fatal).toBe(true);
    expect(protocolError(() => decodeResponse(one(encodeRequest('Ping', 1, { payload: Buffer.alloc(0) })))).fatal).toBe(true);
    expect(protocolError(() => decodePush(one(response))).fatal).toBe(true);
  });
});

describe('decodeServerFrame', () => {
  it('tells responses from pushes', () => {
    expect(decodeServerFrame(one(encodePush('GoAway', 0, { code: 0, message: 'bye' })))).toMatchObject({ command: 'GoAway', ok: true });
    expect(decodeServerFrame(one(encodeResponse('Unsubscribe', 4, {})))).toMatchObject({ command: 'Unsubscribe', requestId: 4, ok: true });
  });

  it('refuses responses and pushes for unknown commands as fatal', () => {
    for (const kind of [FrameKind.Response, FrameKind.Push]) {
      const e = protocolError(() => decodeServerFrame(one(encodeFrame({ version: 1, kind, command: 999, requestId: 1, status: 0 }))));
      expect(e.fatal).toBe(true);
    }
  });
});

describe('encoding', () => {
  it('validates request ids', () => {
    expect(() => encodeRequest('Ping', -1, { payload: Buffer.alloc(0) })).toThrow(InvalidArgumentError);
    expect(() => encodeRequest('Ping', 2 ** 32, { payload: Buffer.alloc(0) })).toThrow(InvalidArgumentError);
  });

  it('flushes an empty FrameWriter to an empty buffer', () => {
    expect(new FrameWriter().flush().length).toBe(0);
  });

  it('names commands for logs', () => {
    expect(commandName(32)).toBe('PutBatch');
    expect(commandName(999)).toBeUndefined();
  });
});

describe('FrameWriter.flushParts', () => {
  const big = packRecords(records(200, 1024));
  const small = packRecords(records(3, 10));
  const batch = (payload: Buffer, recordCount: number, firstOffset: number) => ({ firstOffset, baseTimestampMs: 1, recordCount, codec: 0 as const, rawSize: payload.length, payload });

  function fill(w: FrameWriter): void {
    w.response('Ping', 1, { payload: Buffer.from('a') });
    w.response('GetBatch', 2, {
      nextOffset: 403,
      millisBehindLatest: 0,
      shardEnd: false,
      batches: [batch(big, 200, 0), batch(small, 3, 200), batch(big, 200, 203)],
      childShards: [],
    });
    w.push('SubscriptionEvent', 3, { nextOffset: 1, millisBehindLatest: 0, shardEnd: false, batches: [batch(small, 3, 0)], childShards: [] });
    w.errorResponse(CommandId.PutBatch, 4, { code: 206, message: 'slow down' });
    w.request('PutBatch', 5, { streamName: 's', shardId: '', recordCount: 200, codec: 0, rawSize: big.length, payload: big });
  }

  it('writes the same bytes as flush(), referencing large payloads instead of copying them', () => {
    const a = new FrameWriter();
    fill(a);
    const b = new FrameWriter();
    fill(b);
    const whole = a.flush();
    const parts = b.flushParts();
    expect(Buffer.concat(parts).equals(whole)).toBe(true);
    expect(parts.filter((p) => p === big)).toHaveLength(3);
    expect(parts.includes(small)).toBe(false);
    const copied = parts.filter((p) => p !== big).reduce((n, p) => n + p.length, 0);
    expect(copied).toBe(whole.length - 3 * big.length);
    expect(b.frameCount).toBe(0);
  });

  it('returns no parts when empty, and one part when nothing is large', () => {
    expect(new FrameWriter().flushParts()).toEqual([]);
    const w = new FrameWriter().request('Ping', 1, { payload: Buffer.alloc(3) }).request('Ping', 2, { payload: Buffer.alloc(0) });
    expect(w.flushParts()).toHaveLength(1);
  });

  it('decodes what it wrote', () => {
    const w = new FrameWriter();
    fill(w);
    const d = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    const frames = w.flushParts().flatMap((p) => d.push(p));
    expect(frames).toHaveLength(5);
    const res = decodeServerFrame(frames[1]!);
    expect(res.ok && res.command === 'GetBatch' && res.body.batches[2]!.payload.equals(big)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { CommandId } from '../../src/protocol/commands.js';
import { FRAME_HEADER_SIZE, FrameKind, MAX_FRAME_BYTES_CEILING, PREAMBLE_MAX_FRAME_BYTES } from '../../src/protocol/constants.js';
import { WireErrorCode } from '../../src/protocol/error-codes.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { encodeFrame, FrameDecoder, POOLED_BODY_MAX_BYTES, type Frame } from '../../src/protocol/framing.js';
import { decodeRequest, encodeRequest, FrameWriter } from '../../src/protocol/messages.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { requestSamples } from './samples.js';

const header = (over: Partial<Frame> = {}) => ({ version: 1, kind: FrameKind.Request, command: 3, requestId: 1, status: 0, ...over });

function expectProtocolError(fn: () => unknown, wireCode: number, fatal = true): ProtocolError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  const e = caught as ProtocolError;
  expect(e.wireCode).toBe(wireCode);
  expect(e.fatal).toBe(fatal);
  return e;
}

/** Frames compared by header and body bytes (toEqual walks big buffers element by element). */
function flat(frames: Frame[]): string[] {
  return frames.map((f) => `${f.version}/${f.kind}/${f.command}/${f.requestId}/${f.status}/${f.body.toString('hex')}`);
}

/** A mixed stream of frames: requests of every size class, including empty bodies. */
function sampleStream(): { bytes: Buffer; count: number } {
  const w = new FrameWriter();
  w.request('Ping', 1, { payload: Buffer.alloc(0) });
  w.request('PutBatch', 2, requestSamples.PutBatch[0]!);
  w.request('GrantCredits', 3, requestSamples.GrantCredits[0]!);
  w.request('CreateStream', 4, requestSamples.CreateStream[0]!);
  w.request('Ping', 5, { payload: Buffer.from('x') });
  const count = w.frameCount;
  return { bytes: Buffer.concat([encodeFrame(header({ command: CommandId.CreateStream, requestId: 9 })), w.flush()]), count: count + 1 };
}

describe('FrameDecoder', () => {
  it('decodes a frame split at every byte boundary, and at every pair of boundaries', () => {
    const { bytes, count } = sampleStream();
    const whole = new FrameDecoder({ maxFrameBytes: 1 << 20 }).push(bytes);
    expect(whole).toHaveLength(count);
    for (let i = 0; i <= bytes.length; i++) {
      const d = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      const frames = [...d.push(bytes.subarray(0, i)), ...d.push(bytes.subarray(i))];
      expect(flat(frames)).toEqual(flat(whole));
      expect(d.idle).toBe(true);
    }
    const small = encodeRequest('Ping', 7, { payload: Buffer.from('abcdef') });
    const one = new FrameDecoder().push(small);
    for (let i = 0; i <= small.length; i++) {
      for (let j = i; j <= small.length; j++) {
        const d = new FrameDecoder();
        expect(flat([...d.push(small.subarray(0, i)), ...d.push(small.subarray(i, j)), ...d.push(small.subarray(j))])).toEqual(flat(one));
      }
    }
  });

  it('decodes byte by byte', () => {
    const { bytes, count } = sampleStream();
    const d = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    const frames: Frame[] = [];
    for (let i = 0; i < bytes.length; i++) {
      frames.push(...d.push(bytes.subarray(i, i + 1)));
      expect(d.bufferedBytes).toBeLessThanOrEqual(bytes.length);
    }
    expect(frames).toHaveLength(count);
    expect(frames.map((f) => f.requestId)).toEqual([9, 1, 2, 3, 4, 5]);
  });

  it('with wholeBodies, gathers a split body into one buffer of the announced size', () => {
    const { bytes, count } = sampleStream();
    const whole = new FrameDecoder({ maxFrameBytes: 1 << 20 }).push(bytes);
    for (const step of [1, 7, 100, 4096]) {
      const d = new FrameDecoder({ maxFrameBytes: 1 << 20, wholeBodies: true });
      const frames: Frame[] = [];
      for (let i = 0; i < bytes.length; i += step) {
        frames.push(...d.push(bytes.subarray(i, i + step)));
        // Held: at most one body of an announced (and checked) size, or a header's bytes.
        expect(d.bufferedBytes).toBeLessThanOrEqual(bytes.length);
      }
      expect(flat(frames)).toEqual(flat(whole));
      expect(frames).toHaveLength(count);
      expect(d.idle).toBe(true);
    }
    const big = encodeFrame(header({ requestId: 3 }), Buffer.alloc(200_000, 7));
    const d = new FrameDecoder({ maxFrameBytes: 1 << 20, wholeBodies: true });
    expect(d.push(big.subarray(0, 1000))).toEqual([]);
    expect(d.bufferedBytes).toBe(big.length - FRAME_HEADER_SIZE);
    const [f] = d.push(big.subarray(1000));
    expect(f!.body.equals(big.subarray(FRAME_HEADER_SIZE))).toBe(true);
  });

  it('returns many coalesced frames from one chunk, as views of it', () => {
    const w = new FrameWriter();
    for (let i = 0; i < 10_000; i++) w.request('GrantCredits', i, { subscriptionId: i, records: i, bytes: i });
    const buf = w.flush();
    const frames = new FrameDecoder().push(buf);
    expect(frames).toHaveLength(10_000);
    expect(frames[9999]!.body.buffer).toBe(buf.buffer);
    expect(decodeRequest(frames[1234]!)).toEqual({ command: 'GrantCredits', requestId: 1234, body: { subscriptionId: 1234, records: 1234, bytes: 1234 } });
  });

  it('accepts a frame with an empty body, alone and between others', () => {
    const empty = encodeFrame(header({ requestId: 77 }));
    expect(empty.length).toBe(FRAME_HEADER_SIZE);
    const frames = new FrameDecoder().push(Buffer.concat([empty, empty, encodeRequest('Ping', 1, { payload: Buffer.from('p') }), empty]));
    expect(frames.map((f) => f.body.length)).toEqual([0, 0, 2, 0]);
  });

  it('accepts a frame of exactly the limit and rejects one byte more, before allocating', () => {
    const limit = PREAMBLE_MAX_FRAME_BYTES;
    const fits = encodeFrame(header(), Buffer.alloc(limit - FRAME_HEADER_SIZE));
    expect(new FrameDecoder({ maxFrameBytes: limit }).push(fits)).toHaveLength(1);
    const over = encodeFrame(header({ requestId: 5 }), Buffer.alloc(limit - FRAME_HEADER_SIZE + 1));
    const d = new FrameDecoder({ maxFrameBytes: limit });
    const e = expectProtocolError(() => d.push(over.subarray(0, FRAME_HEADER_SIZE)), WireErrorCode.MR_FRAME_TOO_LARGE);
    expect(e.details.requestId).toBe(5);
    expect(d.bufferedBytes).toBe(0);
  });

  it('rejects a length of 4 GiB from the header alone', () => {
    const h = encodeFrame(header());
    h.writeUInt32LE(0xffffffff, 0);
    const d = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES_CEILING });
    expectProtocolError(() => d.push(h), WireErrorCode.MR_FRAME_TOO_LARGE);
  });

  it('rejects lengths below the header (zero length)', () => {
    for (const length of [0, 1, 11]) {
      const h = encodeFrame(header());
      h.writeUInt32LE(length, 0);
      expectProtocolError(() => new FrameDecoder().push(h), WireErrorCode.MR_PROTOCOL);
    }
  });

  it('rejects a wrong version, an unknown kind and non-zero flags', () => {
    expectProtocolError(() => new FrameDecoder().push(encodeFrame(header({ version: 2 }))), WireErrorCode.MR_UNSUPPORTED_VERSION);
    expectProtocolError(() => new FrameDecoder().push(encodeFrame(header({ version: 0 }))), WireErrorCode.MR_UNSUPPORTED_VERSION);
    expectProtocolError(() => new FrameDecoder().push(encodeFrame(header({ kind: 3 as FrameKind }))), WireErrorCode.MR_PROTOCOL);
    const flagged = encodeFrame(header());
    flagged.writeUInt16LE(1, 14);
    expectProtocolError(() => new FrameDecoder().push(flagged), WireErrorCode.MR_PROTOCOL);
  });

  it('accepts only the negotiated version once set', () => {
    const d = new FrameDecoder({ version: 2 });
    expectProtocolError(() => d.push(encodeFrame(header({ version: 1 }))), WireErrorCode.MR_UNSUPPORTED_VERSION);
    expect(new FrameDecoder({ version: 2 }).push(encodeFrame(header({ version: 2 })))).toHaveLength(1);
  });

  it('refuses a TLS ClientHello or an HTTP request on the port at the first 16 bytes', () => {
    const hello = Buffer.from('16030100f4010000f00303' + '00'.repeat(40), 'hex');
    expectProtocolError(() => new FrameDecoder().push(hello), WireErrorCode.MR_FRAME_TOO_LARGE);
    expectProtocolError(() => new FrameDecoder().push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), WireErrorCode.MR_FRAME_TOO_LARGE);
  });

  it('stays failed after an error', () => {
    const d = new FrameDecoder();
    const bad = encodeFrame(header({ version: 9 }));
    const e = expectProtocolError(() => d.push(bad), WireErrorCode.MR_UNSUPPORTED_VERSION);
    let again: unknown;
    try {
      d.push(encodeRequest('Ping', 1, { payload: Buffer.alloc(0) }));
    } catch (err) {
      again = err;
    }
    expect(again).toBe(e);
  });

  it('raises its limit after the handshake, for the next frame', () => {
    const d = new FrameDecoder();
    expect(d.maxFrameBytes).toBe(PREAMBLE_MAX_FRAME_BYTES);
    const big = encodeFrame(header(), Buffer.alloc(100_000));
    d.maxFrameBytes = 1 << 20;
    expect(d.push(big)).toHaveLength(1);
    expect(() => (d.maxFrameBytes = 100)).toThrow(InvalidArgumentError);
    expect(() => (d.maxFrameBytes = MAX_FRAME_BYTES_CEILING + 1)).toThrow(InvalidArgumentError);
  });

  it('holds memory in step with the bytes that arrived, not with the announced length', () => {
    const frame = encodeFrame(header(), Buffer.alloc(1_000_000, 1));
    const d = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    expect(d.push(frame.subarray(0, 10))).toEqual([]);
    expect(d.bufferedBytes).toBe(10);
    expect(d.push(frame.subarray(10, 16))).toEqual([]);
    expect(d.bufferedBytes).toBe(0);
    expect(d.idle).toBe(false);
    expect(d.push(frame.subarray(16, 100))).toEqual([]);
    expect(d.bufferedBytes).toBe(64 * 1024);
    expect(d.push(frame.subarray(100, 100_000))).toEqual([]);
    expect(d.bufferedBytes).toBe(131_072);
    for (let at = 100_000; at < 999_000; at += 1000) {
      expect(d.push(frame.subarray(at, at + 1000))).toEqual([]);
      expect(d.bufferedBytes).toBeLessThanOrEqual(2 * (at + 1000));
    }
    const [f] = d.push(frame.subarray(999_000));
    expect(f!.body.length).toBe(1_000_000);
    expect(f!.body.equals(Buffer.alloc(1_000_000, 1))).toBe(true);
    expect(d.idle).toBe(true);
    expect(d.bufferedBytes).toBe(0);
  });

  it('allocates a small split frame once, at its exact size', () => {
    const frame = encodeFrame(header(), Buffer.alloc(500, 3));
    const d = new FrameDecoder();
    d.push(frame.subarray(0, 100));
    expect(d.bufferedBytes).toBe(500);
    expect(d.push(frame.subarray(100))[0]!.body.equals(Buffer.alloc(500, 3))).toBe(true);
  });

  it('keeps a frame that arrived in one later chunk as a view of it', () => {
    const frame = encodeFrame(header(), Buffer.alloc(100, 2));
    const d = new FrameDecoder();
    d.push(frame.subarray(0, 16));
    const rest = Buffer.from(frame.subarray(16));
    expect(d.push(rest)[0]!.body.buffer).toBe(rest.buffer);
  });

  it('with a body pool, takes a split body whole from the pool and names the buffer in frame.pooled', () => {
    const given: Buffer[] = [];
    const pool = { acquire: (size: number) => { const b = Buffer.alloc(size + 4096, 0xee); given.push(b); return b; } };
    const d = new FrameDecoder({ maxFrameBytes: 4 << 20, bodyPool: pool });
    const body = Buffer.alloc(200_000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const frame = encodeFrame(header({ requestId: 7 }), body);
    expect(d.push(frame.subarray(0, 70_000))).toEqual([]);
    expect(given).toHaveLength(1);
    expect(d.push(frame.subarray(70_000, 140_000))).toEqual([]);
    const [f] = d.push(frame.subarray(140_000));
    expect(given).toHaveLength(1);  // one buffer for the whole body, never grown
    expect(f!.pooled).toBe(given[0]);
    expect(f!.body.buffer).toBe(given[0]!.buffer);
    expect(f!.body.length).toBe(body.length);  // a view of exactly the body, not of the pool buffer's spare room
    expect(f!.body.equals(body)).toBe(true);
    // Frames that arrive whole stay views of their chunk; bodies past the pooled maximum grow as before.
    const small = encodeFrame(header({ requestId: 8 }), Buffer.alloc(100, 1));
    expect(d.push(small)[0]!.pooled).toBeUndefined();
    const huge = encodeFrame(header({ requestId: 9 }), Buffer.alloc(POOLED_BODY_MAX_BYTES + 1, 2));
    expect(d.push(huge.subarray(0, 1000))).toEqual([]);
    expect(d.bufferedBytes).toBe(64 * 1024);
    const [h] = d.push(huge.subarray(1000));
    expect(h!.pooled).toBeUndefined();
    expect(h!.body.equals(Buffer.alloc(POOLED_BODY_MAX_BYTES + 1, 2))).toBe(true);
    expect(given).toHaveLength(1);
  });

  it('BYOB reads: the same frames as push, bodies read straight into pool buffers, small frames copied out of the reused scratch', () => {
    const given: Buffer[] = [];
    const pool = { acquire: (size: number) => { const b = Buffer.alloc(size + 100, 0xee); given.push(b); return b; } };
    const body = Buffer.alloc(300_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 253;
    const { bytes: sample } = sampleStream();
    const mid = encodeFrame(header({ requestId: 20 }), Buffer.alloc(10_000, 3));
    const stream = Buffer.concat([sample, encodeFrame(header({ requestId: 21 }), body), mid, sample]);
    const expected = flat(new FrameDecoder({ maxFrameBytes: 1 << 20 }).push(stream));
    for (const step of [1, 5, 999, 70_000, stream.length]) {
      given.length = 0;
      const d = new FrameDecoder({ maxFrameBytes: 1 << 20, bodyPool: pool });
      const frames: Frame[] = [];
      const targets = new Set<ArrayBufferLike>();
      const scratch = d.readTarget().buffer;
      for (let pos = 0; pos < stream.length; ) {
        const target = d.readTarget();
        targets.add(target.buffer);
        const n = Math.min(target.length, step, stream.length - pos);
        stream.copy(target, 0, pos, pos + n);
        // What a socket leaves past the bytes it read is not the decoder's to trust.
        target.fill(0x5a, n);
        frames.push(...d.landed(n));
        pos += n;
      }
      // Checked after every read: a frame still viewing the scratch would have been overwritten.
      expect(flat(frames)).toEqual(expected);
      expect(d.idle).toBe(true);
      const big = frames.find((f) => f.requestId === 21)!;
      expect(big.pooled).toBeDefined();
      expect(given).toContain(big.pooled);
      if (step >= 999) {
        // Past its first bytes, the big body was read straight into its pool buffer.
        expect(targets.has(big.pooled!.buffer)).toBe(true);
      }
      // The 10 KB body came out of the scratch into a pool buffer too (or was read into one).
      expect(frames.find((f) => f.requestId === 20)!.pooled).toBeDefined();
      // No frame views the scratch (the first target of a fresh decoder), which the next read reuses.
      for (const f of frames) expect(f.body.length === 0 || f.body.buffer !== scratch).toBe(true);
    }
  });

  it('BYOB reads: a bad header fails the decoder, and it stays failed', () => {
    const d = new FrameDecoder();
    const bad = encodeFrame(header({ version: 9 }));
    const t = d.readTarget();
    bad.copy(t);
    expectProtocolError(() => d.landed(bad.length), WireErrorCode.MR_UNSUPPORTED_VERSION);
    expect(d.readTarget().length).toBeGreaterThan(0);
    expectProtocolError(() => d.landed(1), WireErrorCode.MR_UNSUPPORTED_VERSION);
  });

  it('BYOB reads with wholeBodies: a body announced by its header is read into one buffer of its size', () => {
    const d = new FrameDecoder({ maxFrameBytes: 1 << 20, wholeBodies: true });
    const body = Buffer.alloc(150_000, 9);
    const frame = encodeFrame(header({ requestId: 4 }), body);
    let t = d.readTarget();
    frame.copy(t, 0, 0, FRAME_HEADER_SIZE);
    expect(d.landed(FRAME_HEADER_SIZE)).toEqual([]);
    t = d.readTarget();
    expect(t.length).toBe(body.length);
    frame.copy(t, 0, FRAME_HEADER_SIZE);
    const [f] = d.landed(body.length);
    expect(f!.body.buffer).toBe(t.buffer);
    expect(f!.body.equals(body)).toBe(true);
  });

  it('reads header fields exactly', () => {
    const [f] = new FrameDecoder().push(encodeFrame({ version: 1, kind: FrameKind.Push, command: 0xfffe, requestId: 0xfffffffe, status: 0xfffd }));
    expect(f).toMatchObject({ version: 1, kind: FrameKind.Push, command: 0xfffe, requestId: 0xfffffffe, status: 0xfffd });
  });
});

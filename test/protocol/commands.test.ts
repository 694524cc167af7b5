import { describe, expect, it } from 'vitest';
import { CommandId, Commands, commandById, type CallName, type CommandSpec, type PushName } from '../../src/protocol/commands.js';
import { FrameKind } from '../../src/protocol/constants.js';
import { FrameDecoder } from '../../src/protocol/framing.js';
import {
  decodePush,
  decodeRequest,
  decodeResponse,
  encodePush,
  encodeRequest,
  encodeResponse,
  FrameWriter,
} from '../../src/protocol/messages.js';
import { pushSamples, requestSamples, responseSamples } from './samples.js';

const specs = Object.values(Commands) as CommandSpec[];
const calls = specs.filter((s) => s.type === 'call').map((s) => s.name as CallName);
const pushes = specs.filter((s) => s.type === 'push').map((s) => s.name as PushName);

function decodeOne(buf: Buffer) {
  const frames = new FrameDecoder({ maxFrameBytes: 64 << 20 }).push(buf);
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

describe('command table', () => {
  it('has unique ids in [1, 65535] and names equal to their keys', () => {
    const ids = new Set<number>();
    for (const [key, spec] of Object.entries(Commands)) {
      expect(spec.name).toBe(key);
      expect(Number.isInteger(spec.id) && spec.id >= 1 && spec.id <= 0xffff).toBe(true);
      expect(ids.has(spec.id), `duplicate id ${spec.id}`).toBe(false);
      ids.add(spec.id);
      expect(commandById(spec.id)).toBe(spec);
      expect(CommandId[key as keyof typeof CommandId]).toBe(spec.id);
    }
  });

  it('keeps released ids (append-only)', () => {
    expect(CommandId).toMatchObject({
      Handshake: 1, Authenticate: 2, Ping: 3, GoAway: 4,
      CreateStream: 16, DeleteStream: 17, DescribeStreamSummary: 18, ListStreams: 19, ListShards: 20,
      UpdateShardCount: 21, SplitShard: 22, MergeShards: 23,
      PutBatch: 32, GetBatch: 33, GetShardIterator: 34,
      Subscribe: 48, GrantCredits: 49, Unsubscribe: 50, SubscriptionEvent: 51,
      CommitCheckpoint: 64, FetchCheckpoint: 65,
    });
  });

  it('gives every call a request and a response codec, and every push a body codec', () => {
    for (const spec of specs) {
      const codecs = spec.type === 'call' ? [spec.request, spec.response] : [spec.push];
      for (const c of codecs) {
        expect(typeof c.size).toBe('function');
        expect(typeof c.read).toBe('function');
        expect(typeof c.write).toBe('function');
      }
    }
  });

  it('lets only Handshake and Authenticate run before authentication', () => {
    const pre = specs.filter((s) => s.type === 'call' && s.preAuth).map((s) => s.name);
    expect(pre.sort()).toEqual(['Authenticate', 'Handshake']);
  });

  it('has samples for every command', () => {
    for (const c of calls) {
      expect(requestSamples[c].length, c).toBeGreaterThan(0);
      expect(responseSamples[c].length, c).toBeGreaterThan(0);
    }
    for (const p of pushes) expect(pushSamples[p].length, p).toBeGreaterThan(0);
  });
});

describe('typed API', () => {
  it('types bodies by command, in both directions', () => {
    // @ts-expect-error a PutBatch request needs its payload fields
    expect(() => encodeRequest('PutBatch', 1, { streamName: 's', shardId: '' })).toThrow();
    const m = decodeRequest(decodeOne(encodeRequest('GrantCredits', 1, { subscriptionId: 2, records: 3, bytes: 4 })));
    if (m.command !== 'GrantCredits') throw new Error('narrowing by command');
    const records: number = m.body.records;
    expect(records).toBe(3);
    const r = decodeResponse(decodeOne(encodeResponse('Subscribe', 1, { subscriptionId: 9, startOffset: 0 })));
    expect(r.ok && r.command === 'Subscribe' && r.body.subscriptionId).toBe(9);
  });
});

describe('round trip of every command through frames', () => {
  for (const command of calls) {
    it(`${command} request`, () => {
      requestSamples[command].forEach((body, i) => {
        const frame = decodeOne(encodeRequest(command, 1000 + i, body as never));
        expect(frame.kind).toBe(FrameKind.Request);
        expect(frame.command).toBe(Commands[command].id);
        expect(decodeRequest(frame)).toEqual({ command, requestId: 1000 + i, body });
      });
    });

    it(`${command} response`, () => {
      responseSamples[command].forEach((body, i) => {
        const frame = decodeOne(encodeResponse(command, 0xffffffff - i, body as never));
        expect(frame.kind).toBe(FrameKind.Response);
        expect(decodeResponse(frame)).toEqual({ command, requestId: 0xffffffff - i, ok: true, body });
      });
    });
  }

  for (const command of pushes) {
    it(`${command} push`, () => {
      pushSamples[command].forEach((body, i) => {
        const frame = decodeOne(encodePush(command, i, body as never));
        expect(frame.kind).toBe(FrameKind.Push);
        expect(decodePush(frame)).toEqual({ command, subscriptionId: i, ok: true, body });
      });
    });
  }

  it('encodes each sample to exactly the size its codec announces', () => {
    for (const command of calls) {
      const spec = Commands[command];
      for (const body of requestSamples[command]) expect(encodeRequest(command, 1, body as never).length).toBe(16 + spec.request.size(body as never));
      for (const body of responseSamples[command]) expect(encodeResponse(command, 1, body as never).length).toBe(16 + spec.response.size(body as never));
    }
  });

  it('writes every sample of every command into one buffer with FrameWriter and reads them back in order', () => {
    const w = new FrameWriter();
    const expected: unknown[] = [];
    let id = 0;
    for (const command of calls) {
      for (const body of responseSamples[command]) {
        w.response(command, ++id, body as never);
        expected.push({ command, requestId: id, ok: true, body });
      }
    }
    for (const command of pushes) {
      for (const body of pushSamples[command]) {
        w.push(command, ++id, body as never);
        expected.push({ command, subscriptionId: id, ok: true, body });
      }
    }
    const total = w.byteLength;
    expect(w.frameCount).toBe(expected.length);
    const buf = w.flush();
    expect(buf.length).toBe(total);
    expect(w.frameCount).toBe(0);
    const frames = new FrameDecoder({ maxFrameBytes: 64 << 20 }).push(buf);
    const decoded = frames.map((f) => (f.kind === FrameKind.Push ? decodePush(f) : decodeResponse(f)));
    expect(decoded).toEqual(expected);
  });
});

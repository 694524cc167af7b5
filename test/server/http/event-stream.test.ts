import { EventStreamCodec, getChunkedStream } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeMessage, eventMessage, exceptionMessage, tableCrc32 } from '../../../src/server/http/event-stream.js';

// The SDK's own parser: checks both CRCs and the lengths, and returns typed headers.
const sdk = new EventStreamCodec(toUtf8, fromUtf8);

describe('event-stream messages', () => {
  it('are parsed by the SDK\'s EventStreamCodec: events', () => {
    const payload = Buffer.from('{"Records":[],"ContinuationSequenceNumber":"1","MillisBehindLatest":0}');
    const msg = sdk.decode(eventMessage('SubscribeToShardEvent', 'application/x-amz-json-1.1', payload));
    expect(msg.headers).toEqual({
      ':event-type': { type: 'string', value: 'SubscribeToShardEvent' },
      ':content-type': { type: 'string', value: 'application/x-amz-json-1.1' },
      ':message-type': { type: 'string', value: 'event' },
    });
    expect(Buffer.from(msg.body)).toEqual(payload);
  });

  it('are parsed by the SDK\'s EventStreamCodec: exceptions, empty payloads, split anywhere', async () => {
    const a = exceptionMessage('ResourceNotFoundException', 'application/x-amz-cbor-1.1', Buffer.from([0xa0]));
    const b = encodeMessage({ ':message-type': 'event', ':event-type': 'initial-response' }, new Uint8Array(0));
    // The SDK splits the response body with getChunkedStream; feed it arbitrary 7-byte pieces.
    const all = Buffer.concat([a, b]);
    async function* pieces() {
      for (let i = 0; i < all.length; i += 7) yield all.subarray(i, i + 7);
    }
    const messages = [];
    for await (const chunk of getChunkedStream(pieces())) messages.push(sdk.decode(chunk));
    expect(messages).toHaveLength(2);
    expect(messages[0].headers[':message-type'].value).toBe('exception');
    expect(messages[0].headers[':exception-type'].value).toBe('ResourceNotFoundException');
    expect(Buffer.from(messages[0].body)).toEqual(Buffer.from([0xa0]));
    expect(messages[1].headers[':event-type'].value).toBe('initial-response');
    expect(messages[1].body.length).toBe(0);
  });

  it('carry non-ASCII header values and large payloads', () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    const msg = sdk.decode(encodeMessage({ ':event-type': 'é' }, payload));
    expect(msg.headers[':event-type'].value).toBe('é');
    expect(msg.body.length).toBe(payload.length);
  });

  it('are refused by the SDK when a byte flips (so the CRCs are real)', () => {
    const bytes = eventMessage('X', 'application/x-amz-json-1.1', Buffer.from('{}'));
    for (const at of [2, 9, 20, bytes.length - 3]) {
      const bad = Buffer.from(bytes);
      bad[at] ^= 1;
      expect(() => sdk.decode(bad)).toThrow();
    }
  });

  it('refuse header values longer than the format allows', () => {
    expect(() => encodeMessage({ x: 'a'.repeat(70_000) }, new Uint8Array(0))).toThrow(RangeError);
  });

  it('use a CRC32 fallback that agrees with zlib', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('123456789'), Buffer.alloc(1000, 0xab)]) {
      expect(tableCrc32(data)).toBe(zlib.crc32(data));
    }
    expect(tableCrc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});

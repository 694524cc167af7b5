// `application/vnd.amazon.eventstream` messages, as SubscribeToShard answers. Sans-IO: values in,
// bytes out.
//
// One message (all integers big-endian):
//
//   0   u32  total length (this prelude + headers + payload + message CRC)
//   4   u32  headers length
//   8   u32  CRC32 of bytes [0, 8)                  — the prelude CRC
//   12  headers: repeated { u8 name length, name, u8 value type (7 = string), u16 value length, value }
//   …   payload
//   end u32  CRC32 of every byte before it          — the message CRC
//
// Headers used by Kinesis: `:message-type` (event | exception), `:event-type` (initial-response,
// SubscribeToShardEvent), `:exception-type` (the AWS error name), `:content-type` of the payload.
import * as zlib from 'node:zlib';

const PRELUDE = 12;
const CRC = 4;
const STRING = 7;
/** Limits of the format: header values are u16-length strings, names u8. */
const MAX_HEADER_VALUE = 0xffff;
const MAX_HEADER_NAME = 0xff;

// zlib.crc32 arrived in Node 20.15; the table is for the earlier Node 20 releases.
const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? zlib.crc32 : tableCrc32;

let table: Int32Array | undefined;
/** The CRC32 (IEEE) of zlib, in JS; exported for its test. */
export function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = ~value;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Encodes one message whose headers are all strings. */
export function encodeMessage(headers: Readonly<Record<string, string>>, payload: Uint8Array): Buffer {
  const encoded: Array<[Buffer, Buffer]> = [];
  let headersLength = 0;
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    if (n.length > MAX_HEADER_NAME || v.length > MAX_HEADER_VALUE) throw new RangeError(`Event-stream header ${name} is too long`);
    encoded.push([n, v]);
    headersLength += 1 + n.length + 1 + 2 + v.length;
  }
  const total = PRELUDE + headersLength + payload.byteLength + CRC;
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headersLength, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  let pos = PRELUDE;
  for (const [n, v] of encoded) {
    out[pos++] = n.length;
    pos += n.copy(out, pos);
    out[pos++] = STRING;
    out.writeUInt16BE(v.length, pos);
    pos += 2;
    pos += v.copy(out, pos);
  }
  out.set(payload, pos);
  pos += payload.byteLength;
  out.writeUInt32BE(crc32(out.subarray(0, pos)), pos);
  return out;
}

export function eventMessage(eventType: string, contentType: string, payload: Uint8Array): Buffer {
  return encodeMessage({ ':event-type': eventType, ':content-type': contentType, ':message-type': 'event' }, payload);
}

export function exceptionMessage(exceptionType: string, contentType: string, payload: Uint8Array): Buffer {
  return encodeMessage(
    { ':exception-type': exceptionType, ':content-type': contentType, ':message-type': 'exception' },
    payload,
  );
}

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

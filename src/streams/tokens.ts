// Shard iterators: opaque, tamper-evident tokens naming a stream incarnation, a shard and a log
// offset, stamped with their creation time. Signed with HMAC-SHA256 under a secret kept in the data
// directory, so a client can neither forge a position nor move an iterator to another stream, and
// iterators stay valid across a restart (within their 5 minutes).
//
// Layout before base64 (big-endian):
//   0   u8    version (1)
//   1   u48   created at, ms since epoch
//   7   u48   stream epoch
//   13  u32   shard index
//   17  u48   log offset to read next
//   23  u8    stream name length n (1..128)
//   24  n     stream name, ASCII [a-zA-Z0-9_.-]
//   24+n 16   HMAC-SHA256(secret, bytes [0, 24+n)) truncated to 16 bytes
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file.js';

const VERSION = 1;
const HEADER = 24;
const MAC = 16;

export interface IteratorPosition {
  streamName: string;
  epoch: number;
  shardIndex: number;
  offset: number;
  createdAt: number;
}

export class TokenSigner {
  private readonly secret: Buffer;
  constructor(secret: Buffer) {
    this.secret = secret;
  }

  /** Loads the data directory's secret, creating it on first use. */
  static async open(dir: string): Promise<TokenSigner> {
    const path = join(dir, 'iterator.key');
    try {
      const key = await readFile(path);
      if (key.length === 32) return new TokenSigner(key);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const key = randomBytes(32);
    await writeFileAtomic(path, key);
    return new TokenSigner(key);
  }

  encode(p: IteratorPosition): string {
    const name = Buffer.from(p.streamName, 'latin1');
    const buf = Buffer.allocUnsafe(HEADER + name.length + MAC);
    buf[0] = VERSION;
    buf.writeUIntBE(p.createdAt, 1, 6);
    buf.writeUIntBE(p.epoch, 7, 6);
    buf.writeUInt32BE(p.shardIndex, 13);
    buf.writeUIntBE(p.offset, 17, 6);
    buf[23] = name.length;
    name.copy(buf, HEADER);
    this.mac(buf.subarray(0, HEADER + name.length)).copy(buf, HEADER + name.length);
    return buf.toString('base64');
  }

  /** The position an iterator names, or undefined when it is malformed or was not signed by us. */
  decode(token: string): IteratorPosition | undefined {
    const buf = Buffer.from(token, 'base64');
    if (buf.length < HEADER + 1 + MAC || buf[0] !== VERSION) return undefined;
    const n = buf[23]!;
    if (buf.length !== HEADER + n + MAC || buf.toString('base64') !== token) return undefined;
    const expected = this.mac(buf.subarray(0, HEADER + n));
    if (!timingSafeEqual(expected, buf.subarray(HEADER + n))) return undefined;
    return {
      createdAt: buf.readUIntBE(1, 6),
      epoch: buf.readUIntBE(7, 6),
      shardIndex: buf.readUInt32BE(13),
      offset: buf.readUIntBE(17, 6),
      streamName: buf.toString('latin1', HEADER, HEADER + n),
    };
  }

  /** Signs a pagination token (NextToken): base64 JSON and a MAC, so clients cannot forge one. */
  seal(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(Buffer.from(body)).toString('base64url')}`;
  }

  unseal<T>(token: string): T | undefined {
    const dot = token.indexOf('.');
    if (dot < 0) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(Buffer.from(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString()) as T;
    } catch {
      return undefined;
    }
  }

  private mac(bytes: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(bytes).digest().subarray(0, MAC);
  }
}

// Options of connect() and their defaults.
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_MAX_FRAME_BYTES, MAX_FRAME_BYTES_CEILING, PREAMBLE_MAX_FRAME_BYTES } from '../protocol/index.js';

export interface ReconnectOptions {
  /** First delay after a loss. Default 50 ms; doubles per failed attempt, with jitter. */
  initialDelayMs?: number;
  /** Default 2 s. */
  maxDelayMs?: number;
  /** Failed attempts in a row before queued requests are failed. Default 20; 0 disables reconnecting. */
  maxAttempts?: number;
}

export interface ConnectOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4568. */
  port?: number;
  /** Needed when the server requires authentication. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Connect with TLS (the server must listen with TLS). */
  tls?: { ca?: string | Buffer | Array<string | Buffer>; servername?: string; rejectUnauthorized?: boolean };
  /** Largest frame this client accepts. Default 16 MiB. */
  maxFrameBytes?: number;
  /** Default 10 s (socket, TLS and handshake each). */
  connectTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** Requests waiting for a connection or an in-flight slot. Default 100 000; more fail with MR_BUSY. */
  maxQueuedRequests?: number;
  /** Announced in the handshake, for the server's logs. */
  clientName?: string;
}

export interface ResolvedConnectOptions {
  host: string;
  port: number;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  tls: ConnectOptions['tls'] | undefined;
  maxFrameBytes: number;
  connectTimeoutMs: number;
  reconnect: Required<ReconnectOptions>;
  maxQueuedRequests: number;
  clientName: string;
}

function int(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

export function resolveConnectOptions(o: ConnectOptions = {}): ResolvedConnectOptions {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('connect() options must be an object');
  const c = o.credentials;
  if (c !== undefined && (typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string' || !c.accessKeyId)) {
    throw new InvalidArgumentError('credentials must be { accessKeyId, secretAccessKey } strings');
  }
  const r = o.reconnect ?? {};
  return {
    host: o.host ?? '127.0.0.1',
    port: int('port', o.port ?? 4568, 1, 65535),
    credentials: c,
    tls: o.tls,
    maxFrameBytes: int('maxFrameBytes', o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, PREAMBLE_MAX_FRAME_BYTES, MAX_FRAME_BYTES_CEILING),
    connectTimeoutMs: int('connectTimeoutMs', o.connectTimeoutMs ?? 10_000, 1, 0x7fffffff),
    reconnect: {
      initialDelayMs: int('reconnect.initialDelayMs', r.initialDelayMs ?? 50, 0, 0x7fffffff),
      maxDelayMs: int('reconnect.maxDelayMs', r.maxDelayMs ?? 2000, 0, 0x7fffffff),
      maxAttempts: int('reconnect.maxAttempts', r.maxAttempts ?? 20, 0, 0x7fffffff),
    },
    maxQueuedRequests: int('maxQueuedRequests', o.maxQueuedRequests ?? 100_000, 1, 0x7fffffff),
    clientName: o.clientName ?? 'millrace-js',
  };
}

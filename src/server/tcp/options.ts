// Options of the TCP face and their defaults. Every buffer the server keeps is bounded by one of
// these limits (docs/PROTOCOL.md#server-limits).
import type { Millrace } from '../../millrace.js';
import { InvalidArgumentError } from '../../errors.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_IN_FLIGHT,
  MAX_FRAME_BYTES_CEILING,
  PREAMBLE_MAX_FRAME_BYTES,
} from '../../protocol/index.js';

/** What the TCP face calls: the same operations as the embedded API (structural, so tests may wrap one). */
export type TcpEngine = Pick<Millrace, 'kinesis' | 'fast' | 'dataDir'>;

/** pino's four methods, or anything with them. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TcpLimits {
  /** Largest frame the server accepts (announced in the handshake). Default 16 MiB. */
  maxFrameBytes: number;
  /** Unanswered requests per connection; at the limit the server stops reading that socket. Default 1024. */
  maxInFlight: number;
  /** Request bytes being processed across all connections; above it every connection stops reading. Default 256 MiB. */
  maxServerInFlightBytes: number;
  /** Unsent response and push bytes per connection above which the server stops reading it and pauses its pushes. Default 8 MiB, at least 64 KiB. */
  maxBufferedBytes: number;
  /** Open connections; one more is told GoAway(MR_BUSY) and closed. Default 1024. */
  maxConnections: number;
  /** Subscriptions per connection. Default 256. */
  maxSubscriptions: number;
  /** A connection that sends nothing this long is closed (announced in the handshake; 0: never). Default 60 s. */
  idleTimeoutMs: number;
  /** Time to complete Handshake and Authenticate. Default 10 s. */
  handshakeTimeoutMs: number;
  /** Delay before answering a failed Authenticate, to slow guessing. Default 200 ms. */
  authFailureDelayMs: number;
  /** close() waits this long for in-flight requests before cutting connections. Default 10 s. */
  shutdownTimeoutMs: number;
  /** GetBatch and subscription event defaults when the request says 0. */
  defaultMaxRecords: number;
  defaultMaxBytes: number;
  /** Longest GetBatch long poll. Default 30 s. */
  maxWaitMs: number;
}

export interface TcpServerOptions {
  millrace: TcpEngine;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4568; 0 picks a free port. */
  port?: number;
  /** Serve TLS from the first byte (no plaintext on the same port). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Access keys for HMAC authentication; none: no authentication required. */
  credentials?: ReadonlyArray<{ accessKeyId: string; secretAccessKey: string }>;
  limits?: Partial<TcpLimits>;
  /** Announced in the handshake. Default "millrace". */
  serverName?: string;
  logger?: Logger;
}

export const DEFAULT_TCP_PORT = 4568;

export const DEFAULT_LIMITS: TcpLimits = {
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxInFlight: DEFAULT_MAX_IN_FLIGHT,
  maxServerInFlightBytes: 256 * 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxConnections: 1024,
  maxSubscriptions: 256,
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  handshakeTimeoutMs: 10_000,
  authFailureDelayMs: 200,
  shutdownTimeoutMs: 10_000,
  defaultMaxRecords: 10_000,
  defaultMaxBytes: 4 * 1024 * 1024,
  maxWaitMs: 30_000,
};

function int(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`limits.${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

export function resolveLimits(given: Partial<TcpLimits> = {}): TcpLimits {
  const l = { ...DEFAULT_LIMITS, ...given };
  int('maxFrameBytes', l.maxFrameBytes, PREAMBLE_MAX_FRAME_BYTES, MAX_FRAME_BYTES_CEILING);
  int('maxInFlight', l.maxInFlight, 1, 0xffffffff);
  int('maxServerInFlightBytes', l.maxServerInFlightBytes, l.maxFrameBytes, Number.MAX_SAFE_INTEGER);
  // At least the sockets' write high-water mark (16 KiB), so that crossing the limit always ends in
  // a 'drain' event, which is what resumes a paused connection.
  int('maxBufferedBytes', l.maxBufferedBytes, 64 * 1024, Number.MAX_SAFE_INTEGER);
  int('maxConnections', l.maxConnections, 1, 1_000_000);
  int('maxSubscriptions', l.maxSubscriptions, 0, 1_000_000);
  int('idleTimeoutMs', l.idleTimeoutMs, 0, 0xffffffff);
  int('handshakeTimeoutMs', l.handshakeTimeoutMs, 1, 0x7fffffff);
  int('authFailureDelayMs', l.authFailureDelayMs, 0, 60_000);
  int('shutdownTimeoutMs', l.shutdownTimeoutMs, 0, 0x7fffffff);
  int('defaultMaxRecords', l.defaultMaxRecords, 1, 1_000_000);
  int('defaultMaxBytes', l.defaultMaxBytes, 1, MAX_FRAME_BYTES_CEILING);
  int('maxWaitMs', l.maxWaitMs, 0, 0x7fffffff);
  return l;
}

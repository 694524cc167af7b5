// Errors as the client raises them. A wire error becomes the library's typed error for its code:
// MR_* codes are MillraceErrors with that `code` (the fixed classes where the library has one:
// MR_INVALID_ARGUMENT → InvalidArgumentError...); AWS-style codes are RemoteErrors whose `name` is
// the AWS `__type`, as the embedded API's errors are, so `err.name === 'ResourceNotFoundException'`
// works the same embedded, over HTTP and over TCP.
import { createError, ErrorCodes, IoError, MillraceError, type ErrorCode } from '../errors.js';
import { wireCodeOf, wireErrorByCode, type WireError } from '../protocol/index.js';

/** An AWS-style error the server answered with (`name` is its `__type`). */
export class RemoteError extends Error {
  /** The numeric wire code. */
  readonly wireCode: number;
  /** Whether the same request may succeed later (throughput exceeded...). */
  readonly retryable: boolean;
  readonly retryAfterMs: number;
  constructor(name: string, wireCode: number, message: string, retryable: boolean, retryAfterMs: number) {
    super(message);
    this.name = name;
    this.wireCode = wireCode;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Codes of the library that have a class of their own (createError builds them). */
const OWN_CLASS = new Set<string>(['MR_INVALID_ARGUMENT', 'MR_CLOSED', 'MR_IO', 'MR_CORRUPT_BATCH', 'MR_RECORD_TOO_LARGE', 'MR_OFFSET_OUT_OF_RANGE', 'MR_LOCKED', 'MR_NATIVE_UNAVAILABLE', 'MR_CRYPTO']);

export function remoteError(e: WireError): Error {
  const name = e.name ?? `MR_WIRE_${e.code}`;
  const details = { wireCode: e.code, retryAfterMs: e.retryAfterMs, remote: true };
  if (OWN_CLASS.has(name)) return createError(name, e.message, details);
  if (name in ErrorCodes) return new MillraceError(name as ErrorCode, e.message, details);
  // AWS names, and codes newer than this build.
  return new RemoteError(name, e.code, e.message, wireErrorByCode(e.code)?.retryable ?? false, e.retryAfterMs);
}

/**
 * The connection closed before the response came. The request may or may not have been applied:
 * a put reported this way was possibly written (at-least-once if it is sent again).
 */
export class ConnectionLostError extends IoError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause, unacknowledged: true });
  }
}

/** Whether a failed request is worth sending again later (MR_BUSY, MR_SHUTTING_DOWN, a lost connection...). */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RemoteError) return err.retryable;
  if (err instanceof MillraceError) return wireErrorByCode(wireCodeOf(err.code) ?? 0)?.retryable ?? false;
  return false;
}

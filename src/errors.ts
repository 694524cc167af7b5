// Typed errors with stable string codes. The native addon receives `createError`
// at load time (src/storage/native.ts) so that C++ throws these same classes.
import { ErrorCodes, type ErrorCode } from './core/constants.js';

export { ErrorCodes, type ErrorCode };

export interface ErrorDetails {
  /** Segment or file the error is about, when there is one. */
  file?: string;
  /** Byte position inside `file`. */
  position?: number;
  /** OS errno name (EIO, ENOSPC...) for I/O failures. */
  errno?: string;
  /** Underlying error. */
  cause?: unknown;
  [key: string]: unknown;
}

export class MillraceError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

type Fixed = new (message: string, details?: ErrorDetails) => MillraceError;
function fixed(code: ErrorCode): Fixed {
  return class extends MillraceError {
    constructor(message: string, details?: ErrorDetails) {
      super(code, message, details);
    }
  };
}

/** Arguments of the wrong type or out of range. */
export class InvalidArgumentError extends fixed(ErrorCodes.MR_INVALID_ARGUMENT) {}
/** Used after close(). */
export class ClosedError extends fixed(ErrorCodes.MR_CLOSED) {}
/** An operating-system call failed; `details.errno` names it. */
export class IoError extends fixed(ErrorCodes.MR_IO) {}
/** A batch failed its CRC or structure check; `details.file` and `details.position` say where. */
export class CorruptBatchError extends fixed(ErrorCodes.MR_CORRUPT_BATCH) {}
export class RecordTooLargeError extends fixed(ErrorCodes.MR_RECORD_TOO_LARGE) {}
export class OffsetOutOfRangeError extends fixed(ErrorCodes.MR_OFFSET_OUT_OF_RANGE) {}
/** Another process holds the data directory. */
export class LockedError extends fixed(ErrorCodes.MR_LOCKED) {}
export class NativeUnavailableError extends fixed(ErrorCodes.MR_NATIVE_UNAVAILABLE) {}
/** Decryption failed: wrong key, tampered or swapped ciphertext. */
export class CryptoError extends fixed(ErrorCodes.MR_CRYPTO) {}
/** KMS-style key problems; `code` tells which (MR_KMS_*). */
export class KmsError extends MillraceError {}
export class AbortError extends MillraceError {
  constructor(cause?: unknown) {
    super(ErrorCodes.MR_ABORTED, 'The operation was aborted', { cause });
  }
}

const byCode: Partial<Record<ErrorCode, Fixed>> = {
  MR_INVALID_ARGUMENT: InvalidArgumentError,
  MR_CLOSED: ClosedError,
  MR_IO: IoError,
  MR_CORRUPT_BATCH: CorruptBatchError,
  MR_RECORD_TOO_LARGE: RecordTooLargeError,
  MR_OFFSET_OUT_OF_RANGE: OffsetOutOfRangeError,
  MR_LOCKED: LockedError,
  MR_NATIVE_UNAVAILABLE: NativeUnavailableError,
  MR_CRYPTO: CryptoError,
};

/** Builds the library's error for a code; the addon calls this to throw typed errors. */
export function createError(code: string, message: string, details?: ErrorDetails): MillraceError {
  if (!(code in ErrorCodes)) return new IoError(`${code}: ${message}`, details);
  const Ctor = byCode[code as ErrorCode];
  return Ctor ? new Ctor(message, details) : new KmsError(code as ErrorCode, message, details);
}

// The error every decoder in this folder throws for bytes that break the protocol, whatever the bytes.
import { ErrorCodes, MillraceError, type ErrorDetails } from '../errors.js';
import { WireErrorCode } from './error-codes.js';

export interface ProtocolErrorDetails extends ErrorDetails {
  /** Frame header fields, when the error is about a frame whose header was read. */
  requestId?: number;
  command?: number;
  /** See ProtocolError.fatal. Default false. */
  fatal?: boolean;
}

/**
 * Malformed input from the peer. `wireCode` is the code to answer with (MR_PROTOCOL,
 * MR_FRAME_TOO_LARGE...). When `fatal`, frame boundaries can no longer be trusted: send at most one
 * error frame and close the connection; otherwise answer the request (details.requestId) and go on.
 */
export class ProtocolError extends MillraceError {
  readonly wireCode: number;
  readonly fatal: boolean;
  constructor(wireCode: number, message: string, details: ProtocolErrorDetails = {}) {
    // One library code for every protocol violation; `wireCode` carries the precise reason.
    super(ErrorCodes.MR_PROTOCOL, message, details);
    this.wireCode = wireCode;
    this.fatal = details.fatal ?? false;
  }
}

/** A body that does not match its layout: answerable, not fatal. */
export function malformed(message: string): ProtocolError {
  return new ProtocolError(WireErrorCode.MR_PROTOCOL, message);
}

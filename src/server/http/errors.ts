// Errors as the HTTP face puts them on the wire: an AWS `__type`, an HTTP status and a message.
// Wire errors (framing, routing, authentication) are raised here; errors from the operations are
// translated by `toWireError`, through the api's table from domain errors to AWS names.
import { toKinesisError } from '../../api/errors.js';

export class WireError extends Error {
  override name = 'WireError';
  constructor(
    /** The AWS error name sent as `__type` (and `:exception-type` in event streams). */
    readonly type: string,
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// Statuses and wording follow what AWS's JSON endpoints answer (see kinesalite's connection tests,
// which were recorded against the real service): authentication failures on the JSON protocols
// are 400, not 403.
export const wireErrors = {
  serialization: (message = '') => new WireError('SerializationException', 400, message),
  unknownOperation: (message = '') => new WireError('UnknownOperationException', 400, message),
  /** No recognised content type: AWS answers 404 here. */
  unknownOperationNoCodec: () => new WireError('UnknownOperationException', 404, ''),
  accessDenied: () =>
    new WireError('AccessDeniedException', 403, 'Unable to determine service/operation name to be authorized'),
  missingToken: () => new WireError('MissingAuthenticationTokenException', 400, 'Missing Authentication Token'),
  incompleteSignature: (message: string) => new WireError('IncompleteSignatureException', 400, message),
  invalidSignature: (message: string) => new WireError('InvalidSignatureException', 400, message),
  unrecognizedClient: () =>
    new WireError('UnrecognizedClientException', 400, 'The security token included in the request is invalid.'),
  tooLarge: (limit: number) =>
    new WireError('RequestEntityTooLargeException', 413, `Request body must not exceed ${limit} bytes`),
  internal: (cause?: unknown) =>
    new WireError('InternalFailureException', 500, 'Internal service failure.', { cause }),
} as const;

/** Whether the error is our fault (logged at error level) rather than the caller's. */
export function isServerFault(err: WireError): boolean {
  return err.statusCode >= 500;
}

/**
 * Maps anything an operation throws to what goes on the wire. Domain errors go through the one
 * table in src/api/errors.ts (toKinesisError); anything unknown becomes an InternalFailureException
 * whose details stay in `cause` (logged, never sent).
 */
export function toWireError(err: unknown): WireError {
  if (err instanceof WireError) return err;
  const e = toKinesisError(err);
  return new WireError(e.name, e.statusCode, e.message, { cause: err });
}

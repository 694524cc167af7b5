// The one mapping from anything a handler throws to a wire error (docs/PROTOCOL.md#errors):
// protocol errors carry their own code, the library's typed errors their MR_* code (handlers raise
// MR_BUSY and the like as MillraceError with that code), AWS-shaped errors their `__type`.
// Anything else is MR_INTERNAL, with the details kept for the log only.
import { MillraceError } from '../../errors.js';
import { ProtocolError, WireErrorCode, wireCodeOf, type WireErrorInit } from '../../protocol/index.js';

/** AWS `__type` names the operations raise that have no wire code of their own. */
const AWS_FALLBACK: Record<string, number> = {
  SerializationException: WireErrorCode.ValidationException,
  DryRunOperationException: WireErrorCode.ValidationException,
  UnknownOperationException: WireErrorCode.MR_UNKNOWN_COMMAND,
};

export interface MappedError extends WireErrorInit {
  /** True when the failure is the server's, worth logging at error level. */
  internal: boolean;
}

export function toWireError(err: unknown): MappedError {
  if (err instanceof ProtocolError) return { code: err.wireCode, message: err.message, internal: false };
  if (err instanceof MillraceError) {
    const code = wireCodeOf(err.code);
    if (code !== undefined) return { code, message: err.message, internal: code === WireErrorCode.MR_INTERNAL || code === WireErrorCode.MR_IO };
  }
  if (err instanceof Error) {
    // AWS-shaped errors (KinesisError) are recognised by name, so this face need not import their class.
    const code = wireCodeOf(err.name) ?? AWS_FALLBACK[err.name];
    if (code !== undefined) return { code, message: err.message, internal: code === WireErrorCode.InternalFailureException };
  }
  return { code: WireErrorCode.MR_INTERNAL, message: 'internal server error', internal: true };
}

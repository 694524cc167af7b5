// Wire error codes (docs/PROTOCOL.md#errors): u16 numbers, each naming exactly one string code.
// APPEND-ONLY: never renumber, never reuse. To retire a code, mark it `retired: true` and leave it.
//
// Names are the library's MR_* codes (src/errors.ts), the protocol's own MR_* codes, and the AWS
// `__type` names the Data Streams operations raise (src/api/errors.ts). Protocol code must not
// import src/api, so the AWS names are spelled out here; test/protocol/error-codes.test.ts pins them.

export interface WireErrorInfo {
  readonly code: number;
  readonly name: string;
  /** Whether the same request may succeed if sent again later. */
  readonly retryable: boolean;
  readonly doc: string;
  readonly retired?: boolean;
}

const table = [
  // 1–99: protocol and connection
  { code: 1, name: 'MR_INTERNAL', retryable: true, doc: 'the server failed unexpectedly' },
  { code: 2, name: 'MR_PROTOCOL', retryable: false, doc: 'a frame or body does not match the protocol' },
  { code: 3, name: 'MR_FRAME_TOO_LARGE', retryable: false, doc: "a frame exceeds the receiver's maximum frame size" },
  { code: 4, name: 'MR_UNSUPPORTED_VERSION', retryable: false, doc: 'no protocol version in common, or a frame with another version' },
  { code: 5, name: 'MR_UNKNOWN_COMMAND', retryable: false, doc: 'the command id is not in the table' },
  { code: 6, name: 'MR_UNAUTHENTICATED', retryable: false, doc: 'the command needs a completed handshake and authentication' },
  { code: 7, name: 'MR_AUTH_FAILED', retryable: false, doc: 'unknown access key id or wrong proof' },
  { code: 8, name: 'MR_FEATURE_NOT_NEGOTIATED', retryable: false, doc: 'the request uses a feature the handshake did not grant' },
  { code: 9, name: 'MR_UNKNOWN_SUBSCRIPTION', retryable: false, doc: 'no such subscription on this connection' },
  { code: 10, name: 'MR_BUSY', retryable: true, doc: 'the connection or server is at a limit (in-flight requests, memory)' },
  { code: 11, name: 'MR_SHUTTING_DOWN', retryable: true, doc: 'the server is draining; reconnect' },
  { code: 12, name: 'MR_DUPLICATE_REQUEST_ID', retryable: false, doc: 'the request id is already in flight' },

  // 100–199: the library's typed errors (src/errors.ts, scripts/constants.json)
  { code: 100, name: 'MR_INVALID_ARGUMENT', retryable: false, doc: 'an argument has the wrong type or an out-of-range value' },
  { code: 101, name: 'MR_CLOSED', retryable: false, doc: 'the object was used after close()' },
  { code: 102, name: 'MR_IO', retryable: true, doc: 'an operating-system I/O call failed' },
  { code: 103, name: 'MR_CORRUPT_BATCH', retryable: false, doc: 'a batch failed its CRC or structure check' },
  { code: 104, name: 'MR_RECORD_TOO_LARGE', retryable: false, doc: 'a record or batch exceeds the configured size limit' },
  { code: 105, name: 'MR_OFFSET_OUT_OF_RANGE', retryable: false, doc: 'the requested offset is not in the log' },
  { code: 106, name: 'MR_LOCKED', retryable: true, doc: 'another process holds the data directory' },
  { code: 107, name: 'MR_NATIVE_UNAVAILABLE', retryable: false, doc: 'the native addon could not be loaded' },
  { code: 108, name: 'MR_CRYPTO', retryable: false, doc: 'encryption or decryption failed' },
  { code: 109, name: 'MR_KMS_DISABLED', retryable: false, doc: 'the master key is disabled' },
  { code: 110, name: 'MR_KMS_NOT_FOUND', retryable: false, doc: 'the master key does not exist' },
  { code: 111, name: 'MR_KMS_INVALID_STATE', retryable: false, doc: 'the master key is in a state that does not allow the operation' },
  { code: 112, name: 'MR_KMS_ACCESS_DENIED', retryable: false, doc: 'the key material cannot be unwrapped' },
  { code: 113, name: 'MR_ABORTED', retryable: false, doc: 'the operation was cancelled' },

  // 200–299: AWS-style Data Streams errors, by __type
  { code: 200, name: 'ResourceNotFoundException', retryable: false, doc: 'the stream, shard or consumer does not exist' },
  { code: 201, name: 'ResourceInUseException', retryable: true, doc: 'the resource is not in a state that allows the operation' },
  { code: 202, name: 'LimitExceededException', retryable: true, doc: 'a request-rate or resource limit was exceeded' },
  { code: 203, name: 'InvalidArgumentException', retryable: false, doc: 'a parameter is not valid' },
  { code: 204, name: 'ExpiredIteratorException', retryable: false, doc: 'the shard iterator has expired' },
  { code: 205, name: 'ExpiredNextTokenException', retryable: false, doc: 'the pagination token has expired' },
  { code: 206, name: 'ProvisionedThroughputExceededException', retryable: true, doc: "the shard's throughput limit was exceeded" },
  { code: 207, name: 'KMSDisabledException', retryable: false, doc: 'the KMS key is disabled' },
  { code: 208, name: 'KMSInvalidStateException', retryable: false, doc: 'the KMS key is not in a valid state' },
  { code: 209, name: 'KMSAccessDeniedException', retryable: false, doc: 'access to the KMS key was denied' },
  { code: 210, name: 'KMSNotFoundException', retryable: false, doc: 'the KMS key was not found' },
  { code: 211, name: 'KMSOptInRequired', retryable: false, doc: 'the account is not subscribed to KMS' },
  { code: 212, name: 'KMSThrottlingException', retryable: true, doc: 'the KMS request was throttled' },
  { code: 213, name: 'AccessDeniedException', retryable: false, doc: 'the caller is not allowed to perform the operation' },
  { code: 214, name: 'ValidationException', retryable: false, doc: 'the request failed validation' },
  { code: 215, name: 'InternalFailureException', retryable: true, doc: 'the service failed unexpectedly' },
] as const satisfies readonly WireErrorInfo[];

export type WireErrorName = (typeof table)[number]['name'];

/** Every wire error, in code order. */
export const WIRE_ERRORS: readonly WireErrorInfo[] = table;

/** Numeric code by name: `WireErrorCode.MR_PROTOCOL === 2`. */
export const WireErrorCode = Object.freeze(
  Object.fromEntries(table.map((e) => [e.name, e.code])),
) as { readonly [N in WireErrorName]: Extract<(typeof table)[number], { name: N }>['code'] };

const byCode = new Map<number, WireErrorInfo>(table.map((e) => [e.code, e]));
const byName = new Map<string, WireErrorInfo>(table.map((e) => [e.name, e]));

/** The entry for a numeric code, or undefined for a code this build does not know (a newer peer). */
export function wireErrorByCode(code: number): WireErrorInfo | undefined {
  return byCode.get(code);
}

/** The numeric code for a string code (MR_* or AWS `__type`), or undefined when it has none. */
export function wireCodeOf(name: string): number | undefined {
  return byName.get(name)?.code;
}

// The errors Kinesis Data Streams returns on the wire, and the one table that maps every error the
// library can raise to AWS's `{ __type, message }` and HTTP status. Faces (the HTTP server) encode
// with `toKinesisErrorResponse`; the embedded facade throws `KinesisError` as is, with the same
// `name` the AWS SDK gives its exception classes, so `err.name === 'ResourceNotFoundException'`
// works in both worlds.
import { MillraceError, type ErrorCode } from '../errors.js';

export interface KinesisErrorInfo {
  /** HTTP status AWS answers with (JSON 1.1 protocol). */
  status: number;
  fault: 'client' | 'server';
  /** The AWS SDK retries these by default. */
  retryable: boolean;
}

/** Every `__type` this implementation returns. */
export const KINESIS_ERRORS = {
  AccessDeniedException: { status: 400, fault: 'client', retryable: false },
  DryRunOperationException: { status: 400, fault: 'client', retryable: false },
  ExpiredIteratorException: { status: 400, fault: 'client', retryable: false },
  ExpiredNextTokenException: { status: 400, fault: 'client', retryable: false },
  InternalFailureException: { status: 500, fault: 'server', retryable: true },
  InvalidArgumentException: { status: 400, fault: 'client', retryable: false },
  KMSAccessDeniedException: { status: 400, fault: 'client', retryable: false },
  KMSDisabledException: { status: 400, fault: 'client', retryable: false },
  KMSInvalidStateException: { status: 400, fault: 'client', retryable: false },
  KMSNotFoundException: { status: 400, fault: 'client', retryable: false },
  KMSOptInRequired: { status: 400, fault: 'client', retryable: false },
  KMSThrottlingException: { status: 400, fault: 'client', retryable: true },
  LimitExceededException: { status: 400, fault: 'client', retryable: true },
  ProvisionedThroughputExceededException: { status: 400, fault: 'client', retryable: true },
  ResourceInUseException: { status: 400, fault: 'client', retryable: false },
  ResourceNotFoundException: { status: 400, fault: 'client', retryable: false },
  SerializationException: { status: 400, fault: 'client', retryable: false },
  UnknownOperationException: { status: 400, fault: 'client', retryable: false },
  ValidationException: { status: 400, fault: 'client', retryable: false },
} as const satisfies Record<string, KinesisErrorInfo>;

export type KinesisErrorType = keyof typeof KINESIS_ERRORS;

/** An AWS-facing error: `name` is the AWS `__type`. */
export class KinesisError extends Error {
  override readonly name: KinesisErrorType;
  readonly statusCode: number;
  readonly $fault: 'client' | 'server';
  readonly retryable: boolean;

  constructor(type: KinesisErrorType, message: string, options?: { cause?: unknown }) {
    super(message, options);
    const info: KinesisErrorInfo = KINESIS_ERRORS[type];
    this.name = type;
    this.statusCode = info.status;
    this.$fault = info.fault;
    this.retryable = info.retryable;
  }
}

/** Domain errors that have an AWS counterpart. Anything else is an InternalFailureException. */
export const DOMAIN_ERROR_TYPES: Partial<Record<ErrorCode, KinesisErrorType>> = {
  MR_INVALID_ARGUMENT: 'InvalidArgumentException',
  MR_RECORD_TOO_LARGE: 'ValidationException',
  MR_KMS_DISABLED: 'KMSDisabledException',
  MR_KMS_NOT_FOUND: 'KMSNotFoundException',
  MR_KMS_INVALID_STATE: 'KMSInvalidStateException',
  MR_KMS_ACCESS_DENIED: 'KMSAccessDeniedException',
};

export interface KinesisErrorResponse {
  statusCode: number;
  body: { __type: KinesisErrorType; message: string };
}

/** The one mapping from any thrown value to what AWS would send. */
export function toKinesisErrorResponse(err: unknown): KinesisErrorResponse {
  const e = toKinesisError(err);
  return { statusCode: e.statusCode, body: { __type: e.name, message: e.message } };
}

/**
 * A domain error that has an AWS counterpart as that KinesisError (the original as `cause`), so the
 * embedded face throws what the AWS SDK would; anything else unchanged (MR_CLOSED stays itself).
 */
export function awsCounterpart(err: unknown): unknown {
  if (err instanceof MillraceError && DOMAIN_ERROR_TYPES[err.code] !== undefined) return toKinesisError(err);
  return err;
}

/** Turns any thrown value into a KinesisError (domain errors through DOMAIN_ERROR_TYPES). */
export function toKinesisError(err: unknown): KinesisError {
  if (err instanceof KinesisError) return err;
  if (err instanceof MillraceError) {
    const type = DOMAIN_ERROR_TYPES[err.code];
    if (type) return new KinesisError(type, err.message, { cause: err });
  }
  // Internal details stay in `cause`; AWS does not leak them either.
  return new KinesisError('InternalFailureException', 'Internal service failure.', { cause: err });
}

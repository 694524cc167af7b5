import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { WIRE_ERRORS, WireErrorCode, wireCodeOf, wireErrorByCode } from '../../src/protocol/error-codes.js';

/** Released codes. Append to this list; never edit a line of it. */
const RELEASED: ReadonlyArray<[number, string]> = [
  [1, 'MR_INTERNAL'], [2, 'MR_PROTOCOL'], [3, 'MR_FRAME_TOO_LARGE'], [4, 'MR_UNSUPPORTED_VERSION'],
  [5, 'MR_UNKNOWN_COMMAND'], [6, 'MR_UNAUTHENTICATED'], [7, 'MR_AUTH_FAILED'], [8, 'MR_FEATURE_NOT_NEGOTIATED'],
  [9, 'MR_UNKNOWN_SUBSCRIPTION'], [10, 'MR_BUSY'], [11, 'MR_SHUTTING_DOWN'], [12, 'MR_DUPLICATE_REQUEST_ID'],
  [100, 'MR_INVALID_ARGUMENT'], [101, 'MR_CLOSED'], [102, 'MR_IO'], [103, 'MR_CORRUPT_BATCH'],
  [104, 'MR_RECORD_TOO_LARGE'], [105, 'MR_OFFSET_OUT_OF_RANGE'], [106, 'MR_LOCKED'], [107, 'MR_NATIVE_UNAVAILABLE'],
  [108, 'MR_CRYPTO'], [109, 'MR_KMS_DISABLED'], [110, 'MR_KMS_NOT_FOUND'], [111, 'MR_KMS_INVALID_STATE'],
  [112, 'MR_KMS_ACCESS_DENIED'], [113, 'MR_ABORTED'],
  [200, 'ResourceNotFoundException'], [201, 'ResourceInUseException'], [202, 'LimitExceededException'],
  [203, 'InvalidArgumentException'], [204, 'ExpiredIteratorException'], [205, 'ExpiredNextTokenException'],
  [206, 'ProvisionedThroughputExceededException'], [207, 'KMSDisabledException'], [208, 'KMSInvalidStateException'],
  [209, 'KMSAccessDeniedException'], [210, 'KMSNotFoundException'], [211, 'KMSOptInRequired'],
  [212, 'KMSThrottlingException'], [213, 'AccessDeniedException'], [214, 'ValidationException'],
  [215, 'InternalFailureException'],
];

/** The error `__type`s of the Kinesis Data Streams API. */
const AWS_TYPES = [
  'AccessDeniedException', 'ExpiredIteratorException', 'ExpiredNextTokenException', 'InternalFailureException',
  'InvalidArgumentException', 'KMSAccessDeniedException', 'KMSDisabledException', 'KMSInvalidStateException',
  'KMSNotFoundException', 'KMSOptInRequired', 'KMSThrottlingException', 'LimitExceededException',
  'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ValidationException',
];

/** Protocol-level codes that have no library error yet (requested for scripts/constants.json). */
const PROTOCOL_ONLY = [
  'MR_INTERNAL', 'MR_PROTOCOL', 'MR_FRAME_TOO_LARGE', 'MR_UNSUPPORTED_VERSION', 'MR_UNKNOWN_COMMAND',
  'MR_UNAUTHENTICATED', 'MR_AUTH_FAILED', 'MR_FEATURE_NOT_NEGOTIATED', 'MR_UNKNOWN_SUBSCRIPTION', 'MR_BUSY',
  'MR_SHUTTING_DOWN', 'MR_DUPLICATE_REQUEST_ID',
];

describe('wire error codes', () => {
  it('are unique u16 numbers ≠ 0 with unique names, in ascending order', () => {
    const codes = WIRE_ERRORS.map((e) => e.code);
    const names = WIRE_ERRORS.map((e) => e.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
    for (const c of codes) expect(Number.isInteger(c) && c >= 1 && c <= 0xffff).toBe(true);
    expect([...codes].sort((a, b) => a - b)).toEqual(codes);
  });

  it('keep every released code with its name (append-only)', () => {
    for (const [code, name] of RELEASED) {
      expect(wireErrorByCode(code)?.name, `code ${code}`).toBe(name);
      expect(wireCodeOf(name)).toBe(code);
    }
  });

  it('give every library error code a wire code', () => {
    for (const code of Object.keys(ErrorCodes)) expect(wireCodeOf(code), code).toBeTypeOf('number');
  });

  it('give every Kinesis error __type a wire code', () => {
    for (const t of AWS_TYPES) expect(wireCodeOf(t), t).toBeTypeOf('number');
  });

  it('name nothing but library codes, Kinesis __types and the protocol codes', () => {
    const known = new Set([...Object.keys(ErrorCodes), ...AWS_TYPES, ...PROTOCOL_ONLY]);
    for (const e of WIRE_ERRORS) expect(known.has(e.name), e.name).toBe(true);
  });

  it('expose codes by name', () => {
    expect(WireErrorCode.MR_PROTOCOL).toBe(2);
    expect(WireErrorCode.ProvisionedThroughputExceededException).toBe(206);
    expect(wireErrorByCode(65535)).toBeUndefined();
    expect(wireCodeOf('NoSuchThing')).toBeUndefined();
  });
});

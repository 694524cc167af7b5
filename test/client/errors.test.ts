// Wire errors as the client raises them: the library's classes and codes, AWS names, retryability.
import { describe, expect, it } from 'vitest';
import { ConnectionLostError, RemoteError, isRetryable } from '../../src/client/index.js';
import { remoteError } from '../../src/client/errors.js';
import { InvalidArgumentError, MillraceError } from '../../src/errors.js';
import { WireErrorCode, wireErrorByCode } from '../../src/protocol/index.js';

const wire = (code: number) => remoteError({ code, name: wireErrorByCode(code)?.name, message: 'm', retryAfterMs: 5 });

describe('remoteError', () => {
  it('gives library codes their classes, AWS codes their names, and keeps retryability', () => {
    const invalid = wire(WireErrorCode.MR_INVALID_ARGUMENT);
    expect(invalid).toBeInstanceOf(InvalidArgumentError);
    expect(invalid).toMatchObject({ code: 'MR_INVALID_ARGUMENT', details: { wireCode: 100, retryAfterMs: 5 } });
    const busy = wire(WireErrorCode.MR_BUSY);
    expect(busy).toBeInstanceOf(MillraceError);
    expect(busy).toMatchObject({ code: 'MR_BUSY' });
    expect(isRetryable(busy)).toBe(true);
    expect(isRetryable(wire(WireErrorCode.MR_AUTH_FAILED))).toBe(false);
    const notFound = wire(WireErrorCode.ResourceNotFoundException);
    expect(notFound).toBeInstanceOf(RemoteError);
    expect(notFound).toMatchObject({ name: 'ResourceNotFoundException', wireCode: 200, retryable: false });
    expect(isRetryable(wire(WireErrorCode.ProvisionedThroughputExceededException))).toBe(true);
    expect(remoteError({ code: 999, name: undefined, message: 'newer', retryAfterMs: 0 })).toMatchObject({ name: 'MR_WIRE_999', retryable: false });
    expect(isRetryable(new ConnectionLostError('gone'))).toBe(true);
  });
});

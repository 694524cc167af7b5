import { describe, expect, it } from 'vitest';
import { KinesisError } from '../../../src/api/errors.js';
import { IoError, InvalidArgumentError } from '../../../src/errors.js';
import { toWireError, WireError, wireErrors } from '../../../src/server/http/errors.js';

describe('toWireError', () => {
  it('keeps wire errors as they are', () => {
    const err = wireErrors.missingToken();
    expect(toWireError(err)).toBe(err);
  });

  it('takes AWS-shaped errors\' name, status and message', () => {
    const wire = toWireError(new KinesisError('LimitExceededException', 'Rate exceeded for stream s under account 000000000000.'));
    expect(wire).toMatchObject({ type: 'LimitExceededException', statusCode: 400, message: 'Rate exceeded for stream s under account 000000000000.' });
  });

  it('maps domain errors through the api\'s table and hides internal ones', () => {
    expect(toWireError(new InvalidArgumentError('bad'))).toMatchObject({ type: 'InvalidArgumentException', statusCode: 400, message: 'bad' });
    const io = toWireError(new IoError('EIO on /data/segment-0001'));
    expect(io).toMatchObject({ type: 'InternalFailureException', statusCode: 500, message: 'Internal service failure.' });
    expect(io.message).not.toContain('/data');
    const unknown = new TypeError('x is undefined');
    const wire = toWireError(unknown);
    expect(wire).toBeInstanceOf(WireError);
    expect(wire).toMatchObject({ type: 'InternalFailureException', statusCode: 500 });
    expect(wire.cause).toBe(unknown); // logged, never sent
  });
});

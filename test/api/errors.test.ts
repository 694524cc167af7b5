import { describe, expect, it } from 'vitest';
import { KINESIS_ERRORS, KinesisError, toKinesisError, toKinesisErrorResponse } from '../../src/api/errors.js';
import { InvalidArgumentError, IoError, KmsError } from '../../src/errors.js';

describe('KinesisError', () => {
  it('carries the AWS type, status and fault', () => {
    const e = new KinesisError('ResourceNotFoundException', 'Stream x under account 000000000000 not found.');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ResourceNotFoundException');
    expect(e.statusCode).toBe(400);
    expect(e.$fault).toBe('client');
  });

  it('has one table entry per type, with 500 only for server faults', () => {
    for (const [type, info] of Object.entries(KINESIS_ERRORS)) {
      expect(info.status === 500).toBe(info.fault === 'server');
      expect(new KinesisError(type as keyof typeof KINESIS_ERRORS, 'm').statusCode).toBe(info.status);
    }
  });
});

describe('toKinesisErrorResponse', () => {
  it('passes KinesisErrors through', () => {
    expect(toKinesisErrorResponse(new KinesisError('ExpiredIteratorException', 'old'))).toEqual({
      statusCode: 400,
      body: { __type: 'ExpiredIteratorException', message: 'old' },
    });
  });

  it('maps domain errors through the table', () => {
    expect(toKinesisError(new InvalidArgumentError('bad')).name).toBe('InvalidArgumentException');
    expect(toKinesisError(new KmsError('MR_KMS_NOT_FOUND', 'no key')).name).toBe('KMSNotFoundException');
  });

  it('hides unknown failures behind InternalFailureException', () => {
    const r = toKinesisErrorResponse(new IoError('disk on fire'));
    expect(r).toEqual({ statusCode: 500, body: { __type: 'InternalFailureException', message: 'Internal service failure.' } });
    expect(toKinesisError(new Error('x')).cause).toBeInstanceOf(Error);
  });
});

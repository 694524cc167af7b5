import { describe, expect, it } from 'vitest';
import { validateInput, STREAM_NAME, type StructureShape } from '../../src/api/validate.js';

const shape: StructureShape = {
  type: 'structure',
  members: {
    StreamName: { ...STREAM_NAME, required: true },
    ShardCount: { type: 'integer', min: 1, max: 100000 },
    Data: { type: 'blob', max: 4 },
    Flag: { type: 'boolean' },
    When: { type: 'timestamp' },
    Keys: { type: 'list', member: { type: 'string', min: 1, max: 3 }, max: 2 },
  },
};

function error(input: unknown): { name: string; message: string } {
  try {
    validateInput(input, shape);
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected a failure');
}

describe('validateInput', () => {
  it('passes valid input and converts blobs and timestamps', () => {
    const out = validateInput<Record<string, unknown>>({ StreamName: 'a', Data: 'AAEC', When: 1700000000, Extra: 1 }, shape);
    expect([...(out.Data as Uint8Array)]).toEqual([0, 1, 2]);
    expect(out.When).toEqual(new Date(1700000000000));
    expect(out).not.toHaveProperty('Extra');
  });

  it('reports a missing member as AWS does', () => {
    expect(error({})).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    });
  });

  it('collects several constraint failures in one message', () => {
    const e = error({ StreamName: 'a b', ShardCount: 0 });
    expect(e.name).toBe('ValidationException');
    expect(e.message).toBe(
      "2 validation errors detected: Value 'a b' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('names list members by position', () => {
    expect(error({ StreamName: 'a', Keys: ['ok', 'toolong'] }).message).toContain("at 'keys.2.member' failed to satisfy constraint: Member must have length less than or equal to 3");
  });

  it('describes blobs like the Java service', () => {
    expect(error({ StreamName: 'a', Data: new Uint8Array(5) }).message).toContain("Value 'java.nio.HeapByteBuffer[pos=0 lim=5 cap=5]' at 'data'");
  });

  it('rejects wrong JSON types with SerializationException', () => {
    expect(error({ StreamName: 1 })).toEqual({
      name: 'SerializationException',
      message: 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    });
    expect(error({ StreamName: 'a', ShardCount: '1' }).message).toBe('class java.lang.String can not be converted to an Integer');
    expect(error({ StreamName: 'a', Flag: 'yes' }).message).toBe("'YES' can not be converted to an Boolean");
    expect(error({ StreamName: 'a', Keys: 'x' }).message).toBe('Expected list or null');
    expect(error({ StreamName: ['a'] }).message).toBe('Start of list found where not expected');
    expect(error({ StreamName: 'a', When: 'now' }).message).toBe('class java.lang.String can not be converted to milliseconds since epoch');
  });

  it('checks base64 blobs', () => {
    expect(error({ StreamName: 'a', Data: 'abc' }).message).toBe("'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3");
    expect(error({ StreamName: 'a', Data: 'ab!=' }).message).toBe("'ab!=' can not be converted to a Blob: Invalid Base64 character: '!'");
  });

  it('truncates fractional integers like the service', () => {
    expect(validateInput<{ ShardCount: number }>({ StreamName: 'a', ShardCount: 2.7 }, shape).ShardCount).toBe(2);
  });
});

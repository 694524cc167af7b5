import * as Kinesis from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { cborCodec, jsonCodec } from '../../../src/server/http/codecs.js';
import { WireError } from '../../../src/server/http/errors.js';
import { compilePaths, kinesisActionNames, kinesisShapes, readInput, writeOutput } from '../../../src/server/http/shapes.js';

// Walks the static schemas shipped in @aws-sdk/client-kinesis (the SDK's own serde tables):
// [9, ns, name, traits, input, output] operations; [3|-3, ns, name, traits, memberNames, memberTypes]
// structures; [4, …] unions; [1, ns, name, traits, member] lists; [2, …, key, value] maps;
// 21 = blob, 4 = timestamp.
type Schema = unknown;
const deref = (s: Schema): Schema => (typeof s === 'function' ? (s as () => Schema)() : s);

function collect(schema: Schema, prefix: string, out: { blob: string[]; timestamp: string[] }, seen: Set<unknown>): void {
  const s = deref(schema);
  if (s === 21) out.blob.push(prefix);
  if (s === 4) out.timestamp.push(prefix);
  if (!Array.isArray(s) || seen.has(s)) return;
  const kind = s[0];
  const inner = new Set(seen).add(s);
  if (kind === 3 || kind === -3 || kind === 4) {
    const names = s[4] as string[];
    const types = s[5] as Schema[];
    names.forEach((name, i) => {
      let t = types[i];
      if (Array.isArray(t) && typeof t[0] === 'function') t = t[0]; // [schema, traits]
      collect(t, prefix ? `${prefix}.${name}` : name, out, inner);
    });
  } else if (kind === 1) collect(s[4], `${prefix}[]`, out, inner);
  else if (kind === 2) collect(s[5], `${prefix}{}`, out, inner);
}

function sdkOperations(): Map<string, { input: { blob: string[]; timestamp: string[] }; output: { blob: string[]; timestamp: string[] } }> {
  const ops = new Map();
  for (const [key, value] of Object.entries(Kinesis)) {
    if (!key.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const input = { blob: [] as string[], timestamp: [] as string[] };
    const output = { blob: [] as string[], timestamp: [] as string[] };
    collect(value[4], '', input, new Set());
    collect(value[5], '', output, new Set());
    ops.set(value[2] as string, { input, output });
  }
  return ops;
}

describe('the blob/timestamp table', () => {
  const ops = sdkOperations();

  it('routes every operation of the SDK', () => {
    expect(ops.size).toBeGreaterThan(40);
    expect([...kinesisActionNames].sort()).toEqual([...ops.keys()].sort());
  });

  it('lists exactly the blob and timestamp members the SDK serialises, for every operation', () => {
    for (const [action, sdk] of ops) {
      const ours = kinesisShapes[action] ?? {};
      const sorted = (a: readonly string[] | undefined) => [...(a ?? [])].sort();
      expect(sorted(ours.input?.blob), `${action} input blobs`).toEqual(sorted(sdk.input.blob));
      expect(sorted(ours.input?.timestamp), `${action} input timestamps`).toEqual(sorted(sdk.input.timestamp));
      // Event-stream members are listed per event; the SDK reaches them through the stream member.
      const stream = ours.eventStream;
      const outBlob = [...(ours.output?.blob ?? [])];
      const outTs = [...(ours.output?.timestamp ?? [])];
      for (const [event, paths] of Object.entries(stream?.events ?? {})) {
        outBlob.push(...(paths.blob ?? []).map((p) => `${stream!.member}.${event}.${p}`));
        outTs.push(...(paths.timestamp ?? []).map((p) => `${stream!.member}.${event}.${p}`));
      }
      expect(sorted(outBlob), `${action} output blobs`).toEqual(sorted(sdk.output.blob));
      expect(sorted(outTs), `${action} output timestamps`).toEqual(sorted(sdk.output.timestamp));
    }
  });
});

describe('reading requests', () => {
  const putRecords = compilePaths(kinesisShapes.PutRecords.input);
  const listShards = compilePaths(kinesisShapes.ListShards.input);

  it('turns JSON base64 into bytes and epoch seconds into Date, leaving the rest alone', () => {
    const input = {
      StreamName: 's',
      Records: [{ Data: 'aGVsbG8=', PartitionKey: 'a' }, { Data: '', PartitionKey: 'b' }, null],
    };
    readInput(putRecords, input, jsonCodec.leaves);
    expect(Buffer.from(input.Records[0]!.Data as unknown as Uint8Array).toString()).toBe('hello');
    expect((input.Records[1]!.Data as unknown as Uint8Array).length).toBe(0);
    const ls = { StreamCreationTimestamp: 1_700_000_000.5, ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: 1_700_000_001 } };
    readInput(listShards, ls, jsonCodec.leaves);
    expect(ls.StreamCreationTimestamp).toEqual(new Date(1_700_000_000_500));
    expect(ls.ShardFilter.Timestamp).toEqual(new Date(1_700_000_001_000));
  });

  it('leaves shapes of the wrong kind to the operation\'s validation', () => {
    const input = { Records: 'not a list' };
    expect(readInput(putRecords, input, jsonCodec.leaves)).toEqual({ Records: 'not a list' });
  });

  it.each([
    ['a number', 5, 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob'],
    ['a boolean', true, 'class java.lang.Boolean can not be converted to a Blob'],
    ['a list', [], 'Start of list found where not expected'],
    ['a map', {}, 'Start of structure or map found where not expected.'],
    ['a bad length', 'abc', "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"],
    ['a bad character', 'ab!d', "'ab!d' can not be converted to a Blob: Invalid Base64 character: '!'"],
    ['non-canonical padding', 'aGVsbG9=', "'aGVsbG9=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
  ])('refuses %s as a JSON blob with AWS\'s SerializationException', (_name, data, message) => {
    const err = (() => {
      try {
        readInput(putRecords, { Records: [{ Data: data }] }, jsonCodec.leaves);
      } catch (e) {
        return e;
      }
    })() as WireError;
    expect(err).toBeInstanceOf(WireError);
    expect(err.type).toBe('SerializationException');
    expect(err.message).toBe(message);
  });

  it('refuses a JSON timestamp given as a string', () => {
    expect(() => readInput(listShards, { StreamCreationTimestamp: '2024-01-01' }, jsonCodec.leaves)).toThrow(
      'class java.lang.String can not be converted to milliseconds since epoch',
    );
  });

  it('accepts CBOR byte strings and tag-1 dates, converts bare CBOR numbers, refuses text blobs', () => {
    const input = { Records: [{ Data: Buffer.from([1]) }] };
    readInput(putRecords, input, cborCodec.leaves);
    expect(input.Records[0].Data).toEqual(Buffer.from([1]));
    const ls = { StreamCreationTimestamp: 1_700_000_000_000 };
    readInput(listShards, ls, cborCodec.leaves);
    expect(ls.StreamCreationTimestamp).toEqual(new Date(1_700_000_000_000));
    expect(() => readInput(putRecords, { Records: [{ Data: 'aGk=' }] }, cborCodec.leaves)).toThrow(WireError);
  });
});

describe('writing responses', () => {
  const getRecords = compilePaths(kinesisShapes.GetRecords.output);

  it('encodes bytes as base64 and Date as epoch seconds for JSON without touching the original', () => {
    const record = { Data: Buffer.from('hi'), PartitionKey: 'k', SequenceNumber: '1', ApproximateArrivalTimestamp: new Date(1_700_000_000_123) };
    const output = { Records: [record], NextShardIterator: 'it', MillisBehindLatest: 0 };
    const wire = writeOutput(getRecords, output, jsonCodec.leaves) as { Records: Array<Record<string, unknown>> };
    expect(wire.Records[0]).toEqual({ Data: 'aGk=', PartitionKey: 'k', SequenceNumber: '1', ApproximateArrivalTimestamp: 1_700_000_000.123 });
    expect(output.Records[0]).toBe(record);
    expect(record.Data).toEqual(Buffer.from('hi'));
  });

  it('hands CBOR the original objects: bytes and Date are native there', () => {
    const output = { Records: [{ Data: Buffer.from('x'), ApproximateArrivalTimestamp: new Date(0) }] };
    expect(writeOutput(getRecords, output, cborCodec.leaves)).toBe(output);
  });
});

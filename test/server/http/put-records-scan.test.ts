// The PutRecords scanner must give exactly what JSON.parse plus readInput give, or step aside
// (undefined) so the generic path answers, with AWS's errors. Checked over plain bodies in many
// forms, over bodies it must leave alone, and over thousands of mutated bodies.
import { describe, expect, test } from 'vitest';
import { jsonCodec } from '../../../src/server/http/codecs.js';
import { scanPutRecords } from '../../../src/server/http/put-records-scan.js';
import { readInput } from '../../../src/server/http/shapes.js';
import { targetPrefixes } from '../../../src/server/http/targets.js';
import { rng } from '../../helpers/rng.js';

const tree = targetPrefixes.Kinesis_20131202!.shapes.get('PutRecords')!.input;

/** What the generic path makes of a body, or 'error' where it refuses it. */
function generic(body: Buffer): unknown {
  try {
    return readInput(tree, jsonCodec.decode(body), jsonCodec.leaves);
  } catch {
    return 'error';
  }
}

const json = (v: unknown, indent?: number) => Buffer.from(JSON.stringify(v, null, indent), 'utf8');
const entry = (data: Buffer, key: string, hash?: string) => ({ Data: data.toString('base64'), PartitionKey: key, ...(hash ? { ExplicitHashKey: hash } : {}) });

describe('scanPutRecords', () => {
  const plain: Array<[string, Buffer]> = [
    ['the SDK form', json({ Records: Array.from({ length: 500 }, (_, i) => entry(Buffer.alloc(100, i), `k${i}`)), StreamName: 's' })],
    ['the SDK form mixed with spaced records', Buffer.from('{"Records":[{"Data":"AAEC","PartitionKey":"a"},{ "Data":"AA==","PartitionKey":"b"},{"PartitionKey":"c","Data":"AAE="},{"Data":"","PartitionKey":"d"}],"StreamName":"s"}')],
    ['keys of 1 and 256 characters', json({ StreamName: 's', Records: [entry(Buffer.from('a'), 'k'), entry(Buffer.from('b'), 'K'.repeat(256))] })],
    ['every padding and empty data', json({ StreamName: 's', Records: Array.from({ length: 12 }, (_, i) => entry(Buffer.from(Array.from({ length: i }, (_, j) => (j * 37 + i) & 0xff)), `key-${i}`)) })],
    ['a StreamARN and a StreamId', json({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', StreamId: 'abc', Records: [entry(Buffer.from('x'), 'k')] })],
    ['members in another order, pretty-printed', json({ StreamName: 's', Records: [{ PartitionKey: 'k', Data: 'AAEC' }] }, 2)],
    ['whitespace everywhere', Buffer.from(' \n{ "Records" :\t[ { "Data" : "AAEC" , "PartitionKey" : "k" } ] , "StreamName" : "s" }\r\n ')],
    ['a DEL and a long key', json({ StreamName: 's', Records: [entry(Buffer.from('z'), `a\u007fb${'x'.repeat(250)}`)] })],
    ['1 MiB of data', json({ StreamName: 's', Records: [entry(Buffer.alloc(1 << 20, 7), 'big')] })],
  ];
  test.each(plain)('reads %s exactly as the generic path does', (_name, body) => {
    const scanned = scanPutRecords(body);
    expect(scanned).toBeDefined();
    expect(scanned).toEqual(generic(body));
  });

  const notPlain: Array<[string, string]> = [
    ['an escape in a key', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"a\\"b"}]}'],
    ['a \\u escape in the stream name', '{"StreamName":"\\u0073","Records":[{"Data":"AA==","PartitionKey":"k"}]}'],
    ['an unknown member', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k"}],"Extra":1}'],
    ['an unknown record member', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k","Foo":"x"}]}'],
    ['a repeated member', '{"StreamName":"s","StreamName":"t","Records":[{"Data":"AA==","PartitionKey":"k"}]}'],
    ['a repeated record member', '{"StreamName":"s","Records":[{"Data":"AA==","Data":"AA==","PartitionKey":"k"}]}'],
    ['a missing Data', '{"StreamName":"s","Records":[{"PartitionKey":"k"}]}'],
    ['a missing key', '{"StreamName":"s","Records":[{"Data":"AA=="}]}'],
    ['a number for a key', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":1}]}'],
    ['null for the stream name', '{"StreamName":null,"Records":[{"Data":"AA==","PartitionKey":"k"}]}'],
    ['an empty list', '{"StreamName":"s","Records":[]}'],
    ['an empty object', '{}'],
    ['no Records', '{"StreamName":"s"}'],
    ['a trailing comma', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k"},]}'],
    ['trailing bytes', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k"}]}x'],
    ['a truncated body', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k"}'],
    ['base64 with bits left over', '{"StreamName":"s","Records":[{"Data":"AB==","PartitionKey":"k"}]}'],
    ['base64 with a bad length', '{"StreamName":"s","Records":[{"Data":"AAA","PartitionKey":"k"}]}'],
    ['URL-safe base64', '{"StreamName":"s","Records":[{"Data":"-_-_","PartitionKey":"k"}]}'],
    ['padding inside base64', '{"StreamName":"s","Records":[{"Data":"AA==AAAA","PartitionKey":"k"}]}'],
    ['an escaped quote inside Data', '{"StreamName":"s","Records":[{"Data":"AAA\\"","PartitionKey":"k"}]}'],
    ['a control character in a key', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"a\tb"}]}'],
    ['a byte order mark', '\ufeff{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k"}]}'],
    ['an array at the top', '[{"Data":"AA==","PartitionKey":"k"}]'],
    // Read by the generic path, which checks them, or whose strings differ from the bytes.
    ['an explicit hash key', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"k","ExplicitHashKey":"0"}]}'],
    ['a key in another script', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"ключ"}]}'],
    ['a key with a byte above 0x7f', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"é"}]}'],
    ['an empty key', '{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":""}]}'],
    ['a key of 257 characters', `{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"${'k'.repeat(257)}"}]}`],
    ['501 records', JSON.stringify({ StreamName: 's', Records: Array.from({ length: 501 }, (_, i) => ({ Data: 'AA==', PartitionKey: `k${i}` })) })],
  ];
  test.each(notPlain)('leaves %s to the generic path', (_name, text) => {
    expect(scanPutRecords(Buffer.from(text, 'utf8'))).toBeUndefined();
  });

  test('mutated bodies are either read exactly as the generic path reads them, or left to it', () => {
    const seeds = [plain[1]![1], plain[3]![1], plain[4]![1], plain[6]![1], json({ Records: Array.from({ length: 6 }, (_, i) => entry(Buffer.alloc(i + 1, i), `k${i}`)), StreamName: 's' })];
    const interesting = [0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x3d, 0x2d, 0x5f, 0x20, 0x41, 0x0a, 0x00, 0x7f, 0x80, 0xc3, 0xff, 0x2f, 0x2b];
    const r = rng(0x5eed);
    let scanned = 0;
    for (let i = 0; i < 8000; i++) {
      const base = seeds[i % seeds.length]!;
      const bytes = [...base];
      for (let m = 0; m < 1 + r.int(3); m++) {
        const at = r.int(bytes.length);
        const kind = r.next();
        const byte = r.next() < 0.7 ? r.pick(interesting) : r.int(256);
        if (kind < 0.4) bytes[at] = byte;
        else if (kind < 0.7) bytes.splice(at, 0, byte);
        else if (kind < 0.95) bytes.splice(at, 1);
        else bytes.length = at;
      }
      const body = Buffer.from(bytes);
      const result = scanPutRecords(body);
      if (result === undefined) continue;
      scanned++;
      expect(result, `mutation ${i}: ${body.toString('latin1').slice(0, 200)}`).toEqual(generic(body));
    }
    // Many mutations land in data or keys and leave a plain body: those were compared above.
    expect(scanned).toBeGreaterThan(200);
  });
});

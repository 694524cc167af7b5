// The embedded facade, src/millrace.ts.
import { describe, expect, it } from 'vitest';
import { kinesisActions } from '../src/api/kinesis/index.js';
import { LockedError } from '../src/errors.js';
import { Millrace } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';
import { bytes } from './api/kinesis/helpers.js';

describe('Millrace', () => {
  it('has one camelCased kinesis method per action', async () => {
    const mr = await Millrace.open({ dataDir: tempDir(), retentionIntervalMs: 0 });
    try {
      for (const name of Object.keys(kinesisActions)) {
        expect(typeof (mr.kinesis as unknown as Record<string, unknown>)[name[0]!.toLowerCase() + name.slice(1)]).toBe('function');
      }
      expect(Object.isFrozen(mr.kinesis)).toBe(true);
    } finally {
      await mr.close();
    }
  });

  it('locks its data directory against a second open until closed', async () => {
    const dataDir = tempDir();
    const mr = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    await expect(Millrace.open({ dataDir })).rejects.toBeInstanceOf(LockedError);
    await mr.close();
    const again = await Millrace.open({ dataDir, retentionIntervalMs: 0 });
    await again.close();
  });

  it('exposes metrics and refuses calls after close', async () => {
    const mr = await Millrace.open({ dataDir: tempDir(), retentionIntervalMs: 0 });
    await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('abc'), PartitionKey: 'k' });
    const m = await mr.metrics('s');
    expect(m.StreamARN).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/s');
    expect(m.counters.IncomingBytes).toBe(3);
    expect(m.counters['PutRecord.Success']).toBe(1);
    await mr.close();
    await expect(mr.kinesis.listStreams()).rejects.toMatchObject({ code: 'MR_CLOSED' });
  });
});

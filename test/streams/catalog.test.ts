import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IoError } from '../../src/errors.js';
import { Catalog, CATALOG_FILE } from '../../src/streams/catalog.js';
import { tempDir } from '../helpers/tmp.js';

function sampleStream(name: string, epoch: number) {
  return {
    name,
    epoch,
    createdAt: 1,
    status: 'ACTIVE' as const,
    mode: 'PROVISIONED' as const,
    retentionHours: 24,
    shards: [],
    nextShardIndex: 0,
    encryptionType: 'NONE' as const,
    shardLevelMetrics: [],
    tags: {},
    consumers: [],
    maxRecordSizeKiB: 1024,
    scalingEvents: [],
  };
}

describe('Catalog', () => {
  it('starts empty and round-trips through disk', async () => {
    const dir = tempDir();
    const c = await Catalog.load(dir);
    expect(c.streams).toEqual({});
    const epoch = c.takeEpoch();
    c.streams.a = sampleStream('a', epoch);
    await c.save();
    const again = await Catalog.load(dir);
    expect(again.stream('a')?.epoch).toBe(epoch);
    expect(again.takeEpoch()).toBe(epoch + 1);
  });

  it('does not treat inherited names as streams', async () => {
    const c = await Catalog.load(tempDir());
    expect(c.stream('constructor')).toBeUndefined();
    expect(c.stream('__proto__')).toBeUndefined();
  });

  it('coalesces concurrent saves and persists every change', async () => {
    const dir = tempDir();
    const c = await Catalog.load(dir);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      c.streams[`s${i}`] = sampleStream(`s${i}`, c.takeEpoch());
      saves.push(c.save());
    }
    await Promise.all(saves);
    const onDisk = JSON.parse(readFileSync(join(dir, CATALOG_FILE), 'utf8'));
    expect(Object.keys(onDisk.streams)).toHaveLength(20);
  });

  it('ignores a temp file left by a crash mid-write', async () => {
    const dir = tempDir();
    const c = await Catalog.load(dir);
    c.streams.a = sampleStream('a', c.takeEpoch());
    await c.save();
    writeFileSync(join(dir, `${CATALOG_FILE}.tmp`), '{"format":1,"streams":{"tor');
    const again = await Catalog.load(dir);
    expect(Object.keys(again.streams)).toEqual(['a']);
  });

  it('refuses a corrupt catalog with a typed error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, CATALOG_FILE), '{not json');
    await expect(Catalog.load(dir)).rejects.toBeInstanceOf(IoError);
  });
});

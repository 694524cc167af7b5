import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockedError } from '../../src/errors.js';
import { lockDir } from '../../src/streams/dir-lock.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnChild, type Child } from './helpers/spawn.js';

const children: Child[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.proc.kill('SIGKILL');
    await c.exited;
  }
});

describe('lockDir', () => {
  it('refuses a second holder in the same process until released', async () => {
    const dir = tempDir();
    const lock = await lockDir(dir);
    await expect(lockDir(dir)).rejects.toBeInstanceOf(LockedError);
    await lock.release();
    const again = await lockDir(dir);
    await again.release();
  });

  it('takes over a lock whose owner is dead', async () => {
    const dir = tempDir();
    // pid 2^22 + 1 is above the default pid_max, so no process has it.
    writeFileSync(join(dir, 'LOCK'), JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname(), since: 0 }));
    const lock = await lockDir(dir);
    await lock.release();
  });

  it('gives another live process a typed MR_LOCKED error', async () => {
    const dir = tempDir();
    const child = spawnChild('hold', dir);
    children.push(child);
    await child.waitFor((l) => l === 'ready');
    const err = await lockDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect((err as LockedError).code).toBe('MR_LOCKED');
    expect((err as LockedError).message).toContain(`process ${child.proc.pid}`);
  });

  it('is free again once the holder was SIGKILLed', async () => {
    const dir = tempDir();
    const child = spawnChild('hold', dir);
    children.push(child);
    await child.waitFor((l) => l === 'ready');
    child.proc.kill('SIGKILL');
    await child.exited;
    const lock = await lockDir(dir);
    await lock.release();
  });
});

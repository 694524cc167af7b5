// One process per data directory. The lock is a file named LOCK holding the owner's pid and host,
// created with link(2) so it appears atomically with its content. A lock whose owner is gone (the
// process was SIGKILLed) is stale and is taken over; a live owner, or a second open in the same
// process, gets a LockedError.
import { hostname } from 'node:os';
import { link, readFile, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LockedError } from '../errors.js';

const heldHere = new Set<string>();

interface Owner {
  pid: number;
  host: string;
  since: number;
}

export interface DirLock {
  readonly path: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<{ text: string; owner: Owner | undefined } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return { text, owner: JSON.parse(text) as Owner };
  } catch {
    return { text, owner: undefined };
  }
}

function lockedError(dir: string, owner: Owner | undefined): LockedError {
  const who = owner ? `process ${owner.pid} on ${owner.host}` : 'another process';
  return new LockedError(`data directory ${dir} is in use by ${who}`, { file: join(dir, 'LOCK'), pid: owner?.pid });
}

/** Takes the lock of `dir` (which must exist). */
export async function lockDir(dir: string): Promise<DirLock> {
  const real = await realpath(dir);
  if (heldHere.has(real)) throw lockedError(dir, { pid: process.pid, host: hostname(), since: 0 });
  heldHere.add(real);
  const lockPath = join(real, 'LOCK');
  const mine: Owner = { pid: process.pid, host: hostname(), since: Date.now() };
  const tmp = join(real, `LOCK.${process.pid}.${Math.random().toString(36).slice(2)}`);
  try {
    await writeFile(tmp, JSON.stringify(mine));
    for (let attempt = 0; ; attempt++) {
      try {
        await link(tmp, lockPath);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw lockedError(dir, (await readOwner(lockPath))?.owner);
          throw e;
        }
      }
      const current = await readOwner(lockPath);
      if (!current) continue;
      const { owner } = current;
      // A lock from another host, or one we cannot read, is never presumed stale.
      if (!owner || owner.host !== mine.host || alive(owner.pid)) throw lockedError(dir, owner);
      // Stale: move it aside, and make sure what we moved is the stale lock we inspected, not a
      // fresh lock another process took in the meantime.
      const aside = `${tmp}.stale`;
      try {
        await rename(lockPath, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const moved = await readFile(aside, 'utf8');
      if (moved !== current.text) {
        await link(aside, lockPath).catch(() => undefined);
        await unlink(aside);
        throw lockedError(dir, JSON.parse(moved) as Owner);
      }
      await unlink(aside);
    }
  } catch (e) {
    heldHere.delete(real);
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  let released = false;
  return {
    path: lockPath,
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(real);
      const current = await readOwner(lockPath);
      if (current?.owner?.pid === mine.pid && current.owner.since === mine.since) await unlink(lockPath).catch(() => undefined);
    },
  };
}

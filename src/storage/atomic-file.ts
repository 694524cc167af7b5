// Crash-safe replacement of small metadata files (catalog, keyring.json, datakeys.json, tokens,
// checkpoints): after a crash at any instant the path holds the old or the new content, never a
// mix, and once the promise resolves the new content is durable. Temp file (unique, so concurrent
// writers never share one), fsync, rename over the target, fsync of the directory so the rename
// itself survives.
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { IoError } from '../errors.js';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (cause) {
    await unlink(tmp).catch(() => undefined);
    throw new IoError(`Cannot write ${path}`, { file: path, errno: (cause as NodeJS.ErrnoException).code, cause });
  }
  await syncDir(dirname(path));
}

export async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Removes temp files a crash may have left behind next to `path`. */
export async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await unlink(`${dirname(path)}/${name}`).catch(() => undefined);
  }
}

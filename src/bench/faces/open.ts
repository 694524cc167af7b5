// Opens the face a run asks for, with its own fresh data directory unless one is given: in
// process for embedded/fast, a `millrace serve` child for the network faces.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Millrace } from '../../millrace.js';
import { startServeChild } from '../children.js';
import type { BenchOptions } from '../options.js';
import { embeddedFace, fastFace } from './embedded.js';
import type { BenchFace } from './face.js';
import { sdkFace } from './sdk.js';
import { tcpFace } from './tcp.js';

/**
 * A temporary data directory gets a random root key for its keyring (encrypted benches need one):
 * the data is thrown away, and the public development key would print its warning mid-run. A
 * directory the user named keeps the usual MILLRACE_ROOT_KEY resolution, so it stays readable.
 */
function throwawayKey(o: BenchOptions): { keyring?: { rootKey: Buffer } } {
  return o.dataDir === undefined ? { keyring: { rootKey: randomBytes(32) } } : {};
}

function throwawayKeyEnv(o: BenchOptions): Record<string, string> | undefined {
  return o.dataDir === undefined ? { MILLRACE_ROOT_KEY: randomBytes(32).toString('hex') } : undefined;
}

export async function openFace(o: BenchOptions): Promise<BenchFace> {
  const temporary = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'millrace-bench-'));
  const removeDir = async () => {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    return await open(o, dataDir, removeDir);
  } catch (err) {
    await removeDir();
    throw err;
  }
}

async function open(o: BenchOptions, dataDir: string, removeDir: () => Promise<void>): Promise<BenchFace> {
  switch (o.face) {
    case 'embedded':
    case 'fast': {
      // Throttling off: the bench measures the engine, not AWS's provisioned per-shard limits.
      const mr = await Millrace.open({ dataDir, throttling: false, retentionIntervalMs: 0, log: { durability: o.durability }, ...throwawayKey(o) });
      const face = o.face === 'embedded' ? embeddedFace(mr) : fastFace(mr);
      return { ...face, close: async () => (await face.close(), removeDir()) } as BenchFace;
    }
    case 'http': {
      const server = await startServeChild({ dataDir, durability: o.durability, throttling: false, env: throwawayKeyEnv(o) });
      try {
        return await sdkFace({ endpoint: server.url, http: o.http, name: 'http', onClose: async () => (await server.stop(), removeDir()) });
      } catch (err) {
        await server.stop();
        throw err;
      }
    }
    case 'tcp': {
      const server = await startServeChild({ dataDir, durability: o.durability, throttling: false, tcp: true, env: throwawayKeyEnv(o) });
      try {
        return await tcpFace(server.tcpPort!, async () => (await server.stop(), removeDir()));
      } catch (err) {
        await server.stop();
        throw err;
      }
    }
  }
}

// `millrace serve`: one Millrace over a data directory, behind its network faces. Startup and
// shutdown order matter: the engine opens (and locks the directory) before any listener accepts,
// and on SIGINT/SIGTERM the listeners stop accepting and drain before the engine syncs and closes,
// so no acknowledged request is cut off and no request reaches a closed engine.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { pino, type Logger as PinoLogger } from 'pino';
import { Millrace, type MillraceOptions } from '../millrace.js';
import { createServer, serveMillrace, type ServerAddress } from '../server/http/index.js';
import { createTcpServer, DEFAULT_TCP_PORT, type TcpServer, type TcpServerAddress } from '../server/tcp/index.js';
import type { Durability } from '../storage/types.js';
import { gcMode } from './gc-mode.js';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  tlsCert?: string;
  tlsKey?: string;
  /** ACCESS_KEY_ID:SECRET pairs; none means any well-formed signature is accepted. */
  credentials: Array<{ accessKeyId: string; secretAccessKey: string }>;
  region: string;
  accountId: string;
  createDelayMs: number;
  deleteDelayMs: number;
  updateDelayMs: number;
  shardLimit: number;
  throttling: boolean;
  durability: Durability;
  logLevel: string;
  /** Port of the TCP binary protocol (default 4568; 0 picks a free one). */
  tcpPort?: number;
  /** false: HTTP only (--no-tcp). */
  tcp?: boolean;
}

export interface RunningServer {
  readonly http: ServerAddress;
  /** The TCP binary protocol's address, unless --no-tcp. */
  readonly tcp: TcpServerAddress | undefined;
  readonly logger: PinoLogger;
  /** Stops accepting, drains in-flight requests, then syncs and closes the engine. */
  close(): Promise<void>;
}

export async function startServe(o: ServeOptions, logger: PinoLogger = pino({ name: 'millrace', level: o.logLevel })): Promise<RunningServer> {
  const tls = o.tlsCert || o.tlsKey ? loadTls(o.tlsCert, o.tlsKey) : undefined;
  const engineOptions: MillraceOptions = {
    dataDir: o.dataDir,
    region: o.region,
    accountId: o.accountId,
    createStreamDelayMs: o.createDelayMs,
    deleteStreamDelayMs: o.deleteDelayMs,
    updateStreamDelayMs: o.updateDelayMs,
    consumerDelayMs: o.createDelayMs,
    shardLimit: o.shardLimit,
    throttling: o.throttling,
    log: { durability: o.durability },
  };
  const mr = await Millrace.open(engineOptions);
  const http = createServer({
    ...serveMillrace(mr),
    host: o.host,
    port: o.port,
    region: o.region,
    accountId: o.accountId,
    ...(o.credentials.length > 0 ? { credentials: o.credentials } : {}),
    ...(tls ? { tls } : {}),
    logger,
  });
  // Same listener configuration as HTTP: host, TLS certificate, credentials (HMAC on this face).
  const tcp: TcpServer | undefined =
    o.tcp !== false
      ? createTcpServer({
          millrace: mr,
          host: o.host,
          port: o.tcpPort ?? DEFAULT_TCP_PORT,
          ...(o.credentials.length > 0 ? { credentials: o.credentials } : {}),
          ...(tls ? { tls } : {}),
          logger,
        })
      : undefined;
  let address: ServerAddress;
  let tcpAddress: TcpServerAddress | undefined;
  try {
    address = await http.listen();
    tcpAddress = await tcp?.listen();
  } catch (err) {
    await http.close();
    await mr.close();
    throw err;
  }
  logger.info(
    {
      url: address.url,
      tcp: tcpAddress ? `${tcpAddress.host}:${tcpAddress.port}` : 'off',
      dataDir: o.dataDir,
      durability: o.durability,
      throttling: o.throttling,
      auth: o.credentials.length > 0 ? 'sigv4' : 'any-signature',
      v8Gc: gcMode(),
    },
    'millrace listening',
  );
  let closing: Promise<void> | undefined;
  return {
    http: address,
    tcp: tcpAddress,
    logger,
    close() {
      closing ??= (async () => {
        try {
          await Promise.all([http.close(), tcp?.close()]);
        } finally {
          await mr.close();
        }
        logger.info({}, 'millrace stopped');
      })();
      return closing;
    },
  };
}

function loadTls(cert: string | undefined, key: string | undefined): { cert: Buffer; key: Buffer } {
  if (!cert || !key) throw new Error('--tls-cert and --tls-key go together: give both files');
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

/**
 * V8's heap growing factor for the server process, as (1 + percent / 100). The server's live heap
 * is small (~11 MB) while its request paths allocate fast, and with V8's own factor the old
 * generation's limit stays within one young generation (16 MB) of its size: V8 then starts
 * incremental marking after nearly every scavenge. Under PutRecords load that was ~13 full
 * collections a second and a third of the main thread; with a factor of 5, one every few seconds
 * (bench/RESULTS.md, bench/http-replay.mjs). Set for the `serve` process only: a library does not
 * change its host's flags.
 */
export const SERVE_HEAP_GROWING_PERCENT = 400;

/** Runs until SIGINT/SIGTERM; a second signal exits at once. */
export async function runServe(o: ServeOptions): Promise<void> {
  // Read by V8 each time it sets the next limit, so it applies from the first collection on.
  v8.setFlagsFromString(`--heap-growing-percent=${SERVE_HEAP_GROWING_PERCENT}`);
  const server = await startServe(o);
  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        server.logger.warn({ signal }, 'second signal: exiting without draining');
        process.exit(130);
      }
      stopping = true;
      server.logger.info({ signal }, 'shutting down: draining requests, syncing logs');
      server.close().then(resolve, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

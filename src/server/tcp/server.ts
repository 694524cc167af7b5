// The TCP face of one Millrace: a listener (plain or TLS from the first byte), the connection cap,
// the server-wide limit on request bytes in processing, and graceful shutdown.
//
//   const server = createTcpServer({ millrace: mr, port: 4568 });
//   const { port } = await server.listen();
//   ...
//   await server.close();   // GoAway to every client, in-flight requests answered, then closed
import * as net from 'node:net';
import * as tls from 'node:tls';
import { FrameWriter, WireErrorCode } from '../../protocol/index.js';
import { adoptAccepted } from '../../storage/socket-adopt.js';
import { BufferPool } from '../../core/buffer-pool.js';
import { CheckpointStore } from './checkpoints.js';
import { Connection, type ConnectionHost } from './connection.js';
import { DEFAULT_TCP_PORT, resolveLimits, type Logger, type TcpLimits, type TcpServerOptions } from './options.js';

export interface TcpServerAddress {
  host: string;
  port: number;
}

export interface TcpServerStats {
  connections: number;
  /** Unanswered requests over all connections. */
  inFlight: number;
  /** Request bytes being processed over all connections. */
  inFlightBytes: number;
  /** Unsent response and push bytes over all connections, now. */
  bufferedBytes: number;
  /** The largest unsent output any one connection has had. */
  maxBufferedBytesSeen: number;
  /** Request bodies split across reads: buffers allocated, and taken again from the pool. */
  bodyBuffers: { allocated: number; reused: number };
}

export interface TcpServer {
  listen(): Promise<TcpServerAddress>;
  /** Graceful: stop accepting, GoAway to clients, answer what they sent, close. */
  close(): Promise<void>;
  readonly address: TcpServerAddress | undefined;
  readonly limits: TcpLimits;
  stats(): TcpServerStats;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function createTcpServer(options: TcpServerOptions): TcpServer {
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? silent;
  const connections = new Set<Connection>();
  const blocked = new Set<Connection>();
  let maxBufferedBytesSeen = 0;
  let address: TcpServerAddress | undefined;
  let closing: Promise<void> | undefined;

  const host: ConnectionHost = {
    mr: options.millrace,
    limits,
    checkpoints: new CheckpointStore(options.millrace.dataDir),
    credentials: new Map((options.credentials ?? []).map((c) => [c.accessKeyId, c.secretAccessKey])),
    serverName: options.serverName ?? 'millrace',
    logger,
    // Room for every body the server-wide limit lets be in processing at once: a smaller pool
    // turns each body past its size into a fresh allocation, and those into full collections.
    bodyPool: new BufferPool({ maxBuffers: 1024, maxBytes: limits.maxServerInFlightBytes }),
    inFlightBytes: 0,
    blockOnServer(c) {
      blocked.add(c);
    },
    released() {
      if (blocked.size === 0 || host.inFlightBytes >= limits.maxServerInFlightBytes) return;
      const waiting = [...blocked];
      blocked.clear();
      for (const c of waiting) c.pump();
    },
    noteBuffered(bytes) {
      if (bytes > maxBufferedBytesSeen) maxBufferedBytesSeen = bytes;
    },
    closed(c) {
      connections.delete(c);
      blocked.delete(c);
    },
  };

  const accept = (socket: net.Socket) => {
    if (closing || connections.size >= limits.maxConnections) {
      // Told why, so that the client backs off instead of retrying at once.
      const w = new FrameWriter().push('GoAway', 0, {
        code: closing ? WireErrorCode.MR_SHUTTING_DOWN : WireErrorCode.MR_BUSY,
        message: closing ? 'the server is shutting down' : `the server is at its limit of ${limits.maxConnections} connections`,
      });
      socket.on('error', () => undefined);
      // Read and drop whatever the client sends, so its close is seen at once.
      socket.resume();
      socket.end(w.flush());
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    const c = options.tls
      ? new Connection(socket, host)
      : new Connection((onread) => {
          // Plain TCP: reads land in the frames' own buffers (storage/socket-adopt.ts).
          const own = adoptAccepted(socket, onread);
          if (own) return { socket: own, byob: true };
          socket.resume();
          return { socket, byob: false };
        }, host);
    connections.add(c);
  };

  // Plain sockets start paused: one that is adopted must not have read anything yet.
  const listener = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key }, accept)
    : net.createServer({ noDelay: true, pauseOnConnect: true }, accept);
  if (options.tls) (listener as tls.Server).on('tlsClientError', (err) => logger.debug({ err: err.message }, 'tcp: tls client error'));

  return {
    limits,
    get address() {
      return address;
    },
    stats() {
      let inFlight = 0;
      let bufferedBytes = 0;
      for (const c of connections) {
        inFlight += c.inFlight;
        bufferedBytes += c.outbox.bufferedBytes;
      }
      const { allocated, reused } = host.bodyPool;
      return { connections: connections.size, inFlight, inFlightBytes: host.inFlightBytes, bufferedBytes, maxBufferedBytesSeen, bodyBuffers: { allocated, reused } };
    },
    listen() {
      return new Promise<TcpServerAddress>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(options.port ?? DEFAULT_TCP_PORT, options.host ?? '127.0.0.1', () => {
          listener.off('error', reject);
          const a = listener.address() as net.AddressInfo;
          address = { host: a.address, port: a.port };
          logger.info({ ...address, tls: !!options.tls, auth: host.credentials.size > 0 }, 'tcp: listening');
          resolve(address);
        });
      });
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        const closed = [...connections].map((c) => new Promise<void>((resolve) => c.socket.once('close', () => resolve())));
        for (const c of connections) c.goAway('the server is shutting down');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, limits.shutdownTimeoutMs)))]);
        clearTimeout(timer);
        for (const c of connections) c.destroy();
        await stopped;
        logger.info({}, 'tcp: closed');
      })();
      return closing;
    },
  };
}

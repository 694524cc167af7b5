// The Kinesis-compatible HTTP server: HTTP/1.1, HTTP/2 with prior knowledge (h2c) and, with a
// certificate, TLS with ALPN (h2, http/1.1) — all on one port. A plain TCP listener looks at the
// first bytes of each connection and hands the socket to the server that speaks them:
//
//   0x16 (TLS handshake record)           -> TLS server (HTTP/2 or HTTP/1.1 by ALPN)
//   "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"    -> HTTP/2 cleartext server (the AWS SDK v3's default for http://)
//   anything else                         -> HTTP/1.1 server
//
// Node's http2.createServer cannot answer HTTP/1.1 without TLS (allowHTTP1 needs ALPN), hence the
// sniffing. Shutdown is graceful: stop accepting, end event streams, let in-flight requests finish,
// then close what is left.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { deferAccept, peekAccepted } from '../../storage/socket-adopt.js';
import { createHandler, type Dispatch, type HandlerConfig, type Logger, type RequestLike, type ResponseLike } from './handler.js';
import { targetPrefixes, type ServiceName } from './targets.js';

export interface HttpServerOptions {
  /** Calls the AWS-shaped operations (see RequestContext and Dispatch in handler.ts). */
  readonly dispatch: Dispatch;
  /** Actions answered per service; default: every Kinesis action, no Firehose action. */
  readonly actions?: Partial<Record<ServiceName, Iterable<string>>>;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 4567; 0 picks a free port. */
  readonly port?: number;
  /** Serve TLS (h2 and http/1.1 by ALPN). Plaintext on the same port only if allowPlaintext. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer; readonly allowPlaintext?: boolean };
  /** Access keys whose signatures are verified. None: any well-formed signature is accepted. */
  readonly credentials?: ReadonlyArray<{ readonly accessKeyId: string; readonly secretAccessKey: string }>;
  /** Default us-east-1: used in ARNs, and required in credential scopes when credentials are set. */
  readonly region?: string;
  /** Default 000000000000. */
  readonly accountId?: string;
  /** Largest request body accepted (413 beyond). Default 16 MiB: a 10 MiB record, base64-encoded. */
  readonly maxBodyBytes?: number;
  /** Allowed clock skew of signatures. Default 5 minutes, as AWS. */
  readonly maxSkewMs?: number;
  /**
   * Close HTTP/2 sessions and HTTP/1.1 keep-alive connections with no request for this long.
   * Default 60 s. Open SubscribeToShard streams are never idle: they carry events or heartbeats.
   */
  readonly idleTimeoutMs?: number;
  /** Give up waiting for in-flight requests after this long at close(). Default 10 s. */
  readonly shutdownTimeoutMs?: number;
  /** A pino logger (or anything with its four methods). Default: silent. */
  readonly logger?: Logger;
}

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** http:// or https:// URL to use as the SDK's endpoint. */
  readonly url: string;
}

export interface HttpServer {
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<ServerAddress>;
  /** Graceful shutdown; resolves when every connection is closed. */
  close(): Promise<void>;
  readonly address: ServerAddress | undefined;
}

export const DEFAULT_PORT = 4567;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const SNIFF_TIMEOUT_MS = 30_000;
/** How long the kernel holds a connection that has sent nothing before handing it over anyway. */
const DEFER_ACCEPT_SECONDS = 5;
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const TLS_HANDSHAKE = 0x16;
/** HTTP/2 flow-control windows: the 64 KiB default throttles multi-megabyte PutRecords bodies. */
const H2_WINDOW = 16 * 1024 * 1024;

/** Waits for all of `promises`, or `ms`, whichever comes first. */
async function settle(promises: Array<Promise<void>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(promises), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function createServer(options: HttpServerOptions): HttpServer {
  const logger = options.logger ?? silent;
  const host = options.host ?? '127.0.0.1';
  const actions = new Map<ServiceName, ReadonlySet<string>>();
  for (const entry of Object.values(targetPrefixes)) {
    actions.set(entry.name, new Set(options.actions?.[entry.name] ?? entry.defaultActions));
  }
  const config: HandlerConfig = {
    dispatch: options.dispatch,
    actions,
    sigv4: {
      credentials: new Map((options.credentials ?? []).map((c) => [c.accessKeyId, c.secretAccessKey])),
      region: options.region ?? 'us-east-1',
      maxSkewMs: options.maxSkewMs,
    },
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    logger,
  };

  let closing = false;
  let address: ServerAddress | undefined;
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  const inFlight = new Set<Promise<void>>();
  const streams = new Set<AbortController>();
  const handle = createHandler(config, {
    closing: () => closing,
    streams,
    track(done) {
      const p = done.catch((err: unknown) => logger.error({ err }, 'request handler failed'));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  });
  const onRequest = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) =>
    handle(req as unknown as RequestLike, res as unknown as ResponseLike);

  const h2Settings: http2.Settings = { initialWindowSize: H2_WINDOW, maxFrameSize: 1 << 20 };
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const h1 = http.createServer({ keepAliveTimeout: idleTimeoutMs }, onRequest);
  const h2c = http2.createServer({ settings: h2Settings, maxSessionMemory: 64 }, onRequest);
  const tlsServer = options.tls
    ? http2.createSecureServer(
        { cert: options.tls.cert, key: options.tls.key, allowHTTP1: true, settings: h2Settings, maxSessionMemory: 64 },
        onRequest,
      )
    : undefined;

  for (const server of [h2c, tlsServer]) {
    if (!server) continue;
    server.on('session', (session: http2.ServerHttp2Session) => {
      sessions.add(session);
      session.once('close', () => sessions.delete(session));
      session.on('error', (err) => logger.debug({ err }, 'http2 session error'));
      // The connection-level window starts at 64 KiB whatever SETTINGS say; raise it at once so a
      // large first request does not wait a round trip for a WINDOW_UPDATE.
      session.setLocalWindowSize(H2_WINDOW);
      // Without this a client that opens a session and goes quiet holds it (and its socket) for
      // ever; close() sends GOAWAY, so a client with a request in flight is not cut off.
      if (idleTimeoutMs > 0) session.setTimeout(idleTimeoutMs, () => session.close());
      if (closing) session.close();
    });
    server.on('sessionError', (err) => logger.debug({ err }, 'http2 session error'));
  }
  h1.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    logger.debug({ err: err.message, code: err.code }, 'http/1.1 client error');
    if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  tlsServer?.on('tlsClientError', (err) => logger.debug({ err: err.message }, 'tls client error'));

  const allowPlaintext = !options.tls || options.tls.allowPlaintext === true;
  // noDelay: the HTTP servers would set it on sockets they accept themselves; these come from here,
  // and Nagle's algorithm would hold back small HTTP/2 frames behind unacknowledged ones.
  // pauseOnConnect: nothing reads a connection before route() has picked its server.
  const listener = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => route(socket));
  const peeked = Buffer.allocUnsafe(PREFACE.length);

  /** The server for a connection that starts with `head`: undefined until it can tell, null to refuse. */
  function serverFor(head: Buffer): net.Server | null | undefined {
    if (head.length === 0) return undefined;
    if (head[0] === TLS_HANDSHAKE) return tlsServer ?? null;
    if (!allowPlaintext) return null;
    const n = Math.min(head.length, PREFACE.length);
    if (!head.subarray(0, n).equals(PREFACE.subarray(0, n))) return h1;
    return n < PREFACE.length ? undefined : h2c;
  }

  function route(socket: net.Socket): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', (err) => logger.debug({ err: err.message }, 'socket error'));
    if (closing) {
      socket.destroy();
      return;
    }
    // The first bytes are usually there already (the listener defers accept until they are):
    // looked at in place, they are read by the chosen server itself, natively for HTTP/2. Reading
    // them here costs each connection a read of up to 64 KiB through JS and copies back into
    // HTTP/2, most of a PutRecords body with the SDK's session per request (bench/RESULTS.md).
    const server = serverFor(peeked.subarray(0, peekAccepted(socket, peeked)));
    if (server === null) return void socket.destroy();
    if (server) return hand(socket, server, false);
    // Not enough yet: read until the server can be told, then give the bytes back.
    socket.setTimeout(SNIFF_TIMEOUT_MS, () => socket.destroy());
    let seen: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      seen = seen ? Buffer.concat([seen, chunk]) : chunk;
      const chosen = serverFor(seen);
      if (chosen === null) return void socket.destroy();
      if (!chosen) return; // wait for the rest of the preface
      socket.off('data', onData);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(seen);
      hand(socket, chosen, true);
    };
    socket.on('data', onData);
    socket.resume();
  }

  function hand(socket: net.Socket, server: net.Server, gaveBack: boolean): void {
    server.emit('connection', socket);
    // The HTTP/1.1 server reads through 'data' events, which a paused socket does not emit.
    if (server === h1) socket.resume();
    // HTTP/2 and TLS consume the handle natively, and read what was given back on their next tick
    // (resuming would flush those bytes to nobody). A handle nothing has read yet must be started:
    // read(0) starts it, as net.Socket does for the sockets it does not create paused.
    else if (!gaveBack) socket.read(0);
  }

  return {
    get address() {
      return address;
    },
    listen() {
      return new Promise<ServerAddress>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(options.port ?? DEFAULT_PORT, host, () => {
          listener.off('error', reject);
          const bound = listener.address() as net.AddressInfo;
          const scheme = options.tls ? 'https' : 'http';
          const urlHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
          address = { host: bound.address, port: bound.port, url: `${scheme}://${urlHost}:${bound.port}` };
          // Every protocol served here has the client speak first (see route()).
          deferAccept(listener, DEFER_ACCEPT_SECONDS);
          logger.info({ url: address.url, tls: !!options.tls }, 'listening');
          resolve(address);
        });
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      logger.info({ inFlight: inFlight.size, streams: streams.size }, 'shutting down');
      const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
      for (const abort of streams) abort.abort(new Error('server shutting down'));
      for (const session of sessions) session.close();
      h1.closeIdleConnections();
      await settle([...inFlight], options.shutdownTimeoutMs ?? 10_000);
      // HTTP/2 sessions close by themselves once their last stream has flushed (after GOAWAY).
      await settle([...sessions].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve()))), 1000);
      for (const session of sessions) session.destroy();
      // What is left is idle keep-alive or a client that would not let go: end (flushing what was
      // written), then destroy whatever has not closed shortly after.
      const closed = [...sockets].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
      for (const socket of sockets) socket.end();
      await settle(closed, 1000);
      for (const socket of sockets) socket.destroy();
      await stopped;
      logger.info({}, 'closed');
    },
  };
}

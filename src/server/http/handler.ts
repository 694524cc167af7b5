// One request, whatever carried it (HTTP/1.1, h2c, h2 over TLS): CORS, body limit, routing by
// X-Amz-Target, decoding, SigV4, dispatch, encoding, errors. The checks run in the order AWS runs
// them (recorded in kinesalite's connection tests): method, content type, body, target, signature.
import { randomFillSync, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { codecFor, jsonCodec, type WireCodec } from './codecs.js';
import { isServerFault, toWireError, WireError, wireErrors } from './errors.js';
import { EVENT_STREAM_CONTENT_TYPE, eventMessage, exceptionMessage } from './event-stream.js';
import { readInput, writeOutput, type CompiledShape } from './shapes.js';
import { verifySigV4, type SigV4Config, type SigV4Identity } from './sigv4.js';
import { parseTarget, type ServiceName } from './targets.js';

/** What the operation sees of the request it serves. */
export interface RequestContext {
  readonly requestId: string;
  readonly service: ServiceName;
  readonly action: string;
  /** Who signed the request (in open mode: whoever claimed to). */
  readonly identity: SigV4Identity;
  /** The server's region and account, for ARNs. */
  readonly region: string;
  readonly accountId: string;
  /** Aborted when the client goes away or the server shuts down an event stream. */
  readonly signal: AbortSignal;
  readonly httpVersion: '1.1' | '2';
  readonly remoteAddress: string | undefined;
}

/**
 * Calls one AWS-shaped operation. `input` has blobs as Uint8Array and timestamps as Date. For an
 * event-stream action the result holds an AsyncIterable of events in its stream member (or is the
 * iterable itself); an error thrown while iterating is sent as an exception event.
 */
export type Dispatch = (
  service: ServiceName,
  action: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
) => Promise<unknown>;

/** The subset of pino's Logger the server uses; pass a pino logger. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface HandlerConfig {
  readonly dispatch: Dispatch;
  /** Actions answered per service; anything else is an UnknownOperationException. */
  readonly actions: ReadonlyMap<ServiceName, ReadonlySet<string>>;
  readonly sigv4: SigV4Config;
  readonly maxBodyBytes: number;
  readonly region: string;
  readonly accountId: string;
  readonly logger: Logger;
}

// What the handler needs of a request and a response: Node's HTTP/1.1 and HTTP/2 compatibility
// objects both fit.
export interface RequestLike extends AsyncIterable<Buffer> {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly httpVersionMajor: number;
  readonly socket: { readonly remoteAddress?: string } | null;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'end' | 'close' | 'error', listener: () => void): unknown;
  resume(): unknown;
  readonly readableEnded: boolean;
}

export interface ResponseLike {
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array): unknown;
  once(event: 'drain' | 'close' | 'finish', listener: () => void): unknown;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
}

/** Hooks the server uses for graceful shutdown. */
export interface HandlerHooks {
  /** True once the server is closing: HTTP/1.1 responses then say `Connection: close`. */
  readonly closing: () => boolean;
  /** Every request, from its start to its response being finished or abandoned. */
  readonly track: (done: Promise<void>) => void;
  /** Event streams are aborted at shutdown rather than waited for. */
  readonly streams: Set<AbortController>;
}

const CORS_EXPOSE = 'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';

export function createHandler(config: HandlerConfig, hooks: HandlerHooks) {
  return function handle(req: RequestLike, res: ResponseLike): void {
    hooks.track(serve(config, hooks, req, res));
  };
}

async function serve(config: HandlerConfig, hooks: HandlerHooks, req: RequestLike, res: ResponseLike): Promise<void> {
  const started = performance.now();
  // A client reset surfaces as an 'error' on the request; it must never be unhandled.
  req.on('error', () => {});
  const requestId = randomUUID();
  const origin = req.headers.origin;
  const method = req.method ?? '';
  res.setHeader('x-amzn-RequestId', requestId);
  if (origin) res.setHeader('Access-Control-Allow-Origin', '*');
  // Once the server is closing, HTTP/1.1 answers end their connection (HTTP/2 sessions get GOAWAY).
  // Checked again just before the status line, for requests that were in flight when it began.
  const beforeHead = () => {
    if (req.httpVersionMajor === 1 && hooks.closing() && !res.headersSent) res.setHeader('Connection', 'close');
  };

  if (method === 'OPTIONS' && origin) {
    beforeHead();
    return preflight(req, res);
  }
  res.setHeader('x-amz-id-2', hostId());
  if (origin) res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE);

  const log = { requestId, method, target: req.headers['x-amz-target'], http: req.httpVersionMajor };
  let codec: WireCodec = jsonCodec;
  try {
    if (method !== 'POST') throw denied(req);
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > config.maxBodyBytes) throw wireErrors.tooLarge(config.maxBodyBytes);

    const target = parseTarget(singleHeader(req.headers['x-amz-target']));
    const known = target !== undefined && (config.actions.get(target.service.name)?.has(target.action) ?? false);
    const requestCodec = codecFor(singleHeader(req.headers['content-type']));
    if (!requestCodec) {
      req.resume();
      throw target ? wireErrors.unknownOperationNoCodec() : wireErrors.accessDenied();
    }
    codec = requestCodec;

    const body = await readBody(req, config.maxBodyBytes);
    if (body === undefined) return; // the client went away
    // The time after the body, apart from the whole: a slow sender is not a slow server.
    const bodyRead = performance.now();
    if (body.length === 0) throw known ? wireErrors.serialization() : wireErrors.unknownOperation();
    // Only a request the generic path would accept whole is scanned, so checks keep their order.
    const scanned = known ? codec.scanInput?.(target.service.name, target.action, body) : undefined;
    const raw = scanned ?? codec.decode(body);
    if (!known) throw wireErrors.unknownOperation();

    const identity = verifySigV4(
      { method, url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      target.service.signingName,
      config.sigv4,
    );
    const shape = target.service.shapes.get(target.action);
    const input = scanned ?? (readInput(shape?.input, raw, codec.leaves) as Record<string, unknown>);

    const abort = new AbortController();
    const ctx: RequestContext = {
      requestId,
      service: target.service.name,
      action: target.action,
      identity,
      region: config.region,
      accountId: config.accountId,
      signal: abort.signal,
      httpVersion: req.httpVersionMajor === 2 ? '2' : '1.1',
      // A getter: the peer's address is a system call per connection, and no operation asks for it yet.
      get remoteAddress() {
        return req.socket?.remoteAddress;
      },
    };
    res.once('close', () => {
      if (!res.writableEnded) abort.abort(new Error('client closed the connection'));
    });

    if (shape?.eventStream) {
      hooks.streams.add(abort);
      if (hooks.closing()) abort.abort(new Error('server shutting down'));
      try {
        const output = await config.dispatch(target.service.name, target.action, input, ctx);
        beforeHead();
        await streamEvents(res, codec, shape, output, abort.signal, config.logger, log);
      } finally {
        hooks.streams.delete(abort);
      }
    } else {
      const output = await config.dispatch(target.service.name, target.action, input, ctx);
      const payload = codec.encodeOutput(shape?.output, output ?? {});
      beforeHead();
      res.writeHead(200, { 'Content-Type': codec.contentType, 'Content-Length': payload.length });
      res.end(payload);
    }
    config.logger.debug({ ...log, status: 200, ms: elapsed(started), afterBodyMs: elapsed(bodyRead) }, 'request');
  } catch (err) {
    const wire = toWireError(err);
    if (isServerFault(wire)) config.logger.error({ ...log, err: wire.cause ?? wire, type: wire.type }, 'request failed');
    else config.logger.debug({ ...log, status: wire.statusCode, type: wire.type, ms: elapsed(started) }, 'request rejected');
    beforeHead();
    sendError(res, codec, wire);
  }
}

/** x-amz-id-2's 72 random bytes, drawn from a block filled 128 requests at a time (one call into OpenSSL, not one per request). */
const HOST_ID_BYTES = 72;
const hostIds = Buffer.alloc(HOST_ID_BYTES * 128);
let hostIdAt = hostIds.length;

function hostId(): string {
  if (hostIdAt === hostIds.length) {
    randomFillSync(hostIds);
    hostIdAt = 0;
  }
  hostIdAt += HOST_ID_BYTES;
  return hostIds.toString('base64', hostIdAt - HOST_ID_BYTES, hostIdAt);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

function singleHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * AWS's answer to anything but POST: no credentials -> missing token, else access denied, both 403.
 * (AWS words these, and the no-content-type cases, as XML; the JSON form here reads the same to
 * the SDKs, which take `__type` from either.)
 */
function denied(req: RequestLike): WireError {
  req.resume();
  const signed = req.headers.authorization !== undefined || (req.url ?? '').includes('X-Amz-Algorithm');
  if (!signed) return new WireError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  return wireErrors.accessDenied();
}

function preflight(req: RequestLike, res: ResponseLike): void {
  req.resume();
  const headers: OutgoingHttpHeaders = { 'Access-Control-Max-Age': 172800, 'Content-Length': 0 };
  const requestHeaders = singleHeader(req.headers['access-control-request-headers']);
  const requestMethod = singleHeader(req.headers['access-control-request-method']);
  if (requestHeaders) headers['Access-Control-Allow-Headers'] = requestHeaders;
  if (requestMethod) headers['Access-Control-Allow-Methods'] = requestMethod;
  res.writeHead(200, headers);
  res.end();
}

function sendError(res: ResponseLike, codec: WireCodec, err: WireError): void {
  if (res.writableEnded) return;
  if (res.headersSent) {
    // Too late for a status line (an event stream was already answering): just end it.
    res.end();
    return;
  }
  // AWS leaves `message` out when it has none (SerializationException, UnknownOperationException).
  const payload = codec.encode(err.message ? { __type: err.type, message: err.message } : { __type: err.type });
  res.writeHead(err.statusCode, {
    'Content-Type': codec.contentType,
    'Content-Length': payload.length,
    'x-amzn-ErrorType': err.type,
  });
  res.end(payload);
}

/**
 * Reads the whole body, refusing it as soon as it passes `limit` (before buffering it). Resolves
 * undefined when the client aborts. What is left unread after a refusal is discarded by Node.
 */
function readBody(req: RequestLike, limit: number): Promise<Buffer | undefined> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.resume();
        reject(wireErrors.tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onGone = () => {
      done();
      resolve(undefined);
    };
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onGone);
      req.off('error', onGone);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onGone);
    req.on('error', onGone);
  });
}

/**
 * Answers an event-stream operation: 200 with `initial-response`, one message per event, and an
 * exception message if the stream fails. Backpressure: waits for 'drain' when the socket is full.
 */
async function streamEvents(
  res: ResponseLike,
  codec: WireCodec,
  shape: CompiledShape,
  output: unknown,
  signal: AbortSignal,
  logger: Logger,
  log: object,
): Promise<void> {
  const member = shape.eventStream!.member;
  const { events, initial } = splitStream(output, member);
  res.writeHead(200, { 'Content-Type': EVENT_STREAM_CONTENT_TYPE });
  // Node sends headers lazily; flush them so the client sees the stream start before the first event.
  (res as { flushHeaders?: () => void }).flushHeaders?.();
  const write = async (msg: Buffer) => {
    if (!res.write(msg) && !signal.aborted) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  };
  await write(eventMessage('initial-response', codec.contentType, codec.encode(initial)));
  // A pending next() cannot be cancelled, so race it with the abort signal: shutdown and client
  // disconnects end the response at once, and return() tells the operation to stop.
  const iterator = events[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  let finished = false;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted') break;
      if (next.done) {
        finished = true;
        break;
      }
      const event = next.value;
      const type = unionMember(event);
      const tree = shape.eventStream!.events.get(type);
      const payload = codec.encode(writeOutput(tree, (event as Record<string, unknown>)[type], codec.leaves));
      await write(eventMessage(type, codec.contentType, payload));
    }
  } catch (err) {
    finished = true; // a throwing iterator is done
    if (!signal.aborted) {
      const wire = toWireError(err);
      if (isServerFault(wire)) logger.error({ ...log, err: wire.cause ?? wire, type: wire.type }, 'event stream failed');
      await write(exceptionMessage(wire.type, codec.contentType, codec.encode({ message: wire.message })));
    }
  } finally {
    // Stopped early (abort, or a failed write): tell the operation, so it releases the subscription.
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
  }
  if (!res.writableEnded) res.end();
}

function splitStream(output: unknown, member: string): { events: AsyncIterable<unknown>; initial: Record<string, unknown> } {
  if (isAsyncIterable(output)) return { events: output, initial: {} };
  if (output && typeof output === 'object') {
    const { [member]: events, ...initial } = output as Record<string, unknown>;
    if (isAsyncIterable(events)) return { events, initial };
  }
  throw wireErrors.internal(new TypeError(`event-stream operation returned no AsyncIterable in ${member}`));
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** The one member of an event union object: `{ SubscribeToShardEvent: {...} }`. */
function unionMember(event: unknown): string {
  if (event && typeof event === 'object') {
    for (const key of Object.keys(event)) if (key !== '__type') return key;
  }
  throw wireErrors.internal(new TypeError('event-stream event is not a union member object'));
}


// The HTTP face: Kinesis-compatible AWS JSON 1.1 / CBOR / event streams over HTTP/1.1 and HTTP/2.
export { createServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from './server.js';
export type { HttpServer, HttpServerOptions, ServerAddress } from './server.js';
export type { Dispatch, Logger, RequestContext } from './handler.js';
export type { ServiceName } from './targets.js';
export type { SigV4Identity } from './sigv4.js';
export { serveMillrace } from './millrace.js';

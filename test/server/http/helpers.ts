// Shared by the HTTP face's tests: servers on 127.0.0.1 with a recording dispatcher (a transport
// test double: it records what the wire delivered and returns what the test asks, it is not a
// Kinesis), the real SDK signer, raw HTTP/1.1 and HTTP/2 clients, a throwaway TLS certificate.
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestContext } from '../../../src/server/http/handler.js';
import { createServer, type HttpServer, type HttpServerOptions } from '../../../src/server/http/server.js';
import type { ServiceName } from '../../../src/server/http/targets.js';

export interface Call {
  service: ServiceName;
  action: string;
  input: Record<string, unknown>;
  ctx: RequestContext;
}

export type Responder = (call: Call) => unknown;

export class RecordingDispatcher {
  readonly calls: Call[] = [];
  /** What the next calls answer; by default `{}`. */
  respond: Responder = () => ({});
  readonly dispatch = async (service: ServiceName, action: string, input: Record<string, unknown>, ctx: RequestContext) => {
    const call = { service, action, input, ctx };
    this.calls.push(call);
    return this.respond(call);
  };
  get last(): Call {
    return this.calls[this.calls.length - 1];
  }
}

export interface Started {
  server: HttpServer;
  url: string;
  port: number;
  dispatcher: RecordingDispatcher;
}

export async function start(options: Partial<HttpServerOptions> = {}): Promise<Started> {
  const dispatcher = new RecordingDispatcher();
  const server = createServer({ dispatch: dispatcher.dispatch, port: 0, ...options });
  const address = await server.listen();
  return { server, url: address.url, port: address.port, dispatcher };
}

export const ACCESS_KEY = 'AKIDMILLRACE';
export const SECRET_KEY = 'millrace-secret';

/** Signs like the SDK does (same signer, same hash) and returns the headers to send. */
export async function signedHeaders(opts: {
  port: number;
  target?: string;
  contentType?: string;
  body: Uint8Array | string;
  path?: string;
  secret?: string;
  date?: Date;
  extra?: Record<string, string>;
}): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'kinesis',
    region: 'us-east-1',
    sha256: Sha256,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: opts.secret ?? SECRET_KEY },
  });
  const headers: Record<string, string> = {
    host: `127.0.0.1:${opts.port}`,
    'content-type': opts.contentType ?? 'application/x-amz-json-1.1',
    ...opts.extra,
  };
  if (opts.target) headers['x-amz-target'] = opts.target;
  const req = new HttpRequest({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: opts.port, path: opts.path ?? '/', headers, body: opts.body });
  const signed = (await signer.sign(req, { signingDate: opts.date ?? new Date() })) as HttpRequest;
  return signed.headers;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP/1.1 request; pass an agent to reuse a keep-alive connection. */
export function h1(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: Uint8Array | string; agent?: http.Agent; tls?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const mod = opts.tls ? https : http;
    const req = mod.request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/',
        headers: opts.headers,
        agent: opts.agent,
        ...(opts.tls ? { rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** One request on an HTTP/2 session (h2c with prior knowledge for http://, ALPN h2 for https://). */
export function h2(
  session: http2.ClientHttp2Session,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: http2.OutgoingHttpHeaders = { ':method': opts.method ?? 'POST', ':path': opts.path ?? '/' };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (k.toLowerCase() !== 'host') headers[k.toLowerCase()] = v;
    const stream = session.request(headers);
    let status = 0;
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      status = Number(h[':status']);
      responseHeaders = h as Record<string, string | string[] | undefined>;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    stream.end(opts.body);
  });
}

export function connectH2(url: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { rejectUnauthorized: false });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

export function closeH2(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => session.close(() => resolve()));
}

/** A self-signed certificate for 127.0.0.1 made with the openssl CLI; undefined without openssl. */
export function selfSignedCert(): { cert: Buffer; key: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function json(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
}

// AWS Signature Version 4 verification, header form (Authorization: AWS4-HMAC-SHA256 Credential=…,
// SignedHeaders=…, Signature=…) and query-string form (X-Amz-Algorithm=…&X-Amz-Credential=…).
//
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//                      SignedHeaders \n HexSHA256(payload)
//     CanonicalURI     the path as received, dot-segments and empty segments removed, each
//                      segment URI-encoded again (non-S3 services double-encode)
//     CanonicalQuery   name=value pairs, RFC 3986-encoded, sorted by name then value, without
//                      X-Amz-Signature
//     CanonicalHeaders lower-case name ":" values trimmed, inner whitespace runs collapsed to
//                      one space, repeated headers joined by "," — one line each, in the order of
//                      SignedHeaders, then an empty line
//     payload hash     x-amz-content-sha256 when the client sent it, else SHA-256 of the body
//   StringToSign     = "AWS4-HMAC-SHA256" \n X-Amz-Date \n scope \n HexSHA256(CanonicalRequest)
//   scope            = yyyymmdd/region/service/aws4_request
//   SigningKey       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
//
// With credentials configured the signature must match one of them. Without, any well-formed
// signature is accepted (the default for local development, like the SDKs' dummy keys), but its
// form and its clock are still checked. Error names and wording are AWS's.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { wireErrors } from './errors.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigV4Config {
  /** accessKeyId -> secretAccessKey. Absent or empty: signatures are checked for form and clock only. */
  readonly credentials?: ReadonlyMap<string, string>;
  /** With credentials configured, the region every signature must be scoped to. */
  readonly region?: string;
  /** Allowed distance between the signing time and now; AWS allows 5 minutes. */
  readonly maxSkewMs?: number;
  readonly now?: () => number;
}

export interface SigV4Request {
  readonly method: string;
  /** The request target exactly as received: path and query string. */
  readonly url: string;
  /** Node's rawHeaders: [name, value, name, value, …]; HTTP/2 pseudo-headers included. */
  readonly rawHeaders: readonly string[];
  readonly body: Uint8Array;
}

export interface SigV4Identity {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  readonly signedAt: Date;
  /** Whether the signature was checked against a secret (false in open mode). */
  readonly verified: boolean;
}

type Headers = Map<string, string[]>;

function headerMap(raw: readonly string[]): Headers {
  const out: Headers = new Map();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const list = out.get(name);
    if (list) list.push(raw[i + 1]);
    else out.set(name, [raw[i + 1]]);
  }
  return out;
}

function first(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.[0];
}

/** Query parameters in order, percent-decoded ('+' stays '+', as AWS reads it). */
function parseQuery(query: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([percentDecode(k), percentDecode(v)]);
  }
  return out;
}

function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw wireErrors.incompleteSignature(`Illegal hex character in escape % pattern: ${s}`);
  }
}

/** RFC 3986 encoding of everything but the unreserved characters, as the signers do. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEncode(normalized).replace(/%2F/g, '/');
}

export function canonicalQuery(params: ReadonlyArray<readonly [string, string]>, omitSignature: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of params) {
    if (omitSignature && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaderValue(values: readonly string[]): string {
  return values.map((v) => v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim()).join(',');
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** 20240102T030405Z -> Date, or undefined when not in ISO-8601 basic format. */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

interface Parsed {
  algorithm: string;
  credential: string;
  signedHeaders: string;
  signature: string;
  /** The X-Amz-Date value as signed (for a Date header: its ISO-8601 basic form). */
  amzDate: string;
  signedAt: Date;
  expiresSeconds?: number;
  query: Array<[string, string]>;
  form: 'header' | 'query';
}

function parseHeaderForm(auth: string, headers: Headers, query: Array<[string, string]>): Parsed {
  const space = auth.indexOf(' ');
  const algorithm = space < 0 ? auth : auth.slice(0, space);
  const params = new Map<string, string>();
  for (const part of (space < 0 ? '' : auth.slice(space + 1)).split(/[, ]+/)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      throw wireErrors.incompleteSignature(
        `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'`,
      );
    }
    params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  let msg = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(name)) msg += `Authorization header requires '${name}' parameter. `;
  }
  const xAmzDate = first(headers, 'x-amz-date');
  const date = first(headers, 'date');
  if (!xAmzDate && !date) msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (msg) throw wireErrors.incompleteSignature(`${msg}Authorization=${auth}`);
  if (algorithm !== ALGORITHM) throw wireErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'.`);

  let amzDate: string;
  let signedAt: Date | undefined;
  if (xAmzDate) {
    amzDate = xAmzDate;
    signedAt = parseAmzDate(xAmzDate);
  } else {
    const ms = Date.parse(date!);
    signedAt = Number.isNaN(ms) ? undefined : new Date(ms);
    amzDate = signedAt ? formatAmzDate(ms) : date!;
  }
  if (!signedAt) {
    throw wireErrors.incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return {
    algorithm,
    credential: params.get('Credential')!,
    signedHeaders: params.get('SignedHeaders')!,
    signature: params.get('Signature')!,
    amzDate,
    signedAt,
    query,
    form: 'header',
  };
}

const QUERY_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];

function parseQueryForm(query: Array<[string, string]>): Parsed {
  const get = (name: string) => query.find(([k]) => k === name)?.[1];
  let msg = '';
  for (const name of QUERY_PARAMS) {
    if (!get(name)) msg += `AWS query-string parameters must include '${name}'. `;
  }
  if (msg) throw wireErrors.incompleteSignature(`${msg}Re-examine the query-string parameters.`);
  const algorithm = get('X-Amz-Algorithm')!;
  if (algorithm !== ALGORITHM) throw wireErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  const amzDate = get('X-Amz-Date')!;
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) {
    throw wireErrors.incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const expires = get('X-Amz-Expires');
  let expiresSeconds: number | undefined;
  if (expires !== undefined) {
    expiresSeconds = Number(expires);
    if (!/^\d+$/.test(expires) || expiresSeconds > 604_800) {
      throw wireErrors.incompleteSignature(
        `X-Amz-Expires must be a non-negative integer no greater than 604800 seconds, got '${expires}'.`,
      );
    }
  }
  return {
    algorithm,
    credential: get('X-Amz-Credential')!,
    signedHeaders: get('X-Amz-SignedHeaders')!,
    signature: get('X-Amz-Signature')!,
    amzDate,
    signedAt,
    expiresSeconds,
    query,
    form: 'query',
  };
}

function checkClock(p: Parsed, now: number, maxSkewMs: number): void {
  const at = p.signedAt.getTime();
  const minutes = `${Math.round(maxSkewMs / 60_000)} min.`;
  if (at > now + maxSkewMs) {
    throw wireErrors.invalidSignature(
      `Signature not yet current: ${formatAmzDate(at)} is still later than ${formatAmzDate(now + maxSkewMs)} (${formatAmzDate(now)} + ${minutes})`,
    );
  }
  if (p.expiresSeconds !== undefined) {
    if (now > at + p.expiresSeconds * 1000) {
      throw wireErrors.invalidSignature(
        `Signature expired: ${formatAmzDate(at)} is now earlier than ${formatAmzDate(now - p.expiresSeconds * 1000)} (${formatAmzDate(now)} - ${p.expiresSeconds} sec.)`,
      );
    }
  } else if (at < now - maxSkewMs) {
    throw wireErrors.invalidSignature(
      `Signature expired: ${formatAmzDate(at)} is now earlier than ${formatAmzDate(now - maxSkewMs)} (${formatAmzDate(now)} - ${minutes})`,
    );
  }
}

// Signing keys change once a day per secret, region and service; a small cache saves four HMACs a request.
const keyCache = new Map<string, Buffer>();
const KEY_CACHE_MAX = 64;

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}/${region}/${service}/${secret}`;
  let key = keyCache.get(id);
  if (key) return key;
  const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
  key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), TERMINATOR);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, key);
  return key;
}

/**
 * Verifies the request's signature for `service` (the signing name: "kinesis", "firehose").
 * Returns who signed; throws a WireError with AWS's name and wording otherwise.
 */
export function verifySigV4(req: SigV4Request, service: string, config: SigV4Config = {}): SigV4Identity {
  const headers = headerMap(req.rawHeaders);
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : req.url.slice(q + 1));
  const auth = first(headers, 'authorization');
  const hasQueryAuth = query.some(([k]) => k === 'X-Amz-Algorithm');

  if (auth !== undefined && hasQueryAuth) {
    throw wireErrors.invalidSignature(
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    );
  }
  if (auth === undefined && !hasQueryAuth) throw wireErrors.missingToken();
  const p = auth !== undefined ? parseHeaderForm(auth, headers, query) : parseQueryForm(query);

  const scope = p.credential.split('/');
  if (scope.length !== 5) {
    throw wireErrors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${p.credential}'`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scope;
  const signed = p.signedHeaders.split(';');
  if (!signed.includes('host') && !signed.includes(':authority')) {
    throw wireErrors.invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  checkClock(p, config.now?.() ?? Date.now(), config.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);

  const secrets = config.credentials;
  const strict = secrets !== undefined && secrets.size > 0;
  let msg = '';
  if (strict && config.region && scopeRegion !== config.region) {
    msg += `Credential should be scoped to a valid region, not '${scopeRegion}'. `;
  }
  if (strict && scopeService !== service) msg += `Credential should be scoped to correct service: '${service}'. `;
  if (terminator !== TERMINATOR) msg += `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `;
  if (scopeDate !== p.amzDate.slice(0, 8)) {
    msg += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'. `;
  }
  if (msg) throw wireErrors.invalidSignature(msg.trimEnd());
  if (!/^[0-9a-f]{64}$/.test(p.signature)) throw mismatch();

  const identity = { accessKeyId, region: scopeRegion, service: scopeService, signedAt: p.signedAt };
  if (!strict) return { ...identity, verified: false };

  const secret = secrets.get(accessKeyId);
  if (secret === undefined) throw wireErrors.unrecognizedClient();

  const canonicalHeaders = signed
    .map((name) => {
      let values = headers.get(name);
      if (!values && name === 'host') values = headers.get(':authority');
      return `${name}:${values ? canonicalHeaderValue(values) : ''}\n`;
    })
    .join('');
  const declaredHash = first(headers, 'x-amz-content-sha256') ?? p.query.find(([k]) => k === 'X-Amz-Content-Sha256')?.[1];
  let payloadHash: string;
  if (declaredHash === undefined) payloadHash = req.body.byteLength === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
  else if (declaredHash === 'UNSIGNED-PAYLOAD') payloadHash = declaredHash;
  else {
    payloadHash = req.body.byteLength === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
    if (payloadHash !== declaredHash.toLowerCase()) {
      throw wireErrors.invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  const canonicalRequest = [
    req.method,
    canonicalPath(path),
    canonicalQuery(p.query, p.form === 'query'),
    canonicalHeaders,
    p.signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${p.amzDate}\n${scope.slice(1).join('/')}\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', signingKey(secret, scopeDate, scopeRegion, scopeService))
    .update(stringToSign)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(p.signature, 'hex'))) throw mismatch();
  return { ...identity, verified: true };
}

function mismatch(): Error {
  return wireErrors.invalidSignature(
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
}

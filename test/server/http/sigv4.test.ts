import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { WireError } from '../../../src/server/http/errors.js';
import { canonicalPath, uriEncode, verifySigV4, type SigV4Config, type SigV4Request } from '../../../src/server/http/sigv4.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const KEYS = new Map([['AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY']]);
const strict: SigV4Config = { credentials: KEYS, region: 'us-east-1', now: () => NOW };
const open: SigV4Config = { now: () => NOW };

// The real SDK signer (the one @aws-sdk/client-kinesis uses), with the SDK's SHA-256.
function signer(secret = KEYS.get('AKIDEXAMPLE')!, region = 'us-east-1', service = 'kinesis') {
  return new SignatureV4({ service, region, sha256: Sha256, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret } });
}

function request(over: Partial<ConstructorParameters<typeof HttpRequest>[0]> = {}) {
  return new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4567,
    path: '/',
    headers: {
      host: '127.0.0.1:4567',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Kinesis_20131202.ListStreams',
    },
    body: '{"Limit":10}',
    ...over,
  });
}

/** What the server receives for a request the SDK would send. */
function onWire(req: HttpRequest): SigV4Request {
  const query = Object.entries(req.query ?? {})
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(String(v))}`)
    .join('&');
  const rawHeaders = Object.entries(req.headers).flatMap(([k, v]) => [k, v]);
  return {
    method: req.method,
    url: query ? `${req.path}?${query}` : req.path,
    rawHeaders,
    body: Buffer.from(typeof req.body === 'string' ? req.body : ''),
  };
}

function failure(fn: () => unknown): WireError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WireError) return err;
    throw err;
  }
  throw new Error('expected a WireError');
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('SigV4, header form, with credentials configured', () => {
  it('accepts what the SDK signer signs', async () => {
    const signed = (await signer().sign(request(), { signingDate: new Date(NOW) })) as HttpRequest;
    const id = verifySigV4(onWire(signed), 'kinesis', strict);
    expect(id).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'kinesis', verified: true });
    expect(id.signedAt.getTime()).toBe(NOW);
  });

  it('accepts odd paths, query strings, repeated and padded headers, HTTP/2 :authority', async () => {
    const req = request({
      path: '/a%20b/./c/../d',
      query: { 'z key': 'v/1', a: 'x y~*', Action: '' },
      headers: { host: '127.0.0.1:4567', 'x-amz-target': 'Kinesis_20131202.ListStreams', 'x-custom': '  a   b  ' },
    });
    const signed = (await signer().sign(req, { signingDate: new Date(NOW) })) as HttpRequest;
    const wire = onWire(signed);
    expect(verifySigV4(wire, 'kinesis', strict).verified).toBe(true);
    // HTTP/2 carries the host as :authority.
    const h2 = wire.rawHeaders.flatMap((v, i, all) => (i % 2 ? [] : all[i] === 'host' ? [':authority', all[i + 1]] : [v, all[i + 1]]));
    expect(verifySigV4({ ...wire, rawHeaders: h2 }, 'kinesis', strict).verified).toBe(true);
  });

  it('accepts UNSIGNED-PAYLOAD and a correct x-amz-content-sha256, refuses a wrong one', async () => {
    const unsigned = request();
    unsigned.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const a = (await signer().sign(unsigned, { signingDate: new Date(NOW) })) as HttpRequest;
    expect(verifySigV4({ ...onWire(a), body: Buffer.from('anything') }, 'kinesis', strict).verified).toBe(true);

    const declared = request();
    declared.headers['x-amz-content-sha256'] = '0'.repeat(64);
    const b = (await signer().sign(declared, { signingDate: new Date(NOW) })) as HttpRequest;
    expect(failure(() => verifySigV4(onWire(b), 'kinesis', strict)).message).toBe(
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });

  it('refuses a changed body: by its declared hash, or by the signature without one', async () => {
    const signed = (await signer().sign(request(), { signingDate: new Date(NOW) })) as HttpRequest;
    const wire = { ...onWire(signed), body: Buffer.from('{"Limit":11}') };
    expect(failure(() => verifySigV4(wire, 'kinesis', strict))).toMatchObject({
      type: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
    const noHash = new SignatureV4({ service: 'kinesis', region: 'us-east-1', sha256: Sha256, applyChecksum: false, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: KEYS.get('AKIDEXAMPLE')! } });
    const bare = onWire((await noHash.sign(request(), { signingDate: new Date(NOW) })) as HttpRequest);
    expect(bare.rawHeaders).not.toContain('x-amz-content-sha256');
    expect(verifySigV4(bare, 'kinesis', strict).verified).toBe(true);
    expect(failure(() => verifySigV4({ ...bare, body: Buffer.from('{"Limit":11}') }, 'kinesis', strict)).message).toBe(MISMATCH);
  });

  it.each([
    ['a signed header', (w: SigV4Request) => ({ ...w, rawHeaders: w.rawHeaders.map((v) => (v === 'Kinesis_20131202.ListStreams' ? 'Kinesis_20131202.DeleteStream' : v)) })],
    ['the path', (w: SigV4Request) => ({ ...w, url: '/other' })],
    ['the query', (w: SigV4Request) => ({ ...w, url: '/?x=1' })],
    ['the method', (w: SigV4Request) => ({ ...w, method: 'PUT' })],
    ['the signature', (w: SigV4Request) => ({ ...w, rawHeaders: w.rawHeaders.map((v) => v.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === 'a' ? 'b' : 'a'}`)) })],
  ])('refuses a request whose %s was changed after signing', async (_what, tamper) => {
    const signed = (await signer().sign(request(), { signingDate: new Date(NOW) })) as HttpRequest;
    const err = failure(() => verifySigV4(tamper(onWire(signed)), 'kinesis', strict));
    expect(err).toMatchObject({ type: 'InvalidSignatureException', statusCode: 400, message: MISMATCH });
  });

  it('refuses the wrong secret, an unknown key, the wrong region or service', async () => {
    const wrongSecret = (await signer('nope').sign(request(), { signingDate: new Date(NOW) })) as HttpRequest;
    expect(failure(() => verifySigV4(onWire(wrongSecret), 'kinesis', strict)).message).toBe(MISMATCH);

    const unknown = onWire((await signer().sign(request(), { signingDate: new Date(NOW) })) as HttpRequest);
    const err = failure(() => verifySigV4(unknown, 'kinesis', { ...strict, credentials: new Map([['OTHER', 'x']]) }));
    expect(err).toMatchObject({ type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });

    const region = (await signer(undefined, 'eu-west-1', 'firehose').sign(request(), { signingDate: new Date(NOW) })) as HttpRequest;
    expect(failure(() => verifySigV4(onWire(region), 'kinesis', strict)).message).toBe(
      "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'kinesis'.",
    );
  });

  it('refuses signatures more than 5 minutes old or ahead, in AWS\'s words', async () => {
    const old = (await signer().sign(request(), { signingDate: new Date(NOW - 6 * 60_000) })) as HttpRequest;
    expect(failure(() => verifySigV4(onWire(old), 'kinesis', strict))).toMatchObject({
      type: 'InvalidSignatureException',
      message: 'Signature expired: 20250115T115400Z is now earlier than 20250115T115500Z (20250115T120000Z - 5 min.)',
    });
    const ahead = (await signer().sign(request(), { signingDate: new Date(NOW + 6 * 60_000) })) as HttpRequest;
    expect(failure(() => verifySigV4(onWire(ahead), 'kinesis', open)).message).toBe(
      'Signature not yet current: 20250115T120600Z is still later than 20250115T120500Z (20250115T120000Z + 5 min.)',
    );
    const edge = (await signer().sign(request(), { signingDate: new Date(NOW - 4 * 60_000) })) as HttpRequest;
    expect(verifySigV4(onWire(edge), 'kinesis', strict).verified).toBe(true);
  });
});

describe('SigV4, query-string form', () => {
  it('accepts a presigned request and refuses it once X-Amz-Expires has passed', async () => {
    const presigned = (await signer().presign(request(), { signingDate: new Date(NOW), expiresIn: 60 })) as HttpRequest;
    const wire = onWire(presigned);
    expect(wire.url).toContain('X-Amz-Algorithm=AWS4-HMAC-SHA256');
    expect(verifySigV4(wire, 'kinesis', strict).verified).toBe(true);
    const late = failure(() => verifySigV4(wire, 'kinesis', { ...strict, now: () => NOW + 61_000 }));
    expect(late).toMatchObject({ type: 'InvalidSignatureException' });
    expect(late.message).toMatch(/^Signature expired: 20250115T120000Z is now earlier than/);
  });

  it('refuses a presigned request with a changed query parameter', async () => {
    const presigned = (await signer().presign(request({ query: { a: '1' } }), { signingDate: new Date(NOW) })) as HttpRequest;
    const wire = onWire(presigned);
    expect(failure(() => verifySigV4({ ...wire, url: wire.url.replace('a=1', 'a=2') }, 'kinesis', strict)).message).toBe(MISMATCH);
  });

  it('lists every missing parameter', () => {
    const err = failure(() => verifySigV4({ method: 'POST', url: '/?X-Amz-Algorithm', rawHeaders: [], body: Buffer.alloc(0) }, 'kinesis', open));
    expect(err).toMatchObject({
      type: 'IncompleteSignatureException',
      message:
        "AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include 'X-Amz-Credential'. " +
        "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
        "AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
    });
  });
});

describe('SigV4 without credentials (open mode)', () => {
  it('accepts any well-formed signature, whatever the secret, region or service', async () => {
    const signed = (await signer('whatever', 'local', 'other').sign(request(), { signingDate: new Date(NOW) })) as HttpRequest;
    expect(verifySigV4(onWire(signed), 'kinesis', open)).toMatchObject({ verified: false, region: 'local', accessKeyId: 'AKIDEXAMPLE' });
  });

  it('still refuses malformed authorization, in AWS\'s words', () => {
    const wire = (headers: string[], url = '/') => ({ method: 'POST', url, rawHeaders: headers, body: Buffer.alloc(0) });
    const cases: Array<[SigV4Request, string, string]> = [
      [wire([]), 'MissingAuthenticationTokenException', 'Missing Authentication Token'],
      [wire(['Authorization', 'X'], '/?X-Amz-Algorithm'), 'InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."],
      [
        wire(['Authorization', 'X']),
        'IncompleteSignatureException',
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=X",
      ],
      [
        wire(['Authorization', 'AWS4- Signature=b, Credential=a', 'Date', 'a']),
        'IncompleteSignatureException',
        "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b, Credential=a",
      ],
      [
        wire(['Authorization', 'AWS4-HMAC-SHA256 Credential=a, SignedHeaders=host, Signature=b', 'X-Amz-Date', '20250115T120000Z']),
        'IncompleteSignatureException',
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a'",
      ],
      [
        wire(['Authorization', 'AWS5-HMAC-SHA256 Credential=a, SignedHeaders=host, Signature=b', 'X-Amz-Date', '20250115T120000Z']),
        'IncompleteSignatureException',
        "Unsupported AWS 'algorithm': 'AWS5-HMAC-SHA256'.",
      ],
      [
        wire(['Authorization', 'AWS4-HMAC-SHA256 Credential=k/20250115/r/kinesis/aws4_request, SignedHeaders=x-amz-date, Signature=b', 'X-Amz-Date', '20250115T120000Z']),
        'InvalidSignatureException',
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        wire(['Authorization', 'AWS4-HMAC-SHA256 Credential=k/20250115/r/kinesis/aws4_request, SignedHeaders=host, Signature=b', 'X-Amz-Date', '2025-01-15']),
        'IncompleteSignatureException',
        "Date must be in ISO-8601 'basic format'. Got '2025-01-15'. See http://en.wikipedia.org/wiki/ISO_8601",
      ],
      [
        wire(['Authorization', 'AWS4-HMAC-SHA256 Credential=k/20250114/r/kinesis/aws5_request, SignedHeaders=host, Signature=b', 'X-Amz-Date', '20250115T120000Z']),
        'InvalidSignatureException',
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250114' != '20250115', from '20250115T120000Z'.",
      ],
      [
        wire(['Authorization', 'AWS4-HMAC-SHA256 Credential=k/20250115/r/kinesis/aws4_request, SignedHeaders=host, Signature=nothex', 'X-Amz-Date', '20250115T120000Z']),
        'InvalidSignatureException',
        MISMATCH,
      ],
    ];
    for (const [req, type, message] of cases) {
      expect(failure(() => verifySigV4(req, 'kinesis', open)), message).toMatchObject({ type, message });
    }
  });

  it('accepts the Date header (RFC 1123) in place of X-Amz-Date', () => {
    const id = verifySigV4(
      {
        method: 'POST',
        url: '/',
        rawHeaders: ['Authorization', `AWS4-HMAC-SHA256 Credential=k/20250115/r/kinesis/aws4_request, SignedHeaders=date;host, Signature=${'a'.repeat(64)}`, 'Date', new Date(NOW).toUTCString()],
        body: Buffer.alloc(0),
      },
      'kinesis',
      open,
    );
    expect(id.signedAt.getTime()).toBe(NOW);
  });
});

describe('canonical forms', () => {
  it('normalise and double-encode the path as non-S3 services do', () => {
    expect(canonicalPath('/')).toBe('/');
    expect(canonicalPath('')).toBe('');
    expect(canonicalPath('/a%20b//./c/../d/')).toBe('/a%2520b/d/');
  });
});

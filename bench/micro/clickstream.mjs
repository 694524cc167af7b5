// Deterministic clickstream-like JSON records and log-shaped batches of them, for the codec and
// crypto benchmarks. Same seed, same bytes: ratios and timings compare across runs and machines.

const EVENTS = ['page_view', 'click', 'scroll', 'add_to_cart', 'remove_from_cart', 'search', 'purchase'];
const PATHS = ['/', '/products', '/products/{id}', '/cart', '/checkout', '/search', '/account/orders', '/deals'];
const REFERRERS = ['https://www.google.com/search?q=', 'https://www.bing.com/search?q=', 'https://t.co/', ''];
const WORDS = ['running shoes', 'desk lamp', 'usb-c cable', 'coffee grinder', 'rain jacket', 'yoga mat', 'headphones'];
const DEVICES = [
  { type: 'mobile', os: 'iOS 17.4', browser: 'Safari', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1' },
  { type: 'desktop', os: 'Windows 11', browser: 'Chrome', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36' },
  { type: 'mobile', os: 'Android 14', browser: 'Chrome', ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Mobile Safari/537.36' },
  { type: 'desktop', os: 'macOS 14.4', browser: 'Firefox', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:124.0) Gecko/20100101 Firefox/124.0' },
];
const GEO = [
  { country: 'US', region: 'CA', city: 'San Francisco' },
  { country: 'US', region: 'NY', city: 'New York' },
  { country: 'DE', region: 'BE', city: 'Berlin' },
  { country: 'FR', region: 'IDF', city: 'Paris' },
  { country: 'BR', region: 'SP', city: 'São Paulo' },
  { country: 'IN', region: 'KA', city: 'Bengaluru' },
];

/** mulberry32: small, fast, deterministic. */
export function rng(seed = 42) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (r, list) => list[Math.floor(r() * list.length)];
const hex = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const uuid = (r) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;

/** A full clickstream event: 800–930 bytes of JSON, 870 on average. */
export function largeEvent(r, t) {
  const id = Math.floor(r() * 90000) + 10000;
  const path = pick(r, PATHS).replace('{id}', String(id));
  const ref = pick(r, REFERRERS);
  const event = {
    event_id: uuid(r),
    event_type: pick(r, EVENTS),
    timestamp: new Date(t).toISOString(),
    user_id: `u_${Math.floor(r() * 1e6)}`,
    session_id: `s_${hex(r, 16)}`,
    page: {
      url: `https://shop.example.com${path}?utm_source=${pick(r, ['google', 'newsletter', 'direct'])}`,
      referrer: ref && ref + encodeURIComponent(pick(r, WORDS)),
      title: `Example Shop - ${pick(r, WORDS)}`,
    },
    device: pick(r, DEVICES),
    geo: pick(r, GEO),
    product: { sku: `SKU-${id}`, price: Math.round(r() * 20000) / 100, currency: 'USD', quantity: 1 + Math.floor(r() * 3) },
    viewport: { width: pick(r, [390, 412, 1440, 1920]), height: pick(r, [844, 915, 900, 1080]) },
    context: {
      locale: pick(r, ['en-US', 'de-DE', 'fr-FR', 'pt-BR', 'en-IN']),
      timezone: pick(r, ['America/Los_Angeles', 'America/New_York', 'Europe/Berlin', 'Europe/Paris', 'Asia/Kolkata']),
      app_version: `web-${1 + Math.floor(r() * 3)}.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}`,
      ip: `${Math.floor(r() * 223) + 1}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`,
      experiments: [`checkout_v${1 + Math.floor(r() * 4)}`, `reco_${pick(r, ['control', 'treatment'])}`],
      consent: { analytics: r() < 0.8, marketing: r() < 0.4 },
    },
  };
  return event;
}

/** A compact event: 85–111 bytes of JSON, 97 on average. */
export function smallEvent(r, t) {
  return {
    u: `u_${Math.floor(r() * 1e6)}`,
    e: pick(r, EVENTS),
    p: pick(r, PATHS).replace('{id}', String(Math.floor(r() * 1e5))),
    t,
    s: hex(r, 8),
    d: pick(r, ['m', 'd', 't']),
    c: pick(r, GEO).country,
  };
}

/**
 * `count` records framed like the shard log's batch payload: per record a 16-byte header
 * (size, ts delta, data length, key length, flags), the partition key, then the JSON data.
 */
export function clickstreamBatch(count, { size = 'large', seed = 42 } = {}) {
  const r = rng(seed);
  const make = size === 'small' ? smallEvent : largeEvent;
  let t = 1_717_000_000_000;
  const parts = [];
  for (let i = 0; i < count; i++) {
    t += Math.floor(r() * 40);
    const ev = make(r, t);
    const key = Buffer.from(ev.user_id ?? ev.u);
    const data = Buffer.from(JSON.stringify(ev));
    const header = Buffer.alloc(16);
    header.writeUInt32LE(16 + key.length + data.length, 0);
    header.writeUInt32LE(i * 3, 4);
    header.writeUInt32LE(data.length, 8);
    header.writeUInt16LE(key.length, 12);
    parts.push(header, key, data);
  }
  return Buffer.concat(parts);
}

/** Exactly `bytes` bytes of a log-shaped batch of large events (the last record cut short). */
export function clickstreamBatchOfSize(bytes, seed = 42) {
  return clickstreamBatch(Math.ceil(bytes / 880) + 1, { seed }).subarray(0, bytes);
}

/**
 * `count` JSON records of about `bytes` bytes each, as Buffers: compact events for ~100 B, full
 * events grown with a `tags` list of search words up to at least `bytes` for larger sizes. For the
 * process-level storage runner's compression and encryption scenarios.
 */
export function jsonRecords(count, bytes, seed = 42) {
  const r = rng(seed);
  let t = 1_717_000_000_000;
  const out = [];
  for (let i = 0; i < count; i++) {
    t += Math.floor(r() * 40);
    if (bytes <= 200) {
      out.push(Buffer.from(JSON.stringify(smallEvent(r, t))));
      continue;
    }
    const ev = largeEvent(r, t);
    ev.tags = [];
    while (JSON.stringify(ev).length < bytes) ev.tags.push(pick(r, WORDS));
    out.push(Buffer.from(JSON.stringify(ev)));
  }
  return out;
}

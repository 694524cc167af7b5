// The loss check of `millrace load`: every acknowledged record must be read back exactly once,
// with the sequence number it was acknowledged with, and in acknowledgement order per partition
// key. Records read back that were never acknowledged (a put whose answer was lost) are allowed
// and counted. Pure: the harness hands it the ack logs and what it read.
import type { AckEntry } from './protocol.js';

export interface ReadBackRecord {
  shardId: string;
  sequenceNumber: string;
  /** `shardId@offset`, when the stream was also read over TCP (the identity TCP acknowledges). */
  position?: string;
  key: string;
  /** Undefined when the data did not carry one (not written by a load client). */
  payloadId: string | undefined;
}

export interface Problem {
  kind: 'lost' | 'duplicated' | 'sequence-mismatch' | 'key-mismatch' | 'out-of-order';
  payloadId: string;
  key: string;
  detail: string;
}

export interface Verification {
  acknowledged: number;
  readBack: number;
  lost: number;
  duplicated: number;
  sequenceMismatch: number;
  keyMismatch: number;
  outOfOrder: number;
  /** Read back but never acknowledged: allowed (the acknowledgement may have been lost on the way). */
  unacknowledged: number;
  /** Records at which the HTTP and TCP read-backs of a shard differ (0 when read one way only). */
  readsDisagree: number;
  /** The first few problems, for the report. */
  examples: Problem[];
  ok: boolean;
}

const MAX_EXAMPLES = 20;

/**
 * Zips a shard-by-shard read over HTTP with the same read over TCP: both walk the same logs, so the
 * i-th record must be the same one; each record gains its TCP position. Counts where they differ.
 */
export function mergeReads(http: ReadBackRecord[], tcp: ReadBackRecord[]): { records: ReadBackRecord[]; disagree: number } {
  // Records only the TCP read has, then every index where the two differ or TCP has nothing.
  let disagree = Math.max(0, tcp.length - http.length);
  const records = http.map((r, i) => {
    const t = tcp[i];
    if (!t || t.payloadId !== r.payloadId || t.shardId !== r.shardId || t.key !== r.key) {
      disagree++;
      return r;
    }
    return { ...r, position: t.position };
  });
  return { records, disagree };
}

/**
 * `logs`: one ack log per client, each in the order the client received acknowledgements;
 * `read`: every shard read from its start, in shard order.
 */
export function verify(logs: AckEntry[][], read: ReadBackRecord[], readsDisagree = 0): Verification {
  const found = new Map<string, ReadBackRecord[]>();
  for (const r of read) {
    if (r.payloadId === undefined) continue;
    const list = found.get(r.payloadId);
    if (list) list.push(r);
    else found.set(r.payloadId, [r]);
  }
  const v: Verification = { acknowledged: 0, readBack: read.length, lost: 0, duplicated: 0, sequenceMismatch: 0, keyMismatch: 0, outOfOrder: 0, unacknowledged: 0, readsDisagree, examples: [], ok: true };
  const problem = (p: Problem) => {
    v[p.kind === 'lost' ? 'lost' : p.kind === 'duplicated' ? 'duplicated' : p.kind === 'sequence-mismatch' ? 'sequenceMismatch' : p.kind === 'key-mismatch' ? 'keyMismatch' : 'outOfOrder']++;
    if (v.examples.length < MAX_EXAMPLES) v.examples.push(p);
  };
  const ackedIds = new Set<string>();
  // Per key: acknowledged payload ids in acknowledgement order (a key belongs to one client lane).
  const ackOrder = new Map<string, string[]>();
  for (const log of logs) {
    for (const a of log) {
      v.acknowledged++;
      ackedIds.add(a.payloadId);
      const hits = found.get(a.payloadId) ?? [];
      if (hits.length === 0) {
        problem({ kind: 'lost', payloadId: a.payloadId, key: a.key, detail: `acknowledged with sequence number ${a.sequenceNumber}, not in the stream` });
        continue;
      }
      if (hits.length > 1) problem({ kind: 'duplicated', payloadId: a.payloadId, key: a.key, detail: `read back ${hits.length} times: ${hits.map((h) => h.sequenceNumber).join(', ')}` });
      const hit = hits[0]!;
      // TCP acknowledges `shardId@offset`, HTTP a sequence number: compare like with like.
      const stored = a.sequenceNumber.includes('@') ? hit.position : hit.sequenceNumber;
      if (stored !== a.sequenceNumber) problem({ kind: 'sequence-mismatch', payloadId: a.payloadId, key: a.key, detail: `acknowledged as ${a.sequenceNumber}, stored as ${stored ?? 'unknown (not read over TCP)'}` });
      if (hit.key !== a.key) problem({ kind: 'key-mismatch', payloadId: a.payloadId, key: a.key, detail: `stored under partition key ${hit.key}` });
      const order = ackOrder.get(a.key);
      if (order) order.push(a.payloadId);
      else ackOrder.set(a.key, [a.payloadId]);
    }
  }
  // Stream order per key, acknowledged records only (first occurrence of each).
  const streamOrder = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const r of read) {
    if (r.payloadId === undefined || seen.has(r.payloadId)) continue;
    seen.add(r.payloadId);
    if (!ackedIds.has(r.payloadId)) {
      v.unacknowledged++;
      continue;
    }
    const list = streamOrder.get(r.key);
    if (list) list.push(r.payloadId);
    else streamOrder.set(r.key, [r.payloadId]);
  }
  for (const [key, acked] of ackOrder) {
    const present = acked.filter((id) => found.has(id));
    const stored = streamOrder.get(key) ?? [];
    const at = present.findIndex((id, i) => stored[i] !== id);
    if (at >= 0) problem({ kind: 'out-of-order', payloadId: present[at]!, key, detail: `position ${at} of key ${key}: acknowledged ${present[at]}, stream has ${stored[at] ?? 'nothing'}` });
  }
  v.ok = v.lost + v.duplicated + v.sequenceMismatch + v.keyMismatch + v.outOfOrder + v.readsDisagree === 0;
  return v;
}

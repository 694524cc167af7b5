// The human summary of `millrace load`: traffic, errors by type, server resources, and the loss
// check, with a loud verdict.
import { si } from '../bench/format.js';
import type { LoadReport } from './run.js';

const MiB = 1024 * 1024;
const PROTOCOLS = { http: 'HTTP/2 and HTTP/1.1', tcp: 'TCP', mix: 'HTTP/2, HTTP/1.1 and TCP' } as const;

export function loadSummary(r: LoadReport): string {
  const v = r.verification;
  const s = r.server.resources;
  const p = r.parameters;
  const secs = r.trafficMs / 1000;
  const opsTotal = Object.values(r.ops).reduce((a, b) => a + b, 0);
  const lines = [
    `millrace load: ${p.clients} clients × ${p.lanes} lanes over ${PROTOCOLS[p.protocol]}, ${p.shards} shards, durability ${p.durability}, ${secs.toFixed(1)} s`,
    `  acknowledged ${r.acknowledged.toLocaleString('en-US')} records (${si(r.acknowledged / secs)}records/s), ${opsTotal.toLocaleString('en-US')} operations (${si(opsTotal / secs)}ops/s)`,
    `  operations   ${Object.entries(r.ops).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  errors       ${Object.keys(r.errors).length === 0 ? 'none' : Object.entries(r.errors).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`,
    s.available
      ? `  server       CPU mean ${s.cpuPercentMean.toFixed(0)}% max ${s.cpuPercentMax.toFixed(0)}% of one core (${s.cpuSecondsTotal.toFixed(1)} s), RSS max ${(s.rssBytesMax / MiB).toFixed(0)} MiB, peak ${(s.peakRssBytes / MiB).toFixed(0)} MiB; exit code ${r.server.exitCode}`
      : `  server       CPU/memory unavailable (no /proc on this system); exit code ${r.server.exitCode}`,
    `  read back    ${v.readBack.toLocaleString('en-US')} records; ${v.unacknowledged} never acknowledged (allowed)`,
  ];
  if (r.ok) {
    lines.push(`  VERIFIED: all ${v.acknowledged.toLocaleString('en-US')} acknowledged records present exactly once, in order per partition key`);
  } else {
    lines.push(
      '',
      '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `  FAILED: lost ${v.lost}, duplicated ${v.duplicated}, out of order ${v.outOfOrder}, sequence mismatch ${v.sequenceMismatch}, key mismatch ${v.keyMismatch}, HTTP/TCP reads disagree ${v.readsDisagree}, server exit code ${r.server.exitCode}`,
      ...Object.entries(r.errors).filter(([k]) => k.startsWith('Client')).map(([k, n]) => `    ${k}: ${n} client(s)`),
      ...v.examples.map((e) => `    ${e.kind} ${e.payloadId} (key ${e.key}): ${e.detail}`),
      '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    );
  }
  return lines.join('\n');
}

// The loss check on hand-made ack logs and read-backs: each kind of damage is caught and named.
import { describe, expect, it } from 'vitest';
import type { AckEntry } from '../../src/load/protocol.js';
import { mergeReads, verify, type ReadBackRecord } from '../../src/load/verify.js';

const ack = (key: string, seq: number, id: string): AckEntry => ({ key, sequenceNumber: String(seq), payloadId: id });
const rec = (key: string, seq: number, id: string | undefined, shardId = 'shardId-000000000000'): ReadBackRecord => ({ shardId, key, sequenceNumber: String(seq), payloadId: id });

const logs = [[ack('a', 1, 'p1'), ack('b', 2, 'p2'), ack('a', 3, 'p3')]];
const intact = [rec('a', 1, 'p1'), rec('b', 2, 'p2'), rec('a', 3, 'p3')];

describe('load verification', () => {
  it('passes when every acknowledged record is there once, in order, and allows unacknowledged extras', () => {
    const v = verify(logs, [...intact, rec('a', 4, 'p-extra'), rec('z', 5, undefined)]);
    expect(v).toMatchObject({ ok: true, acknowledged: 3, readBack: 5, lost: 0, unacknowledged: 1 });
  });

  it('catches a lost record', () => {
    const v = verify(logs, [intact[0]!, intact[2]!]);
    expect(v).toMatchObject({ ok: false, lost: 1 });
    expect(v.examples[0]).toMatchObject({ kind: 'lost', payloadId: 'p2', key: 'b' });
  });

  it('catches a duplicate, a changed sequence number and a wrong key', () => {
    expect(verify(logs, [...intact, rec('a', 9, 'p3')])).toMatchObject({ ok: false, duplicated: 1 });
    expect(verify(logs, [intact[0]!, rec('b', 7, 'p2'), intact[2]!])).toMatchObject({ ok: false, sequenceMismatch: 1 });
    expect(verify(logs, [intact[0]!, rec('c', 2, 'p2'), intact[2]!])).toMatchObject({ ok: false, keyMismatch: 1 });
  });

  it('catches records of one key stored out of acknowledgement order', () => {
    const v = verify(logs, [intact[2]!, intact[1]!, intact[0]!]);
    expect(v).toMatchObject({ ok: false, outOfOrder: 1 });
    expect(v.examples[0]).toMatchObject({ kind: 'out-of-order', key: 'a' });
  });

  it('checks TCP acknowledgements (shardId@offset) against the TCP read, and that both reads agree', () => {
    const s = 'shardId-000000000000';
    const http = [rec('a', 1, 'p1'), rec('a', 2, 'p2')];
    const tcp = [{ ...rec('a', 0, 'p1'), sequenceNumber: '', position: `${s}@0` }, { ...rec('a', 0, 'p2'), sequenceNumber: '', position: `${s}@1` }];
    const merged = mergeReads(http, tcp);
    expect(merged.disagree).toBe(0);
    const tcpLog = [[ack('a', 0, 'p1'), { key: 'a', sequenceNumber: `${s}@1`, payloadId: 'p2' }]];
    tcpLog[0]![0]!.sequenceNumber = `${s}@0`;
    expect(verify(tcpLog, merged.records, merged.disagree)).toMatchObject({ ok: true, acknowledged: 2 });
    tcpLog[0]![1]!.sequenceNumber = `${s}@7`;
    expect(verify(tcpLog, merged.records)).toMatchObject({ ok: false, sequenceMismatch: 1 });
    const skewed = mergeReads(http, [tcp[1]!]);
    expect(skewed.disagree).toBe(2);
    expect(verify([], skewed.records, skewed.disagree)).toMatchObject({ ok: false, readsDisagree: 2 });
  });
});

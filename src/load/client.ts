// A `millrace load` client process: lanes of operations against the server (HTTP through the AWS
// SDK, or TCP through the millrace client) until the deadline or its record budget, logging every
// acknowledged record (partition key, identity, payload id) for the harness to verify. Each lane
// owns its partition keys and runs one operation at a time, so a key's acknowledged order is the
// order it was sent in.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { errorType, pause } from '../bench/faces/face.js';
import type { LoadOps, LoadRecord } from './ops.js';
import { httpOps } from './ops-http.js';
import { tcpOps } from './ops-tcp.js';
import { ackLine, PAYLOAD_SEPARATOR, type ClientConfig, type ClientDone, type ClientGo } from './protocol.js';

async function run(c: ClientConfig, go: () => Promise<ClientGo>): Promise<ClientDone> {
  const ops: LoadOps = c.protocol === 'tcp' ? await tcpOps(c.tcpPort!, c.stream) : await httpOps(c.endpoint, c.protocol === 'http1.1' ? '1.1' : '2', c.stream);
  const log = createWriteStream(c.ackFile);
  const done: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const count = (m: Record<string, number>, k: string, n = 1) => (m[k] = (m[k] ?? 0) + n);
  let failures = 0;
  const failed = (err: unknown) => {
    failures++;
    count(errors, errorType(err));
  };
  let acked = 0;
  let claimed = 0;
  let nextPayload = 0;
  let fault = c.fault;

  const record = (key: string): LoadRecord & { payloadId: string } => {
    const payloadId = `c${c.clientId}-${nextPayload++}`;
    const size = Math.max(payloadId.length + 1, Math.floor(32 + Math.random() * (c.recordSize - 32)));
    const data = Buffer.alloc(size, 0x78);
    data.write(payloadId, 0, 'latin1');
    data[payloadId.length] = PAYLOAD_SEPARATOR;
    return { key, data, payloadId };
  };
  const ack = (r: { key: string; payloadId: string }, id: string) => {
    acked++;
    log.write(ackLine({ key: r.key, sequenceNumber: id, payloadId: r.payloadId }));
  };

  async function putRecords(keys: string[]): Promise<void> {
    const n = Math.min(1 + Math.floor(Math.random() * c.batchMax), c.maxRecords - claimed);
    if (n <= 0) return;
    claimed += n;
    const records = Array.from({ length: n }, () => record(keys[Math.floor(Math.random() * keys.length)]!));
    // Test hook: the last record is never sent, yet logged as acknowledged below.
    const dropped = fault === 'drop-one' && n >= 2 ? records.pop() : undefined;
    try {
      const outcome = await ops.putRecords(records);
      count(done, 'PutRecords');
      let lastId = '';
      outcome.forEach((o, i) => {
        if ('error' in o) {
          count(errors, o.error);
          claimed--;
          return;
        }
        ack(records[i]!, o.id);
        lastId = o.id;
      });
      if (dropped && lastId) {
        fault = undefined;
        ack(dropped, lastId);
      }
    } catch (err) {
      failed(err);
      claimed -= n;
    }
  }

  async function putRecord(keys: string[]): Promise<void> {
    if (claimed >= c.maxRecords) return;
    claimed++;
    const r = record(keys[Math.floor(Math.random() * keys.length)]!);
    try {
      ack(r, await ops.putRecord(r));
      count(done, 'PutRecord');
    } catch (err) {
      failed(err);
      claimed--;
    }
  }

  async function other(what: 'read' | 'describe'): Promise<void> {
    try {
      if (what === 'read') {
        await ops.read(c.shardIds[Math.floor(Math.random() * c.shardIds.length)]!, Math.random() < 0.5);
        count(done, 'GetRecords');
      } else count(done, await ops.describe());
    } catch (err) {
      failed(err);
    }
  }

  async function lane(l: number, deadline: number): Promise<void> {
    const keys = Array.from({ length: c.keysPerLane }, (_, k) => `c${c.clientId}-l${l}-k${k}`);
    while (Date.now() < deadline && claimed < c.maxRecords) {
      const failedBefore = failures;
      const r = Math.random();
      if (r < 0.55) await putRecords(keys);
      else if (r < 0.75) await putRecord(keys);
      else if (r < 0.9) await other('read');
      else await other('describe');
      // A failed call (server gone, connection closed) can fail without ever yielding to the event
      // loop: back off on a timer, so the lane does not spin and IPC (disconnect) is still heard.
      if (failures !== failedBefore) await pause(10);
    }
  }

  const { deadline } = await go();
  await Promise.all(Array.from({ length: c.lanes }, (_, l) => lane(l, deadline)));
  log.end();
  await once(log, 'finish');
  await ops.close();
  return { type: 'done', clientId: c.clientId, acked, ops: done, errors };
}

const go = () =>
  new Promise<ClientGo>((resolve) => {
    process.send!({ type: 'ready' });
    process.once('message', resolve);
  });

// The harness gone (killed, interrupted): stop at once rather than run on unattended.
process.on('disconnect', () => process.exit(1));

process.once('message', (config: ClientConfig) => {
  run(config, go).then(
    (result) =>
      process.send!(result, () => {
        process.removeAllListeners('disconnect');
        process.disconnect();
      }),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});

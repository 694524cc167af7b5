// The latency phase's reading side (bench/tcp.mjs): subscriptions from the end of each shard that
// read every record's send stamp (the first 8 bytes of its data: µs since the epoch, f64) and
// record now − stamp in an HDR histogram. Used in the bench's own process, or alone in a child
// process (`CONSUMER=process`): run as a script, it takes the port, stream and shards as
// arguments, prints "ready", takes "reset" and "stop <records sent>" lines on stdin, and prints the
// histogram (compressed base64) and the count received when it stops.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { connect, cursorOf } = await import(join(ROOT, 'dist/client/index.js'));

/** Now, in the stamps' unit: µs since the epoch, comparable across processes on one machine. */
export const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;

export function newHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

/**
 * Subscribes to every shard from its end and records each record's latency. Returns the counts,
 * the histogram (reset it after warm-up) and stop(), which ends the subscriptions.
 */
export async function readStamps(client, stream, shards, reuseBuffers) {
  const histogram = newHistogram();
  const state = { received: 0, histogram };
  let stopping = false;
  const subs = await Promise.all(
    shards.map(async (shardId) => {
      const offset = (await client.getBatch(stream, shardId, { position: { type: 'LATEST' } })).nextOffset;
      return client.subscribe(stream, shardId, { position: { type: 'AT_OFFSET', offset }, recordWindow: 200_000, byteWindow: 64 * 1024 * 1024, reuseBuffers });
    }),
  );
  const reading = subs.map(async (sub) => {
    for await (const e of sub) {
      const now = nowUs();
      for (const b of e.batches) {
        // The stamp is read in place, and recorded once per run of records that share it (a
        // batch's records do): the measuring client takes as little CPU from the server as it can.
        const c = cursorOf(b);
        let stamp = -1;
        let run = 0;
        while (c.next()) {
          const sentAt = b.payload.readDoubleLE(c.dataStart);
          if (sentAt !== stamp) {
            if (run > 0) state.histogram.recordValueWithCount(Math.max(1, Math.round(now - stamp)), run);
            stamp = sentAt;
            run = 0;
          }
          run++;
          state.received++;
        }
        if (run > 0) state.histogram.recordValueWithCount(Math.max(1, Math.round(now - stamp)), run);
      }
      if (stopping) break;
    }
  });
  state.stop = async () => {
    stopping = true;
    for (const sub of subs) await sub.return();
    await Promise.race([Promise.all(reading), new Promise((r) => setTimeout(r, 1000))]);
  };
  return state;
}

/** Waits until `sent` records were received (or 5 s passed), ends the subscriptions, and returns the count and the histogram. */
export async function finishReading(state, sent) {
  const deadline = performance.now() + 5000;
  while (state.received < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await state.stop();
  return { received: state.received, histogram: state.histogram };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, stream, shardList, reuse] = process.argv.slice(2);
  const client = await connect({ port: Number(port) });
  const state = await readStamps(client, stream, shardList.split(','), reuse === '1');
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'reset') state.histogram.reset();
    if (line.startsWith('stop ')) {
      const { received, histogram } = await finishReading(state, Number(line.slice(5)));
      console.log(JSON.stringify({ received, histogram: hdr.encodeIntoCompressedBase64(histogram) }));
      break;
    }
  }
  await client.close();
  process.exit(0);
}

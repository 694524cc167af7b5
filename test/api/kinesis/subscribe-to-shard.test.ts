import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { Millrace } from '../../../src/millrace.js';
import type { SubscribeToShardEvent } from '../../../src/api/kinesis/shapes.js';
import { bytes, failure, openMillrace, text } from './helpers.js';

const ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
const SHARD = 'shardId-000000000000';

async function setup(options: Parameters<typeof openMillrace>[0] = {}) {
  const mr = await openMillrace({ throttling: false, ...options });
  await mr.kinesis.createStream({ StreamName: 's', ShardCount: 1 });
  const { Consumer } = await mr.kinesis.registerStreamConsumer({ StreamARN: ARN, ConsumerName: 'app' });
  return { mr, consumerArn: Consumer.ConsumerARN };
}

async function next(it: AsyncIterator<{ SubscribeToShardEvent: SubscribeToShardEvent }>): Promise<SubscribeToShardEvent> {
  const r = await it.next();
  if (r.done) throw new Error('subscription ended');
  return r.value.SubscribeToShardEvent;
}

function subscribe(mr: Millrace, consumerArn: string, Type: 'LATEST' | 'TRIM_HORIZON' = 'LATEST', signal?: AbortSignal) {
  return mr.kinesis.subscribeToShard({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type } }, { abortSignal: signal });
}

describe('SubscribeToShard', () => {
  it('pushes records as they are put, with continuation numbers', async () => {
    const { mr, consumerArn } = await setup();
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('old'), PartitionKey: 'k' });
    const { EventStream } = await subscribe(mr, consumerArn, 'TRIM_HORIZON');
    const it = EventStream[Symbol.asyncIterator]();
    const first = await next(it);
    expect(first.Records.map((r) => text(r.Data))).toEqual(['old']);
    expect(first.ContinuationSequenceNumber).toBe(first.Records[0]!.SequenceNumber);
    expect(first.MillisBehindLatest).toBe(0);
    const put = await mr.kinesis.putRecords({ StreamName: 's', Records: [{ Data: bytes('a'), PartitionKey: 'k' }, { Data: bytes('b'), PartitionKey: 'k' }] });
    const second = await next(it);
    expect(second.Records.map((r) => text(r.Data))).toEqual(['a', 'b']);
    expect(second.ContinuationSequenceNumber).toBe(put.Records[1]!.SequenceNumber);
    await it.return!();
    expect((await mr.metrics('s')).counters['SubscribeToShardEvent.Records']).toBe(3);
  });

  it('delivers an initial event at once, even with nothing to read', async () => {
    const { mr, consumerArn } = await setup();
    const { EventStream } = await subscribe(mr, consumerArn);
    const it = EventStream[Symbol.asyncIterator]();
    const first = await next(it);
    expect(first.Records).toEqual([]);
    const start = (await mr.kinesis.describeStream({ StreamName: 's' })).StreamDescription.Shards[0]!.SequenceNumberRange.StartingSequenceNumber;
    expect(first.ContinuationSequenceNumber).toBe(start);
    await it.return!();
  });

  it('delivers a put in-process in well under a millisecond at the median', async () => {
    const { mr, consumerArn } = await setup();
    const { EventStream } = await subscribe(mr, consumerArn);
    const it = EventStream[Symbol.asyncIterator]();
    await next(it);
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const pending = next(it);
      await mr.kinesis.putRecord({ StreamName: 's', Data: bytes(`r${i}`), PartitionKey: 'k' });
      const ev = await pending;
      latencies.push(performance.now() - t0);
      expect(ev.Records.map((r) => text(r.Data))).toEqual([`r${i}`]);
    }
    await it.return!();
    latencies.sort((a, b) => a - b);
    // Put + delivery round trip; generous bound for a shared CI machine.
    expect(latencies[25]!).toBeLessThan(5);
  });

  it('allows one subscription per consumer and shard', async () => {
    const { mr, consumerArn } = await setup();
    const a = await subscribe(mr, consumerArn);
    expect(await failure(subscribe(mr, consumerArn))).toEqual({
      name: 'ResourceInUseException',
      message: 'Another active subscription exists for this consumer: 000000000000:s:shardId-000000000000:app',
    });
    const it = a.EventStream[Symbol.asyncIterator]();
    await it.return!();
    const b = await subscribe(mr, consumerArn);
    await b.EventStream[Symbol.asyncIterator]().return!();
  });

  it('ends after its lifetime, sending heartbeats meanwhile', async () => {
    const { mr, consumerArn } = await setup({ subscriptionLifetimeMs: 300, subscriptionHeartbeatMs: 50 });
    const { EventStream } = await subscribe(mr, consumerArn);
    const events: SubscribeToShardEvent[] = [];
    const t0 = Date.now();
    for await (const e of EventStream) events.push(e.SubscribeToShardEvent);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(events.length).toBeGreaterThanOrEqual(3);
    // The consumer may subscribe again.
    const again = await subscribe(mr, consumerArn);
    await again.EventStream[Symbol.asyncIterator]().return!();
  });

  it('ends on abort and when the consumer is deregistered', async () => {
    const { mr, consumerArn } = await setup();
    const ac = new AbortController();
    const { EventStream } = await subscribe(mr, consumerArn, 'LATEST', ac.signal);
    const it = EventStream[Symbol.asyncIterator]();
    await next(it);
    const pending = it.next();
    ac.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');

    const second = await subscribe(mr, consumerArn);
    const it2 = second.EventStream[Symbol.asyncIterator]();
    await next(it2);
    const waiting = it2.next();
    await mr.kinesis.deregisterStreamConsumer({ ConsumerARN: consumerArn });
    expect((await waiting).done).toBe(true);
  });

  it('ends at the end of a closed shard with ChildShards', async () => {
    const { mr, consumerArn } = await setup();
    await mr.kinesis.putRecord({ StreamName: 's', Data: bytes('p'), PartitionKey: 'k' });
    const { EventStream } = await subscribe(mr, consumerArn, 'TRIM_HORIZON');
    const it = EventStream[Symbol.asyncIterator]();
    expect((await next(it)).Records).toHaveLength(1);
    const waiting = next(it);
    await mr.kinesis.splitShard({ StreamName: 's', ShardToSplit: SHARD, NewStartingHashKey: '1000' });
    const last = await waiting;
    expect(last.ContinuationSequenceNumber).toBeUndefined();
    expect(last.ChildShards!.map((c) => c.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    expect((await it.next()).done).toBe(true);
  });

  it('validates its input', async () => {
    const { mr, consumerArn } = await setup();
    expect((await failure(mr.kinesis.subscribeToShard({ ConsumerARN: consumerArn, ShardId: 'shardId-000000000009', StartingPosition: { Type: 'LATEST' } }))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await failure(mr.kinesis.subscribeToShard({ ConsumerARN: consumerArn, ShardId: SHARD } as never))).name).toBe('ValidationException');
    expect(
      (await failure(mr.kinesis.subscribeToShard({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'AT_SEQUENCE_NUMBER' } }))).name,
    ).toBe('InvalidArgumentException');
  });
});

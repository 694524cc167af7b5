// Counters in the spirit of CloudWatch's Kinesis metrics, per stream and per shard, cumulative since
// the data directory was opened. Names are CloudWatch's, so dashboards can be mapped one to one.
// Gauges (iterator age, millis behind latest) keep the latest and the maximum value seen.

export const STREAM_COUNTERS = [
  'IncomingRecords',
  'IncomingBytes',
  'OutgoingRecords',
  'OutgoingBytes',
  'PutRecord.Success',
  'PutRecord.Bytes',
  'PutRecords.Success',
  'PutRecords.Records',
  'PutRecords.Bytes',
  'PutRecords.SuccessfulRecords',
  'PutRecords.FailedRecords',
  'PutRecords.ThrottledRecords',
  'GetRecords.Success',
  'GetRecords.Records',
  'GetRecords.Bytes',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'SubscribeToShard.Success',
  'SubscribeToShard.RateExceeded',
  'SubscribeToShardEvent.Success',
  'SubscribeToShardEvent.Records',
  'SubscribeToShardEvent.Bytes',
] as const;

export const SHARD_COUNTERS = [
  'IncomingRecords',
  'IncomingBytes',
  'OutgoingRecords',
  'OutgoingBytes',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
] as const;

export const GAUGES = ['GetRecords.IteratorAgeMilliseconds', 'SubscribeToShardEvent.MillisBehindLatest'] as const;

export type StreamCounter = (typeof STREAM_COUNTERS)[number];
export type ShardCounter = (typeof SHARD_COUNTERS)[number];
export type Gauge = (typeof GAUGES)[number];

export interface GaugeValue {
  last: number;
  max: number;
}

export interface ShardMetricsSnapshot {
  counters: Record<ShardCounter, number>;
  IteratorAgeMilliseconds: GaugeValue;
}

export interface StreamMetricsSnapshot {
  counters: Record<StreamCounter, number>;
  gauges: Record<Gauge, GaugeValue>;
  shards: Record<string, ShardMetricsSnapshot>;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

class ShardMetrics {
  readonly counters = zeros(SHARD_COUNTERS);
  readonly iteratorAge: GaugeValue = { last: 0, max: 0 };
}

export class StreamMetrics {
  readonly counters = zeros(STREAM_COUNTERS);
  private readonly gauges: Record<Gauge, GaugeValue> = {
    'GetRecords.IteratorAgeMilliseconds': { last: 0, max: 0 },
    'SubscribeToShardEvent.MillisBehindLatest': { last: 0, max: 0 },
  };
  private readonly shards = new Map<string, ShardMetrics>();

  add(name: StreamCounter, n = 1): void {
    this.counters[name] += n;
  }

  gauge(name: Gauge, value: number): void {
    const g = this.gauges[name];
    g.last = value;
    if (value > g.max) g.max = value;
  }

  shard(shardId: string): ShardMetrics {
    let m = this.shards.get(shardId);
    if (!m) this.shards.set(shardId, (m = new ShardMetrics()));
    return m;
  }

  /** Adds to a shard counter and to the stream counter of the same name. */
  addShard(shardId: string, name: ShardCounter, n = 1): void {
    this.shard(shardId).counters[name] += n;
    this.counters[name] += n;
  }

  iteratorAge(shardId: string, ms: number): void {
    const g = this.shard(shardId).iteratorAge;
    g.last = ms;
    if (ms > g.max) g.max = ms;
    this.gauge('GetRecords.IteratorAgeMilliseconds', ms);
  }

  snapshot(): StreamMetricsSnapshot {
    const shards: Record<string, ShardMetricsSnapshot> = {};
    for (const [id, m] of this.shards) shards[id] = { counters: { ...m.counters }, IteratorAgeMilliseconds: { ...m.iteratorAge } };
    return {
      counters: { ...this.counters },
      gauges: {
        'GetRecords.IteratorAgeMilliseconds': { ...this.gauges['GetRecords.IteratorAgeMilliseconds'] },
        'SubscribeToShardEvent.MillisBehindLatest': { ...this.gauges['SubscribeToShardEvent.MillisBehindLatest'] },
      },
      shards,
    };
  }
}

// Millrace's own read-out of the CloudWatch-style counters (src/streams/metrics.ts): not an AWS
// action, so it lives outside the kinesisActions table. Faces may expose it as they see fit.
import type { StreamMetricsSnapshot } from '../streams/metrics.js';
import { findStream } from './kinesis/common.js';
import type { KinesisContext } from './kinesis/context.js';
import type { StreamRef } from './kinesis/shapes.js';
import { validateInput, STREAM_REF } from './validate.js';

const shape = { type: 'structure', members: { ...STREAM_REF } } as const;

export interface StreamMetricsOutput extends StreamMetricsSnapshot {
  StreamName: string;
  StreamARN: string;
}

export async function getStreamMetrics(ctx: KinesisContext, input: StreamRef): Promise<StreamMetricsOutput> {
  const req = validateInput<StreamRef>(input, shape);
  const stream = findStream(ctx, req);
  return { StreamName: stream.name, StreamARN: ctx.engine.streamArn(stream.name), ...ctx.engine.metrics(stream.name).snapshot() };
}

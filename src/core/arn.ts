// ARNs of Data Streams resources, in AWS's formats:
//   stream    arn:aws:kinesis:<region>:<account>:stream/<name>
//   consumer  arn:aws:kinesis:<region>:<account>:stream/<name>/consumer/<consumer>:<created epoch seconds>

/** AWS's validation patterns for the StreamARN and ConsumerARN request members. */
export const STREAM_ARN_PATTERN = 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+';
export const CONSUMER_ARN_PATTERN = '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+';

export interface StreamArnParts {
  partition: string;
  region: string;
  account: string;
  streamName: string;
}

export interface ConsumerArnParts extends StreamArnParts {
  streamArn: string;
  consumerName: string;
  /** Creation time of the consumer, epoch seconds. */
  createdSeconds: number;
}

export function streamArn(region: string, account: string, streamName: string): string {
  return `arn:aws:kinesis:${region}:${account}:stream/${streamName}`;
}

export function consumerArn(stream: string, consumerName: string, createdMs: number): string {
  return `${stream}/consumer/${consumerName}:${Math.floor(createdMs / 1000)}`;
}

const STREAM_RE = /^arn:(aws[a-z-]*):kinesis:([a-z0-9-]*):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;
const CONSUMER_RE = /^(arn:(aws[a-z-]*):kinesis:([a-z0-9-]*):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128}))\/consumer\/([a-zA-Z0-9_.-]{1,128}):(\d+)$/;

export function parseStreamArn(arn: string): StreamArnParts | undefined {
  const m = STREAM_RE.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, region: m[2]!, account: m[3]!, streamName: m[4]! };
}

export function parseConsumerArn(arn: string): ConsumerArnParts | undefined {
  const m = CONSUMER_RE.exec(arn);
  if (!m) return undefined;
  return {
    streamArn: m[1]!,
    partition: m[2]!,
    region: m[3]!,
    account: m[4]!,
    streamName: m[5]!,
    consumerName: m[6]!,
    createdSeconds: Number(m[7]),
  };
}

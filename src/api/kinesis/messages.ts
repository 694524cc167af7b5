// AWS's error messages, in one place. Real clients and tools parse some of these (the KCL looks
// for "Rate exceeded", tests match "not found"), so wording matters. Sources: responses recorded
// by kinesalite (lib actions/*.js, validated against the live service) and messages quoted in
// public issue trackers. Where AWS's wording is unknown the message follows its style and is
// marked "(ours)".
import { shardIdOf } from '../../core/ids.js';

export const msg = {
  streamNotFound: (name: string, account: string) => `Stream ${name} under account ${account} not found.`,
  streamExists: (name: string, account: string) => `Stream ${name} under account ${account} already exists.`,
  streamNotActive: (name: string, account: string, status: string) => `Stream ${name} under account ${account} not ACTIVE, instead in state ${status}`,
  /** (ours) */
  streamNameOrArn: () => 'Either StreamName or StreamARN must be provided.',
  /** (ours) */
  streamNameArnMismatch: (name: string, arn: string) => `StreamName ${name} and StreamARN ${arn} do not refer to the same stream.`,
  shardDoesNotExist: (shardId: string, name: string, account: string) => `Shard ${shardId} in stream ${name} under account ${account} does not exist`,
  couldNotFindShard: (shardId: string, name: string, account: string) => `Could not find shard ${shardId} in stream ${name} under account ${account}.`,
  shardLimit: (account: string, region: string, current: number, limit: number, extra: number) =>
    `This request would exceed the shard limit for the account ${account} in ${region}. Current shard count for the account: ${current}. ` +
    `Limit: ${limit}. Number of additional shards that would have resulted from this request: ${extra}. Refer to the AWS Service Limits page ` +
    '(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.',
  /** (ours) */
  onDemandStreamLimit: (account: string, limit: number) => `This request would exceed the on-demand stream count limit of ${limit} for the account ${account}.`,
  writeRateExceeded: (shard: number, name: string, account: string) => `Rate exceeded for shard ${shardIdOf(shard)} in stream ${name} under account ${account}.`,
  readRateExceeded: (shard: number, name: string, account: string) => `Rate exceeded for Shard - ${account}/${name}/${shardIdOf(shard)}`,
  invalidShardIterator: () => 'Invalid ShardIterator.',
  expiredIterator: (created: number, now: number, ttl: number) =>
    `Iterator expired. The iterator was created at time ${amzUtc(created)} while right now it is ${amzUtc(now)} which is further in the future than the tolerated delay of ${ttl} milliseconds.`,
  explicitHashKey: (value: string) => `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${value}`,
  sequenceForOrdering: (seq: string, name: string, account: string) =>
    `ExclusiveMinimumSequenceNumber ${seq} used in PutRecord on stream ${name} under account ${account} is invalid.`,
  iteratorTypeNeedsSequence: (type: string) =>
    'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
    `Request specified ${type} and no StartingSequenceNumber.`,
  iteratorTypeForbidsSequence: (type: string) =>
    'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
    `Request specified ${type} and also a StartingSequenceNumber.`,
  startingSequenceInvalid: (seq: string, shardId: string, name: string, account: string) =>
    `StartingSequenceNumber ${seq} used in GetShardIterator on shard ${shardId} in stream ${name} under account ${account} is invalid.`,
  startingSequenceOtherShard: (encoded: number, shardId: string) =>
    `Invalid StartingSequenceNumber. It encodes ${shardIdOf(encoded)}, while it was used in a call to a shard with ${shardId}`,
  startingSequenceOtherStream: (seq: string, shardId: string, name: string, account: string) =>
    `StartingSequenceNumber ${seq} used in GetShardIterator on shard ${shardId} in stream ${name} under account ${account} is invalid because it did not come from this stream.`,
  timestampMissing: () => 'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
  timestampInFuture: (ts: number, now: number) =>
    `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${ts}, currentTimestampInMillis: ${now}`,
  retentionTooShort: (hours: number) => `Minimum allowed retention period is 24 hours. Requested retention period (${hours} hours) is too short.`,
  retentionTooLong: (hours: number) => `Maximum allowed retention period is 8760 hours. Requested retention period (${hours} hours) is too long.`,
  retentionNotLonger: (hours: number, name: string, current: number) =>
    `Requested retention period (${hours} hours) for stream ${name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
  retentionNotShorter: (hours: number, name: string, current: number) =>
    `Requested retention period (${hours} hours) for stream ${name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
  splitKeyOutOfRange: (key: string, shardId: string, name: string, account: string, start: string, end: string) =>
    `NewStartingHashKey ${key} used in SplitShard() on shard ${shardId} in stream ${name} under account ${account} is not both greater than one plus the shard's StartingHashKey ${start} and less than the shard's EndingHashKey ${end}.`,
  shardClosed: (shardId: string, name: string, account: string) => `Shard ${shardId} in stream ${name} under account ${account} has already been merged or split, and thus is not eligible for merging or splitting.`,
  notAdjacent: (a: string, b: string, name: string, account: string) =>
    `Shards ${a} and ${b} in stream ${name} under account ${account} are not an adjacent pair of shards eligible for merging`,
  scaleUpTooFar: (current: number, target: number) =>
    `UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: ${current} Target shard count: ${target}`,
  scaleDownTooFar: (current: number, target: number) =>
    `UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: ${current} Target shard count: ${target}`,
  scaleTooOften: (name: string, account: string) =>
    `Stream ${name} under account ${account} has already been scaled 10 times in the last 24 hours. Please try again later.`,
  /** (ours) */
  scaleOnDemand: (name: string) => `UpdateShardCount is not supported for stream ${name} in ON_DEMAND capacity mode.`,
  /** (ours) */
  shardCountRequired: () => 'ShardCount is required for a stream in PROVISIONED capacity mode.',
  tagsInvalidChars: () => 'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
  tagsTooMany: (name: string, account: string) =>
    `Failed to add tags to stream ${name} under account ${account} because a given stream cannot have more than 50 tags associated with it.`,
  tagsAwsPrefix: () => 'Tag keys cannot begin with the prefix "aws:".',
  recordsTooLarge: (limit: number) => `Records size exceeds ${limit / (1024 * 1024)} MB limit`,
  /** (ours) */
  recordTooLarge: (size: number, limit: number) => `Record size ${size} bytes exceeds the stream's maximum record size of ${limit} bytes.`,
  consumerNotFound: (name: string, streamArn: string) => `Consumer ${name} under stream ${streamArn} not found.`,
  consumerArnNotFound: (arn: string) => `Consumer ${arn} not found.`,
  consumerExists: (name: string, streamArn: string) => `Consumer ${name} under stream ${streamArn} already exists.`,
  consumerNotActive: (name: string, created: number, stream: string, account: string) =>
    `Consumer ${name} with creation timestamp ${Math.floor(created / 1000)} under stream ${stream} and account ${account} is not in ACTIVE status.`,
  consumerRefRequired: () => 'Either ConsumerARN or both StreamARN and ConsumerName must be provided.',
  consumerLimit: (streamArn: string) => `Stream ${streamArn} has reached the maximum of 20 registered consumers.`,
  activeSubscription: (account: string, name: string, shardId: string, consumer: string) =>
    `Another active subscription exists for this consumer: ${account}:${name}:${shardId}:${consumer}`,
  streamHasConsumers: (name: string, account: string) =>
    `Stream ${name} under account ${account} has registered consumers. Deregister the consumers or use EnforceConsumerDeletion.`,
  listShardsTokenAndName: () => 'NextToken and StreamName cannot be provided together.',
  listShardsNeedsTokenOrName: () => 'Either NextToken or StreamName should be provided.',
  invalidNextToken: () => 'Invalid NextToken.',
  expiredNextToken: (token: string) => `The timestamp of the NextToken ${token} is expired`,
  resourceNotFound: (arn: string) => `Resource ${arn} not found.`,
  policyNotFound: (arn: string) => `No resource policy found for resource ${arn}.`,
  /** (ours) */
  policyInvalid: () => 'Policy is not a valid JSON document.',
  /** (ours) */
  encryptionTypeNone: () => 'EncryptionType NONE is not valid for StartStreamEncryption; use StopStreamEncryption.',
  /** (ours) */
  encryptionMismatch: (name: string) => `The encryption settings given do not match those of stream ${name}.`,
  /** (ours) */
  modeUnchanged: (name: string, mode: string) => `Stream ${name} is already in ${mode} capacity mode.`,
} as const;

/** "Thu Jan 22 01:22:02 UTC 2015", the Java Date format AWS prints in iterator messages. */
export function amzUtc(ms: number): string {
  const m = /^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/.exec(new Date(ms).toUTCString());
  if (!m) return new Date(ms).toISOString();
  return `${m[1]} ${m[3]} ${m[2]} ${m[5]} UTC ${m[4]}`;
}

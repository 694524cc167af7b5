// Request and response shapes of Kinesis Data Streams, as @aws-sdk/client-kinesis declares them
// (PascalCase members, Uint8Array data, Date timestamps). Declared here because the SDK is only a
// dev dependency; kept member-for-member compatible so code moves between the two unchanged.

export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';
export type EncryptionType = 'NONE' | 'KMS';
export type ConsumerStatus = 'CREATING' | 'DELETING' | 'ACTIVE';
export type ShardIteratorType = 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
export type ShardFilterType = 'AFTER_SHARD_ID' | 'AT_TRIM_HORIZON' | 'FROM_TRIM_HORIZON' | 'AT_LATEST' | 'AT_TIMESTAMP' | 'FROM_TIMESTAMP';
export type ScalingType = 'UNIFORM_SCALING';
export type MetricsName =
  | 'IncomingBytes'
  | 'IncomingRecords'
  | 'OutgoingBytes'
  | 'OutgoingRecords'
  | 'WriteProvisionedThroughputExceeded'
  | 'ReadProvisionedThroughputExceeded'
  | 'IteratorAgeMilliseconds'
  | 'ALL';
export type MinimumThroughputBillingCommitmentStatus = 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END';

export const SHARD_ITERATOR_TYPES: readonly ShardIteratorType[] = ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'];
export const SHARD_FILTER_TYPES: readonly ShardFilterType[] = ['AFTER_SHARD_ID', 'AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON', 'AT_LATEST', 'AT_TIMESTAMP', 'FROM_TIMESTAMP'];
export const METRICS_NAMES: readonly MetricsName[] = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
  'ALL',
];

/** The three ways a request can name a stream. */
export interface StreamRef {
  StreamName?: string;
  StreamARN?: string;
  StreamId?: string;
}

export interface HashKeyRange {
  StartingHashKey: string;
  EndingHashKey: string;
}
export interface SequenceNumberRange {
  StartingSequenceNumber: string;
  EndingSequenceNumber?: string;
}
export interface Shard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: HashKeyRange;
  SequenceNumberRange: SequenceNumberRange;
}
export interface ChildShard {
  ShardId: string;
  ParentShards: string[];
  HashKeyRange: HashKeyRange;
}
export interface StreamModeDetails {
  StreamMode: StreamMode;
}
export interface EnhancedMetrics {
  ShardLevelMetrics?: MetricsName[];
}
export interface Tag {
  Key: string;
  Value?: string;
}

// --- streams -------------------------------------------------------------------------------------
export interface CreateStreamInput {
  StreamName: string;
  ShardCount?: number;
  StreamModeDetails?: StreamModeDetails;
  Tags?: Record<string, string>;
  MaxRecordSizeInKiB?: number;
}
export type CreateStreamOutput = Record<string, never>;

export interface DeleteStreamInput extends StreamRef {
  EnforceConsumerDeletion?: boolean;
}
export type DeleteStreamOutput = Record<string, never>;

export interface DescribeStreamInput extends StreamRef {
  Limit?: number;
  ExclusiveStartShardId?: string;
}
export interface StreamDescription {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails?: StreamModeDetails;
  Shards: Shard[];
  HasMoreShards: boolean;
  RetentionPeriodHours: number;
  StreamCreationTimestamp: Date;
  EnhancedMonitoring: EnhancedMetrics[];
  EncryptionType?: EncryptionType;
  KeyId?: string;
}
export interface DescribeStreamOutput {
  StreamDescription: StreamDescription;
}

export type DescribeStreamSummaryInput = StreamRef;
export interface StreamDescriptionSummary {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails?: StreamModeDetails;
  RetentionPeriodHours: number;
  StreamCreationTimestamp: Date;
  EnhancedMonitoring: EnhancedMetrics[];
  EncryptionType?: EncryptionType;
  KeyId?: string;
  OpenShardCount: number;
  ConsumerCount?: number;
  MaxRecordSizeInKiB?: number;
}
export interface DescribeStreamSummaryOutput {
  StreamDescriptionSummary: StreamDescriptionSummary;
}

export interface ListStreamsInput {
  Limit?: number;
  ExclusiveStartStreamName?: string;
  NextToken?: string;
}
export interface StreamSummary {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails?: StreamModeDetails;
  StreamCreationTimestamp?: Date;
}
export interface ListStreamsOutput {
  StreamNames: string[];
  HasMoreStreams: boolean;
  NextToken?: string;
  StreamSummaries?: StreamSummary[];
}

export interface ShardFilter {
  Type: ShardFilterType;
  ShardId?: string;
  Timestamp?: Date;
}
export interface ListShardsInput extends StreamRef {
  NextToken?: string;
  ExclusiveStartShardId?: string;
  MaxResults?: number;
  StreamCreationTimestamp?: Date;
  ShardFilter?: ShardFilter;
}
export interface ListShardsOutput {
  Shards?: Shard[];
  NextToken?: string;
}

export interface RetentionPeriodInput extends StreamRef {
  RetentionPeriodHours: number;
}
export type IncreaseStreamRetentionPeriodInput = RetentionPeriodInput;
export type DecreaseStreamRetentionPeriodInput = RetentionPeriodInput;

export interface UpdateStreamModeInput {
  StreamARN: string;
  StreamModeDetails: StreamModeDetails;
  StreamId?: string;
}

// --- resharding ----------------------------------------------------------------------------------
export interface SplitShardInput extends StreamRef {
  ShardToSplit: string;
  NewStartingHashKey: string;
}
export interface MergeShardsInput extends StreamRef {
  ShardToMerge: string;
  AdjacentShardToMerge: string;
}
export interface UpdateShardCountInput extends StreamRef {
  TargetShardCount: number;
  ScalingType: ScalingType;
}
export interface UpdateShardCountOutput {
  StreamName?: string;
  CurrentShardCount?: number;
  TargetShardCount?: number;
  StreamARN?: string;
}

// --- records -------------------------------------------------------------------------------------
export interface PutRecordInput extends StreamRef {
  Data: Uint8Array;
  PartitionKey: string;
  ExplicitHashKey?: string;
  SequenceNumberForOrdering?: string;
}
export interface PutRecordOutput {
  ShardId: string;
  SequenceNumber: string;
  EncryptionType?: EncryptionType;
}
export interface PutRecordsRequestEntry {
  Data: Uint8Array;
  ExplicitHashKey?: string;
  PartitionKey: string;
}
export interface PutRecordsInput extends StreamRef {
  Records: PutRecordsRequestEntry[];
}
export interface PutRecordsResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}
export interface PutRecordsOutput {
  FailedRecordCount?: number;
  Records: PutRecordsResultEntry[];
  EncryptionType?: EncryptionType;
}

export interface GetShardIteratorInput extends StreamRef {
  ShardId: string;
  ShardIteratorType: ShardIteratorType;
  StartingSequenceNumber?: string;
  Timestamp?: Date;
}
export interface GetShardIteratorOutput {
  ShardIterator?: string;
}

export interface GetRecordsInput {
  ShardIterator: string;
  Limit?: number;
  StreamARN?: string;
  StreamId?: string;
}
export interface KinesisRecord {
  SequenceNumber: string;
  ApproximateArrivalTimestamp?: Date;
  Data: Uint8Array;
  PartitionKey?: string;
  EncryptionType?: EncryptionType;
}
export interface GetRecordsOutput {
  Records: KinesisRecord[];
  NextShardIterator?: string;
  MillisBehindLatest?: number;
  ChildShards?: ChildShard[];
}

// --- consumers -----------------------------------------------------------------------------------
export interface Consumer {
  ConsumerName: string;
  ConsumerARN: string;
  ConsumerStatus: ConsumerStatus;
  ConsumerCreationTimestamp: Date;
}
export interface ConsumerDescription extends Consumer {
  StreamARN: string;
}
export interface RegisterStreamConsumerInput {
  StreamARN: string;
  ConsumerName: string;
  Tags?: Record<string, string>;
  StreamId?: string;
}
export interface RegisterStreamConsumerOutput {
  Consumer: Consumer;
}
export interface ConsumerRef {
  StreamARN?: string;
  ConsumerName?: string;
  ConsumerARN?: string;
  StreamId?: string;
}
export type DeregisterStreamConsumerInput = ConsumerRef;
export type DescribeStreamConsumerInput = ConsumerRef;
export interface DescribeStreamConsumerOutput {
  ConsumerDescription: ConsumerDescription;
}
export interface ListStreamConsumersInput {
  StreamARN: string;
  NextToken?: string;
  MaxResults?: number;
  StreamCreationTimestamp?: Date;
  StreamId?: string;
}
export interface ListStreamConsumersOutput {
  Consumers?: Consumer[];
  NextToken?: string;
}

export interface StartingPosition {
  Type: ShardIteratorType;
  SequenceNumber?: string;
  Timestamp?: Date;
}
export interface SubscribeToShardInput {
  ConsumerARN: string;
  ShardId: string;
  StartingPosition: StartingPosition;
  StreamId?: string;
}
export interface SubscribeToShardEvent {
  Records: KinesisRecord[];
  /** Undefined in the last event of a closed shard (the one carrying ChildShards), as on AWS. */
  ContinuationSequenceNumber: string | undefined;
  MillisBehindLatest: number;
  ChildShards?: ChildShard[];
}
/** One event of the subscription stream; errors end the stream by throwing instead. */
export interface SubscribeToShardEventStreamMember {
  SubscribeToShardEvent: SubscribeToShardEvent;
}
export interface SubscribeToShardOutput {
  EventStream: AsyncIterable<SubscribeToShardEventStreamMember>;
}

// --- tags, policies ------------------------------------------------------------------------------
export interface AddTagsToStreamInput extends StreamRef {
  Tags: Record<string, string>;
}
export interface RemoveTagsFromStreamInput extends StreamRef {
  TagKeys: string[];
}
export interface ListTagsForStreamInput extends StreamRef {
  ExclusiveStartTagKey?: string;
  Limit?: number;
}
export interface ListTagsForStreamOutput {
  Tags: Tag[];
  HasMoreTags: boolean;
}
export interface TagResourceInput {
  ResourceARN: string;
  Tags: Record<string, string>;
  StreamId?: string;
}
export interface UntagResourceInput {
  ResourceARN: string;
  TagKeys: string[];
  StreamId?: string;
}
export interface ListTagsForResourceInput {
  ResourceARN: string;
  StreamId?: string;
}
export interface ListTagsForResourceOutput {
  Tags?: Tag[];
}
export interface PutResourcePolicyInput {
  ResourceARN: string;
  Policy: string;
  StreamId?: string;
}
export interface GetResourcePolicyInput {
  ResourceARN: string;
  StreamId?: string;
}
export interface GetResourcePolicyOutput {
  Policy: string;
}
export type DeleteResourcePolicyInput = GetResourcePolicyInput;

// --- encryption, monitoring, limits, account -----------------------------------------------------
export interface StreamEncryptionInput extends StreamRef {
  EncryptionType: EncryptionType;
  KeyId: string;
}
export type StartStreamEncryptionInput = StreamEncryptionInput;
export type StopStreamEncryptionInput = StreamEncryptionInput;

export interface EnhancedMonitoringInput extends StreamRef {
  ShardLevelMetrics: MetricsName[];
}
export type EnableEnhancedMonitoringInput = EnhancedMonitoringInput;
export type DisableEnhancedMonitoringInput = EnhancedMonitoringInput;
export interface EnhancedMonitoringOutput {
  StreamName?: string;
  CurrentShardLevelMetrics?: MetricsName[];
  DesiredShardLevelMetrics?: MetricsName[];
  StreamARN?: string;
}

export type DescribeLimitsInput = Record<string, never>;
export interface DescribeLimitsOutput {
  ShardLimit: number;
  OpenShardCount: number;
  OnDemandStreamCount: number;
  OnDemandStreamCountLimit: number;
}

export interface MinimumThroughputBillingCommitmentOutput {
  Status: MinimumThroughputBillingCommitmentStatus;
  StartedAt?: Date;
  EndedAt?: Date;
  EarliestAllowedEndAt?: Date;
}
export type DescribeAccountSettingsInput = Record<string, never>;
export interface DescribeAccountSettingsOutput {
  MinimumThroughputBillingCommitment?: MinimumThroughputBillingCommitmentOutput;
}
export interface UpdateAccountSettingsInput {
  MinimumThroughputBillingCommitment: { Status: 'ENABLED' | 'DISABLED' };
}
export interface UpdateAccountSettingsOutput {
  MinimumThroughputBillingCommitment?: MinimumThroughputBillingCommitmentOutput;
}

export type EmptyOutput = Record<string, never>;

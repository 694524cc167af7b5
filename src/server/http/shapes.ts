// Which members of each action's input and output are blobs or timestamps: the only per-action
// knowledge the wire needs. JSON carries blobs as base64 and timestamps as epoch seconds; CBOR
// carries blobs as byte strings and timestamps as tag 1; the operations see Uint8Array and Date.
//
// Paths: `a.b` is a member of a structure, `a[]` every element of a list. test/server/http/shapes
// checks this table against the schemas shipped in @aws-sdk/client-kinesis for every operation.
import { wireErrors } from './errors.js';

export interface MemberPaths {
  readonly blob?: readonly string[];
  readonly timestamp?: readonly string[];
}

export interface ActionShape {
  readonly input?: MemberPaths;
  readonly output?: MemberPaths;
  /** For event-stream operations: the output member holding the stream, and each event's paths. */
  readonly eventStream?: { readonly member: string; readonly events: Readonly<Record<string, MemberPaths>> };
}

const record: MemberPaths = { blob: ['Records[].Data'], timestamp: ['Records[].ApproximateArrivalTimestamp'] };
const channel: MemberPaths = {
  timestamp: ['ChannelDescription.ChannelCreationTimestamp', 'ChannelDescription.StreamConfigurationList[].StreamCreationTimestamp'],
};
const commitment: MemberPaths = {
  timestamp: [
    'MinimumThroughputBillingCommitment.StartedAt',
    'MinimumThroughputBillingCommitment.EndedAt',
    'MinimumThroughputBillingCommitment.EarliestAllowedEndAt',
  ],
};

/** Kinesis_20131202: actions absent from this table have neither blobs nor timestamps. */
export const kinesisShapes: Readonly<Record<string, ActionShape>> = {
  PutRecord: { input: { blob: ['Data'] } },
  PutRecords: { input: { blob: ['Records[].Data'] } },
  GetRecords: { output: record },
  GetShardIterator: { input: { timestamp: ['Timestamp'] } },
  SubscribeToShard: {
    input: { timestamp: ['StartingPosition.Timestamp'] },
    eventStream: { member: 'EventStream', events: { SubscribeToShardEvent: record } },
  },
  ListShards: { input: { timestamp: ['StreamCreationTimestamp', 'ShardFilter.Timestamp'] } },
  ListStreams: { output: { timestamp: ['StreamSummaries[].StreamCreationTimestamp'] } },
  ListStreamConsumers: {
    input: { timestamp: ['StreamCreationTimestamp'] },
    output: { timestamp: ['Consumers[].ConsumerCreationTimestamp'] },
  },
  DescribeStream: { output: { timestamp: ['StreamDescription.StreamCreationTimestamp'] } },
  DescribeStreamSummary: { output: { timestamp: ['StreamDescriptionSummary.StreamCreationTimestamp'] } },
  DescribeStreamConsumer: { output: { timestamp: ['ConsumerDescription.ConsumerCreationTimestamp'] } },
  RegisterStreamConsumer: { output: { timestamp: ['Consumer.ConsumerCreationTimestamp'] } },
  DescribeAccountSettings: { output: commitment },
  UpdateAccountSettings: { output: commitment },
  CreateChannel: { output: channel },
  DescribeChannel: { output: channel },
  UpdateChannel: { output: channel },
  ListChannels: {
    input: { timestamp: ['StreamFilter[].StreamCreationTimestamp'] },
    output: {
      timestamp: ['ChannelSummaries[].ChannelCreationTimestamp', 'ChannelSummaries[].Streams[].StreamCreationTimestamp'],
    },
  },
};

/** Every Kinesis_20131202 action of the AWS API (2025 model), the default routing table. */
export const kinesisActionNames: readonly string[] = [
  'AddTagsToStream', 'CreateChannel', 'CreateStream', 'DecreaseStreamRetentionPeriod', 'DeleteChannel',
  'DeleteResourcePolicy', 'DeleteStream', 'DeregisterStreamConsumer', 'DescribeAccountSettings', 'DescribeChannel',
  'DescribeLimits', 'DescribeStream', 'DescribeStreamConsumer', 'DescribeStreamSummary', 'DisableEnhancedMonitoring',
  'EnableEnhancedMonitoring', 'GetRecords', 'GetResourcePolicy', 'GetShardIterator', 'IncreaseStreamRetentionPeriod',
  'ListChannels', 'ListShards', 'ListStreamConsumers', 'ListStreams', 'ListTagsForResource', 'ListTagsForStream',
  'MergeShards', 'PutRecord', 'PutRecords', 'PutResourcePolicy', 'RegisterStreamConsumer', 'RemoveTagsFromStream',
  'SplitShard', 'StartStreamEncryption', 'StopStreamEncryption', 'SubscribeToShard', 'TagResource', 'UntagResource',
  'UpdateAccountSettings', 'UpdateChannel', 'UpdateMaxRecordSize', 'UpdateShardCount', 'UpdateStreamMode',
  'UpdateStreamRecordDistributionStrategy', 'UpdateStreamWarmThroughput',
];

// ---- compiled paths ------------------------------------------------------------------------------

type Kind = 'blob' | 'timestamp';
/** A tree of the paths of one shape: leaves say what to convert. */
export type PathTree = { readonly leaf: Kind } | { readonly members: ReadonlyMap<string, PathTree> } | { readonly items: PathTree };

interface MutableNode {
  leaf?: Kind;
  members?: Map<string, MutableNode>;
  items?: MutableNode;
}

export function compilePaths(paths: MemberPaths | undefined): PathTree | undefined {
  if (!paths) return undefined;
  const root: MutableNode = {};
  for (const kind of ['blob', 'timestamp'] as const) {
    for (const path of paths[kind] ?? []) {
      let node = root;
      for (const segment of path.split('.')) {
        const list = segment.endsWith('[]');
        const name = list ? segment.slice(0, -2) : segment;
        node.members ??= new Map();
        let child = node.members.get(name);
        if (!child) node.members.set(name, (child = {}));
        if (list) child = child.items ??= {};
        node = child;
      }
      node.leaf = kind;
    }
  }
  return root as PathTree;
}

export interface CompiledShape {
  readonly input?: PathTree;
  readonly output?: PathTree;
  readonly eventStream?: { readonly member: string; readonly events: ReadonlyMap<string, PathTree | undefined> };
}

export function compileShapes(table: Readonly<Record<string, ActionShape>>): ReadonlyMap<string, CompiledShape> {
  const out = new Map<string, CompiledShape>();
  for (const [action, shape] of Object.entries(table)) {
    out.set(action, {
      input: compilePaths(shape.input),
      output: compilePaths(shape.output),
      eventStream: shape.eventStream && {
        member: shape.eventStream.member,
        events: new Map(Object.entries(shape.eventStream.events).map(([k, v]) => [k, compilePaths(v)])),
      },
    });
  }
  return out;
}

// ---- conversion ----------------------------------------------------------------------------------

/** How one wire format represents blobs and timestamps, in both directions. */
export interface LeafCodec {
  /** Wire value -> Uint8Array / Date; throws a SerializationException. */
  readonly readBlob: (v: unknown) => Uint8Array;
  readonly readTimestamp: (v: unknown) => Date;
  /** Uint8Array / Date (or what the operations return instead) -> wire value. */
  readonly writeBlob: (v: unknown) => unknown;
  readonly writeTimestamp: (v: unknown) => unknown;
}

/**
 * Converts the members of a freshly decoded request in place (the request is ours to change).
 * Null and absent members are left alone; shapes of the wrong kind (a string where a list is
 * expected) are left for the operation's validation, which knows AWS's wording for them.
 */
export function readInput(tree: PathTree | undefined, value: unknown, codec: LeafCodec): unknown {
  if (!tree || value === null || typeof value !== 'object') return value;
  if ('members' in tree) {
    if (Array.isArray(value)) return value;
    const obj = value as Record<string, unknown>;
    for (const [name, child] of tree.members) {
      const v = obj[name];
      if (v === undefined || v === null || !Object.hasOwn(obj, name)) continue;
      obj[name] = 'leaf' in child ? readLeaf(child.leaf, v, codec) : readInput(child, v, codec);
    }
  } else if ('items' in tree) {
    if (!Array.isArray(value)) return value;
    const child = tree.items;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v === undefined || v === null) continue;
      value[i] = 'leaf' in child ? readLeaf(child.leaf, v, codec) : readInput(child, v, codec);
    }
  }
  return value;
}

function readLeaf(kind: Kind, v: unknown, codec: LeafCodec): unknown {
  return kind === 'blob' ? codec.readBlob(v) : codec.readTimestamp(v);
}

/**
 * Converts an operation's result for the wire without touching it (results may be shared or
 * cached): only the objects and arrays on a converted path are copied, shallowly.
 */
export function writeOutput(tree: PathTree | undefined, value: unknown, codec: LeafCodec): unknown {
  if (!tree || value === null || typeof value !== 'object') return value;
  if ('members' in tree) {
    if (Array.isArray(value) || value instanceof Uint8Array || value instanceof Date) return value;
    const src = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const [name, child] of tree.members) {
      const v = src[name];
      if (v === undefined || v === null) continue;
      const converted = 'leaf' in child ? writeLeaf(child.leaf, v, codec) : writeOutput(child, v, codec);
      if (converted !== v) (out ??= { ...src })[name] = converted;
    }
    return out ?? value;
  }
  if ('items' in tree) {
    if (!Array.isArray(value)) return value;
    const child = tree.items;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined || v === null) continue;
      const converted = 'leaf' in child ? writeLeaf(child.leaf, v, codec) : writeOutput(child, v, codec);
      if (converted !== v) (out ??= value.slice())[i] = converted;
    }
    return out ?? value;
  }
  return value;
}

function writeLeaf(kind: Kind, v: unknown, codec: LeafCodec): unknown {
  return kind === 'blob' ? codec.writeBlob(v) : codec.writeTimestamp(v);
}

/** The SerializationException AWS sends for a value of the wrong type, in its wording. */
export function wrongType(v: unknown, target: 'a Blob' | 'milliseconds since epoch'): Error {
  const javaClass =
    typeof v === 'boolean'
      ? 'class java.lang.Boolean'
      : typeof v === 'number'
        ? 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber'
        : typeof v === 'string'
          ? 'class java.lang.String'
          : undefined;
  if (javaClass) return wireErrors.serialization(`${javaClass} can not be converted to ${target}`);
  if (Array.isArray(v)) return wireErrors.serialization('Start of list found where not expected');
  return wireErrors.serialization('Start of structure or map found where not expected.');
}

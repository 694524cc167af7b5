// The one table of commands (docs/PROTOCOL.md#commands). Ids are append-only: a released id keeps
// its meaning forever. `call` commands are client requests answered by one response; `push`
// commands are server-initiated frames.
import type { Codec } from './codec.js';
import { Features } from './constants.js';
import { authenticate } from './codecs/authenticate.js';
import { commitCheckpoint } from './codecs/commit-checkpoint.js';
import { createStream } from './codecs/create-stream.js';
import { deleteStream } from './codecs/delete-stream.js';
import { describeStreamSummary } from './codecs/describe-stream-summary.js';
import { fetchCheckpoint } from './codecs/fetch-checkpoint.js';
import { getBatch } from './codecs/get-batch.js';
import { getShardIterator } from './codecs/get-shard-iterator.js';
import { goAway } from './codecs/go-away.js';
import { grantCredits } from './codecs/grant-credits.js';
import { handshake } from './codecs/handshake.js';
import { listShards } from './codecs/list-shards.js';
import { listStreams } from './codecs/list-streams.js';
import { mergeShards } from './codecs/merge-shards.js';
import { ping } from './codecs/ping.js';
import { putBatch } from './codecs/put-batch.js';
import { splitShard } from './codecs/split-shard.js';
import { subscribe } from './codecs/subscribe.js';
import { subscriptionEvent } from './codecs/subscription-event.js';
import { unsubscribe } from './codecs/unsubscribe.js';
import { updateShardCount } from './codecs/update-shard-count.js';

export interface CallSpec<Id extends number = number, Req = unknown, Res = unknown> {
  readonly type: 'call';
  readonly id: Id;
  readonly name: string;
  readonly request: Codec<Req>;
  readonly response: Codec<Res>;
  /** Allowed before authentication (Handshake and Authenticate only). */
  readonly preAuth: boolean;
  /** Feature bits the handshake must have granted; 0 when none. */
  readonly feature: number;
}

export interface PushSpec<Id extends number = number, Body = unknown> {
  readonly type: 'push';
  readonly id: Id;
  readonly name: string;
  readonly push: Codec<Body>;
  readonly feature: number;
}

export type CommandSpec = CallSpec | PushSpec;

interface Options {
  preAuth?: boolean;
  feature?: number;
}

function call<const Id extends number, Req, Res>(
  id: Id,
  name: string,
  codecs: { request: Codec<Req>; response: Codec<Res> },
  options: Options = {},
): CallSpec<Id, Req, Res> {
  return { type: 'call', id, name, ...codecs, preAuth: options.preAuth ?? false, feature: options.feature ?? 0 };
}

function push<const Id extends number, Body>(id: Id, name: string, codecs: { push: Codec<Body> }, options: Options = {}): PushSpec<Id, Body> {
  return { type: 'push', id, name, ...codecs, feature: options.feature ?? 0 };
}

const SUBS = { feature: Features.SUBSCRIPTIONS };

export const Commands = {
  Handshake: call(1, 'Handshake', handshake, { preAuth: true }),
  Authenticate: call(2, 'Authenticate', authenticate, { preAuth: true }),
  Ping: call(3, 'Ping', ping),
  GoAway: push(4, 'GoAway', goAway),

  CreateStream: call(16, 'CreateStream', createStream),
  DeleteStream: call(17, 'DeleteStream', deleteStream),
  DescribeStreamSummary: call(18, 'DescribeStreamSummary', describeStreamSummary),
  ListStreams: call(19, 'ListStreams', listStreams),
  ListShards: call(20, 'ListShards', listShards),
  UpdateShardCount: call(21, 'UpdateShardCount', updateShardCount),
  SplitShard: call(22, 'SplitShard', splitShard),
  MergeShards: call(23, 'MergeShards', mergeShards),

  PutBatch: call(32, 'PutBatch', putBatch),
  GetBatch: call(33, 'GetBatch', getBatch),
  GetShardIterator: call(34, 'GetShardIterator', getShardIterator),

  Subscribe: call(48, 'Subscribe', subscribe, SUBS),
  GrantCredits: call(49, 'GrantCredits', grantCredits, SUBS),
  Unsubscribe: call(50, 'Unsubscribe', unsubscribe, SUBS),
  SubscriptionEvent: push(51, 'SubscriptionEvent', subscriptionEvent, SUBS),

  CommitCheckpoint: call(64, 'CommitCheckpoint', commitCheckpoint),
  FetchCheckpoint: call(65, 'FetchCheckpoint', fetchCheckpoint),
} as const;

type Table = typeof Commands;
export type CommandName = keyof Table;
export type CallName = { [K in CommandName]: Table[K] extends CallSpec ? K : never }[CommandName];
export type PushName = { [K in CommandName]: Table[K] extends PushSpec ? K : never }[CommandName];
export type RequestOf<C extends CallName> = Table[C] extends CallSpec<number, infer Req, unknown> ? Req : never;
export type ResponseOf<C extends CallName> = Table[C] extends CallSpec<number, unknown, infer Res> ? Res : never;
export type PushOf<P extends PushName> = Table[P] extends PushSpec<number, infer Body> ? Body : never;

/** Command ids by name: `CommandId.PutBatch === 32`. */
export const CommandId = Object.freeze(
  Object.fromEntries(Object.values(Commands).map((c) => [c.name, c.id])),
) as { readonly [K in CommandName]: Table[K]['id'] };

const byId = new Map<number, CommandSpec>(Object.values(Commands).map((c): [number, CommandSpec] => [c.id, c as CommandSpec]));

/** The command with this id, or undefined for an id this build does not know. */
export function commandById(id: number): CommandSpec | undefined {
  return byId.get(id);
}

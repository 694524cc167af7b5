// ListShards: a page of a stream's shards (MaxResults, default 1000), filtered by ShardFilter and
// ExclusiveStartShardId. NextToken is opaque, names the stream incarnation, and expires after
// 300 s as AWS's does (ExpiredNextTokenException).
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListShards.html
import { shardIndexOf } from '../../core/ids.js';
import type { ShardEntry, StreamEntry } from '../../streams/catalog.js';
import { validateInput, SHARD_ID, STREAM_ARN, STREAM_ID, STREAM_NAME } from '../validate.js';
import { fail, findStream, toShard } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import { SHARD_FILTER_TYPES, type ListShardsInput, type ListShardsOutput, type ShardFilter } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    StreamName: STREAM_NAME,
    StreamARN: STREAM_ARN,
    StreamId: STREAM_ID,
    NextToken: { type: 'string', min: 1, max: 1048576 },
    ExclusiveStartShardId: SHARD_ID,
    MaxResults: { type: 'integer', min: 1, max: 10000 },
    StreamCreationTimestamp: { type: 'timestamp' },
    ShardFilter: {
      type: 'structure',
      members: {
        Type: { type: 'string', enum: SHARD_FILTER_TYPES, required: true },
        ShardId: SHARD_ID,
        Timestamp: { type: 'timestamp' },
      },
    },
  },
} as const;

const TOKEN_TTL_MS = 300_000;

interface Token {
  stream: string;
  epoch: number;
  after: number;
  limit: number;
  filter?: { type: string; shard?: number; ts?: number };
  at: number;
}

export async function listShards(ctx: KinesisContext, input: ListShardsInput): Promise<ListShardsOutput> {
  const req = validateInput<ListShardsInput>(input, shape);
  const { engine } = ctx;
  let stream: StreamEntry;
  let after = -1;
  let limit = req.MaxResults ?? 1000;
  let filter: Token['filter'];

  if (req.NextToken !== undefined) {
    if (req.StreamName !== undefined) fail('InvalidArgumentException', msg.listShardsTokenAndName());
    const token = engine.tokens.unseal<Token>(req.NextToken);
    if (!token || typeof token.stream !== 'string') fail('InvalidArgumentException', msg.invalidNextToken());
    if (engine.now() - token.at > TOKEN_TTL_MS) fail('ExpiredNextTokenException', msg.expiredNextToken(req.NextToken));
    stream = findStream(ctx, { StreamName: token.stream });
    if (stream.epoch !== token.epoch) fail('ResourceNotFoundException', msg.streamNotFound(token.stream, engine.account));
    after = token.after;
    limit = req.MaxResults ?? token.limit;
    filter = token.filter;
  } else {
    if (req.StreamName === undefined && req.StreamARN === undefined) fail('InvalidArgumentException', msg.listShardsNeedsTokenOrName());
    stream = findStream(ctx, req);
    if (req.ExclusiveStartShardId !== undefined) after = shardIndexOf(req.ExclusiveStartShardId) ?? -1;
    if (req.ShardFilter) filter = toFilter(req.ShardFilter);
  }

  const matches = stream.shards.filter((s) => s.index > after && keep(stream, s, filter, engine.now())).sort((a, b) => a.index - b.index);
  const page = matches.slice(0, limit);
  const out: ListShardsOutput = { Shards: page.map((s) => toShard(stream, s)) };
  if (matches.length > page.length) {
    const token: Token = { stream: stream.name, epoch: stream.epoch, after: page[page.length - 1]!.index, limit, at: engine.now() };
    if (filter) token.filter = filter;
    out.NextToken = engine.tokens.seal(token);
  }
  return out;
}

function toFilter(f: ShardFilter): Token['filter'] {
  if (f.Type === 'AFTER_SHARD_ID' && f.ShardId === undefined) fail('InvalidArgumentException', 'ShardId must be specified for ShardFilter of type AFTER_SHARD_ID.');
  if ((f.Type === 'AT_TIMESTAMP' || f.Type === 'FROM_TIMESTAMP') && f.Timestamp === undefined) {
    fail('InvalidArgumentException', `Timestamp must be specified for ShardFilter of type ${f.Type}.`);
  }
  const out: NonNullable<Token['filter']> = { type: f.Type };
  if (f.ShardId !== undefined) out.shard = shardIndexOf(f.ShardId) ?? -1;
  if (f.Timestamp !== undefined) out.ts = f.Timestamp.getTime();
  return out;
}

/** AWS's filter semantics, on a shard's open interval [createdAt, closedAt). */
function keep(stream: StreamEntry, s: ShardEntry, f: Token['filter'], now: number): boolean {
  if (!f) return true;
  const horizon = now - stream.retentionHours * 3_600_000;
  const openAt = (t: number) => s.createdAt <= t && (s.closedAt === undefined || s.closedAt > t);
  switch (f.type) {
    case 'AFTER_SHARD_ID':
      return s.index > (f.shard ?? -1);
    case 'AT_LATEST':
      return s.closedAt === undefined;
    case 'AT_TRIM_HORIZON':
      return openAt(Math.max(horizon, stream.createdAt));
    case 'FROM_TRIM_HORIZON':
      return true;
    case 'AT_TIMESTAMP':
      return openAt(Math.max(f.ts!, stream.createdAt));
    case 'FROM_TIMESTAMP':
      return s.closedAt === undefined || s.closedAt > f.ts!;
    default:
      return true;
  }
}

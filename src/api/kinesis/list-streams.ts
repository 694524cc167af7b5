// ListStreams: stream names in lexicographic order with StreamSummaries, paginated by Limit
// (default 100) and either ExclusiveStartStreamName or an opaque NextToken.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListStreams.html
import { validateInput, STREAM_NAME } from '../validate.js';
import { fail, modeDetails } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { ListStreamsInput, ListStreamsOutput } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    Limit: { type: 'integer', min: 1, max: 10000 },
    ExclusiveStartStreamName: STREAM_NAME,
    NextToken: { type: 'string', min: 1, max: 1048576 },
  },
} as const;

interface Token {
  after: string;
}

export async function listStreams(ctx: KinesisContext, input: ListStreamsInput): Promise<ListStreamsOutput> {
  const req = validateInput<ListStreamsInput>(input, shape);
  const { engine } = ctx;
  let after = req.ExclusiveStartStreamName;
  if (req.NextToken !== undefined) {
    const token = engine.tokens.unseal<Token>(req.NextToken);
    if (!token || typeof token.after !== 'string') fail('InvalidArgumentException', msg.invalidNextToken());
    after = token.after;
  }
  const limit = req.Limit ?? 100;
  const all = engine.streams().filter((s) => after === undefined || s.name > after);
  const page = all.slice(0, limit);
  const more = all.length > page.length;
  const out: ListStreamsOutput = {
    StreamNames: page.map((s) => s.name),
    HasMoreStreams: more,
    StreamSummaries: page.map((s) => ({
      StreamName: s.name,
      StreamARN: engine.streamArn(s.name),
      StreamStatus: s.status,
      StreamModeDetails: modeDetails(s),
      StreamCreationTimestamp: new Date(Math.floor(s.createdAt / 1000) * 1000),
    })),
  };
  if (more) out.NextToken = engine.tokens.seal({ after: page[page.length - 1]!.name } satisfies Token);
  return out;
}

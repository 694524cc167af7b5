// ListStreamConsumers: a stream's consumers by name, paginated by MaxResults (default 100) and an
// opaque NextToken. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListStreamConsumers.html
import { validateInput, STREAM_ARN, STREAM_ID } from '../validate.js';
import { fail, findStream, toConsumer } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { ListStreamConsumersInput, ListStreamConsumersOutput } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    StreamARN: { ...STREAM_ARN, required: true },
    NextToken: { type: 'string', min: 1, max: 1048576 },
    MaxResults: { type: 'integer', min: 1, max: 10000 },
    StreamCreationTimestamp: { type: 'timestamp' },
    StreamId: STREAM_ID,
  },
} as const;

interface Token {
  epoch: number;
  after: string;
}

export async function listStreamConsumers(ctx: KinesisContext, input: ListStreamConsumersInput): Promise<ListStreamConsumersOutput> {
  const req = validateInput<ListStreamConsumersInput>(input, shape);
  const { engine } = ctx;
  const stream = findStream(ctx, { StreamARN: req.StreamARN });
  let after: string | undefined;
  if (req.NextToken !== undefined) {
    const token = engine.tokens.unseal<Token>(req.NextToken);
    if (!token || token.epoch !== stream.epoch || typeof token.after !== 'string') fail('InvalidArgumentException', msg.invalidNextToken());
    after = token.after;
  }
  const limit = req.MaxResults ?? 100;
  const all = [...stream.consumers].sort((a, b) => (a.name < b.name ? -1 : 1)).filter((c) => after === undefined || c.name > after);
  const page = all.slice(0, limit);
  const out: ListStreamConsumersOutput = { Consumers: page.map((c) => toConsumer(engine, stream, c)) };
  if (all.length > page.length) out.NextToken = engine.tokens.seal({ epoch: stream.epoch, after: page[page.length - 1]!.name } satisfies Token);
  return out;
}

// Wires the HTTP face to the AWS-shaped operations of an open Millrace: the dispatcher calls the
// same functions as `mr.kinesis.<action>()`, with the request's AbortSignal (client gone, server
// shutting down) as the call's abortSignal, and only the implemented actions are routed (others
// answer UnknownOperationException before authentication, as AWS does for unknown targets).
//
//   const mr = await Millrace.open({ dataDir });
//   const server = createServer({ ...serveMillrace(mr), port: 4567 });
import { kinesisActions } from '../../api/kinesis/index.js';
import { wireErrors } from './errors.js';
import type { Dispatch } from './handler.js';
import type { ServiceName } from './targets.js';

type Operation = (input: unknown, options: { abortSignal?: AbortSignal; packedRecords?: boolean }) => Promise<unknown>;

/** Anything with Millrace's `kinesis` methods (structural, so this face does not import the facade). */
export interface KinesisFacade {
  readonly kinesis: object;
}

export function serveMillrace(mr: KinesisFacade): {
  dispatch: Dispatch;
  actions: Partial<Record<ServiceName, readonly string[]>>;
} {
  const operations = new Map<string, Operation>();
  for (const action of Object.keys(kinesisActions)) {
    const method = (mr.kinesis as unknown as Record<string, Operation>)[action[0].toLowerCase() + action.slice(1)];
    if (typeof method === 'function') operations.set(action, method);
  }
  const dispatch: Dispatch = async (service, action, input, ctx) => {
    const operation = service === 'kinesis' ? operations.get(action) : undefined;
    if (!operation) throw wireErrors.unknownOperation();
    // GetRecords' records and PutRecords' results stay unbuilt: the codecs write them out
    // (records-json.ts) or build them.
    return operation(input, { abortSignal: ctx.signal, packedRecords: action === 'GetRecords' || action === 'PutRecords' });
  };
  return { dispatch, actions: { kinesis: [...operations.keys()] } };
}

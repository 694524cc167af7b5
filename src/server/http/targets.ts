// Routing: `X-Amz-Target: <prefix>.<Action>` names the service and the action. One entry per
// service this face can answer; Firehose is reserved until its operations exist.
import { compileShapes, kinesisActionNames, kinesisShapes, type CompiledShape } from './shapes.js';

export type ServiceName = 'kinesis' | 'firehose';

export interface ServiceEntry {
  readonly name: ServiceName;
  /** The SigV4 signing name, the 4th element of the credential scope. */
  readonly signingName: string;
  readonly shapes: ReadonlyMap<string, CompiledShape>;
  /** Actions answered when the server is not told otherwise. */
  readonly defaultActions: readonly string[];
}

export const targetPrefixes: Readonly<Record<string, ServiceEntry>> = {
  Kinesis_20131202: {
    name: 'kinesis',
    signingName: 'kinesis',
    shapes: compileShapes(kinesisShapes),
    defaultActions: kinesisActionNames,
  },
  Firehose_20150804: { name: 'firehose', signingName: 'firehose', shapes: new Map(), defaultActions: [] },
};

export interface Target {
  readonly prefix: string;
  readonly service: ServiceEntry;
  readonly action: string;
}

/** Splits `Kinesis_20131202.PutRecord`; undefined when the prefix is not one we serve. */
export function parseTarget(header: string | undefined): Target | undefined {
  if (!header) return undefined;
  const dot = header.indexOf('.');
  if (dot <= 0) return undefined;
  const prefix = header.slice(0, dot);
  const service = Object.hasOwn(targetPrefixes, prefix) ? targetPrefixes[prefix] : undefined;
  return service ? { prefix, service, action: header.slice(dot + 1) } : undefined;
}

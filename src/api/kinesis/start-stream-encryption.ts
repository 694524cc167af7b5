// StartStreamEncryption. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StartStreamEncryption.html
import type { KinesisContext } from './context.js';
import type { EmptyOutput, StartStreamEncryptionInput } from './shapes.js';
import { changeEncryption } from './stream-encryption.js';

export function startStreamEncryption(ctx: KinesisContext, input: StartStreamEncryptionInput): Promise<EmptyOutput> {
  return changeEncryption(ctx, input, 'start');
}

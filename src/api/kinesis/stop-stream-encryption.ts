// StopStreamEncryption. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_StopStreamEncryption.html
import type { KinesisContext } from './context.js';
import type { EmptyOutput, StopStreamEncryptionInput } from './shapes.js';
import { changeEncryption } from './stream-encryption.js';

export function stopStreamEncryption(ctx: KinesisContext, input: StopStreamEncryptionInput): Promise<EmptyOutput> {
  return changeEncryption(ctx, input, 'stop');
}

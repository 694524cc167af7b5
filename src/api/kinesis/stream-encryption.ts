// Shared by Start/StopStreamEncryption: validation, then an UPDATING transition that records the
// new EncryptionType and KeyId (see src/streams/encryption.ts for what is and is not encrypted yet).
import { acceptAnyKey } from '../../streams/encryption.js';
import { validateInput, STREAM_REF } from '../validate.js';
import { activeStream, fail } from './common.js';
import type { KinesisContext } from './context.js';
import { msg } from './messages.js';
import type { EmptyOutput, StreamEncryptionInput } from './shapes.js';

const shape = {
  type: 'structure',
  members: {
    ...STREAM_REF,
    EncryptionType: { type: 'string', enum: ['NONE', 'KMS'], required: true },
    KeyId: { type: 'string', min: 1, max: 2048, required: true },
  },
} as const;

export async function changeEncryption(ctx: KinesisContext, input: StreamEncryptionInput, how: 'start' | 'stop'): Promise<EmptyOutput> {
  const req = validateInput<StreamEncryptionInput>(input, shape);
  const stream = activeStream(ctx, req);
  if (req.EncryptionType !== 'KMS') fail('InvalidArgumentException', msg.encryptionTypeNone());
  if (how === 'start') {
    await acceptAnyKey.check(req.KeyId);
    await ctx.engine.update(stream, { kind: 'encryption', type: 'KMS', keyId: req.KeyId });
  } else {
    if (stream.encryptionType === 'KMS' && stream.keyId !== req.KeyId) fail('InvalidArgumentException', msg.encryptionMismatch(stream.name));
    await ctx.engine.update(stream, { kind: 'encryption', type: 'NONE' });
  }
  return {};
}

// Shared by Start/StopStreamEncryption: validation and the key check (KMSNotFoundException,
// KMSDisabledException... from the keyring's MR_KMS_* errors), then an UPDATING transition after
// which the stream's shard logs encrypt new batches under the key, or stop (src/streams/encryption.ts).
import { checkStreamKey, sameKey } from '../../streams/encryption.js';
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
    await checkStreamKey(await ctx.engine.keyring(), req.KeyId);
    // The key check awaited: the stream may have changed meanwhile.
    if (stream.status !== 'ACTIVE') fail('ResourceInUseException', msg.streamNotActive(stream.name, ctx.engine.account, stream.status));
    await ctx.engine.update(stream, { kind: 'encryption', type: 'KMS', keyId: req.KeyId });
  } else {
    if (stream.encryptionType === 'KMS' && !(await sameKey(await ctx.engine.keyring(), stream.keyId!, req.KeyId))) {
      fail('InvalidArgumentException', msg.encryptionMismatch(stream.name));
    }
    if (stream.status !== 'ACTIVE') fail('ResourceInUseException', msg.streamNotActive(stream.name, ctx.engine.account, stream.status));
    await ctx.engine.update(stream, { kind: 'encryption', type: 'NONE' });
  }
  return {};
}

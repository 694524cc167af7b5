import { describe, expect, it } from 'vitest';
import { Commands } from '../../src/protocol/commands.js';
import { ALL_FEATURES, Features } from '../../src/protocol/constants.js';
import { WireErrorCode } from '../../src/protocol/error-codes.js';
import { admit, chooseVersion, grantFeatures } from '../../src/protocol/session.js';

describe('negotiation', () => {
  it('chooses the highest common version', () => {
    expect(chooseVersion(1, 1)).toBe(1);
    expect(chooseVersion(1, 9)).toBe(1);
    expect(chooseVersion(1, 9, [1, 2, 3])).toBe(3);
    expect(chooseVersion(2, 2, [1, 3])).toBeUndefined();
    expect(chooseVersion(0, 0)).toBeUndefined();
  });

  it('grants requested ∩ supported features and drops unknown bits', () => {
    expect(grantFeatures(0xffffffff)).toBe(ALL_FEATURES);
    expect(grantFeatures(Features.LZ4)).toBe(Features.LZ4);
    expect(grantFeatures(Features.LZ4 | Features.SUBSCRIPTIONS, Features.SUBSCRIPTIONS)).toBe(Features.SUBSCRIPTIONS);
  });
});

describe('admission', () => {
  it('accepts only Handshake first', () => {
    expect(admit(Commands.Handshake, 'handshake', 0)).toBeNull();
    expect(admit(Commands.Ping, 'handshake', 0)).toMatchObject({ code: WireErrorCode.MR_UNAUTHENTICATED, close: true });
    expect(admit(Commands.Authenticate, 'handshake', 0)).toMatchObject({ code: WireErrorCode.MR_UNAUTHENTICATED, close: true });
  });

  it('accepts only Authenticate until authenticated', () => {
    expect(admit(Commands.Authenticate, 'auth', 0)).toBeNull();
    for (const spec of [Commands.Ping, Commands.PutBatch, Commands.ListStreams]) {
      expect(admit(spec, 'auth', ALL_FEATURES)).toMatchObject({ code: WireErrorCode.MR_UNAUTHENTICATED, close: true });
    }
    expect(admit(Commands.Handshake, 'auth', 0)).toMatchObject({ code: WireErrorCode.MR_PROTOCOL, close: true });
  });

  it('gates commands on negotiated features once ready', () => {
    expect(admit(Commands.PutBatch, 'ready', 0)).toBeNull();
    expect(admit(Commands.Subscribe, 'ready', Features.SUBSCRIPTIONS)).toBeNull();
    expect(admit(Commands.Subscribe, 'ready', Features.LZ4)).toMatchObject({ code: WireErrorCode.MR_FEATURE_NOT_NEGOTIATED, close: false });
    expect(admit(Commands.Authenticate, 'ready', 0)).toMatchObject({ code: WireErrorCode.MR_PROTOCOL });
    expect(admit(Commands.Handshake, 'ready', 0)).toMatchObject({ code: WireErrorCode.MR_PROTOCOL });
  });
});

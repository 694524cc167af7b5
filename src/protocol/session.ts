// Connection rules that do not need a socket: version and feature negotiation, and which commands
// a connection may send in its current phase (docs/PROTOCOL.md#connection-lifecycle).
import type { CallSpec } from './commands.js';
import { ALL_FEATURES, SUPPORTED_VERSIONS } from './constants.js';
import { WireErrorCode } from './error-codes.js';

/** `handshake`: nothing received yet; `auth`: handshake done, authentication required; `ready`. */
export type SessionPhase = 'handshake' | 'auth' | 'ready';

export interface Refusal {
  code: number;
  message: string;
  /** Close the connection after answering. */
  close: boolean;
}

/** The highest version in [minVersion, maxVersion] this side supports, or undefined. */
export function chooseVersion(minVersion: number, maxVersion: number, supported: readonly number[] = SUPPORTED_VERSIONS): number | undefined {
  let best: number | undefined;
  for (const v of supported) if (v >= minVersion && v <= maxVersion && (best === undefined || v > best)) best = v;
  return best;
}

/** Features granted: requested ∩ supported (unknown requested bits are dropped). */
export function grantFeatures(requested: number, supported: number = ALL_FEATURES): number {
  return (requested & supported) >>> 0;
}

/** Whether a connection in `phase` with `features` granted may send this command; null when it may. */
export function admit(spec: CallSpec, phase: SessionPhase, features: number): Refusal | null {
  if (phase === 'handshake') {
    return spec.name === 'Handshake' ? null : { code: WireErrorCode.MR_UNAUTHENTICATED, message: 'the first frame must be Handshake', close: true };
  }
  if (spec.name === 'Handshake') return { code: WireErrorCode.MR_PROTOCOL, message: 'Handshake was already done', close: true };
  if (phase === 'auth') {
    return spec.name === 'Authenticate' ? null : { code: WireErrorCode.MR_UNAUTHENTICATED, message: `${spec.name} needs authentication`, close: true };
  }
  if (spec.name === 'Authenticate') return { code: WireErrorCode.MR_PROTOCOL, message: 'the connection is already authenticated', close: true };
  if ((spec.feature & features) !== spec.feature) {
    return { code: WireErrorCode.MR_FEATURE_NOT_NEGOTIATED, message: `${spec.name} needs a feature the handshake did not grant`, close: false };
  }
  return null;
}

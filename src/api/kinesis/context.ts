// What every operation receives: the engine, and per-call options that do not belong in the AWS
// request shape.
import type { StreamsEngine } from '../../streams/engine.js';

export interface KinesisContext {
  readonly engine: StreamsEngine;
  /** Cancels long-lived calls (SubscribeToShard). */
  readonly signal?: AbortSignal;
  /**
   * GetRecords leaves its records packed and PutRecords its results unbuilt (PACKED_RECORDS in
   * records.ts): for a face that encodes them itself.
   */
  readonly packedRecords?: boolean;
}

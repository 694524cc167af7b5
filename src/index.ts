// Public API: re-exports only.
export * from './errors.js';
export { ShardLog, type ReadFrom, type ReadResult, type PackedAppend } from './storage/shard-log.js';
export type * from './storage/types.js';

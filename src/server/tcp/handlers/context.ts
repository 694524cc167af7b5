// What a command handler gets: the engine, the server's limits and stores, and the calling
// connection's negotiated parameters. Handlers decode nothing and write nothing: the connection
// gives them a decoded request body and encodes what they return.
import type { CheckpointStore } from '../checkpoints.js';
import type { TcpEngine, TcpLimits } from '../options.js';

export interface HandlerContext {
  readonly mr: TcpEngine;
  readonly limits: TcpLimits;
  readonly checkpoints: CheckpointStore;
  /** Largest frame the peer accepts: responses are cut to fit it. */
  readonly peerMaxFrameBytes: number;
  /** Aborted when the connection closes: long polls stop waiting. */
  readonly signal: AbortSignal;
}

export type Handler<Req, Res> = (ctx: HandlerContext, request: Req) => Promise<Res>;

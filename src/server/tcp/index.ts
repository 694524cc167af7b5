// The TCP binary protocol face (docs/PROTOCOL.md): listener, connections, flow control, handlers.
export { createTcpServer } from './server.js';
export type { TcpServer, TcpServerAddress, TcpServerStats } from './server.js';
export { DEFAULT_TCP_PORT, DEFAULT_LIMITS } from './options.js';
export type { TcpServerOptions, TcpLimits, TcpEngine, Logger } from './options.js';

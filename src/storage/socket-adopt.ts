// Accepted TCP sockets at the descriptor level, for what net.Socket does not offer: reading into
// buffers the receiver chooses (adoptAccepted), and looking at the first bytes without taking them
// (peekAccepted, with deferAccept on the listener so that they are there at accept time).
//
// Reading into chosen buffers: Node gives a server's sockets no `onread` option: each read lands in
// a fresh 64 KiB buffer, new external memory that made V8 run a full collection every 25–50 ms
// while 1 KiB records arrived at 700 MB/s. A socket of our own over a duplicate of the accepted
// descriptor can take `onread` (a documented net.Socket option), so frame bodies are read straight
// into their final buffers. Lives beside native.ts because the descriptor calls are the addon's;
// knows nothing about frames or protocols.
import * as net from 'node:net';
import { native } from './native.js';

/** net.Socket's `onread` with a buffer function: `buffer()` names where the next read lands. */
export interface SocketOnRead {
  buffer: () => Uint8Array;
  callback: (bytesRead: number, buffer: Uint8Array) => boolean | void;
}

/**
 * Makes a socket that owns `accepted`'s connection and reads through `onread`, and closes
 * `accepted` (the connection stays open: the new socket holds a duplicate descriptor). `accepted`
 * must come from a server created with `pauseOnConnect` (it must not have started reading).
 * Returns undefined, leaving `accepted` as it is, where its descriptor is not reachable
 * (Windows, a TLS socket, a Node without `_handle.fd`).
 */
export function adoptAccepted(accepted: net.Socket, onread: SocketOnRead): net.Socket | undefined {
  const fd = handleFd(accepted);
  if (fd === undefined) return undefined;
  let copy: number;
  try {
    copy = native.dupFd(fd);
  } catch {
    return undefined;
  }
  // `onread` is a documented Socket option that @types/node lists for connect() only.
  const options: net.SocketConstructorOpts & net.ConnectOpts = { fd: copy, readable: true, writable: true, onread: { buffer: onread.buffer, callback: (n, b) => onread.callback(n, b) !== false } };
  const socket = new net.Socket(options);
  accepted.destroy();
  return socket;
}

/** The descriptor under a socket or a listening server, where Node exposes it (not on Windows). */
function handleFd(target: net.Socket | net.Server): number | undefined {
  // `_handle.fd` is the descriptor getter Node's stream handles (LibuvStreamWrap, TCPWrap) have on Unix.
  const fd = (target as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 && process.platform !== 'win32' ? fd : undefined;
}

/**
 * Copies the first bytes that have arrived on `accepted` into `out` and leaves them to be read: the
 * count, or 0 when none has arrived yet or the descriptor is not reachable. `accepted` must come
 * from a server created with `pauseOnConnect`, and must not have started reading.
 */
export function peekAccepted(accepted: net.Socket, out: Uint8Array): number {
  const fd = handleFd(accepted);
  return fd === undefined ? 0 : Math.max(0, native.peekSocket(fd, out));
}

/**
 * Asks the kernel to hand `server` a connection only once its first bytes have arrived (or after
 * `seconds`), for protocols where the client speaks first. Call once listening; false where the
 * option is not available, which changes nothing but when connections are accepted.
 */
export function deferAccept(server: net.Server, seconds: number): boolean {
  const fd = handleFd(server);
  return fd !== undefined && native.setDeferAccept(fd, seconds);
}

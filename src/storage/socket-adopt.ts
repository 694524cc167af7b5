// Accepted TCP sockets that read into buffers the receiver chooses. Node gives a server's sockets
// no `onread` option: each read lands in a fresh 64 KiB buffer, new external memory that made V8
// run a full collection every 25–50 ms while 1 KiB records arrived at 700 MB/s. A socket of our
// own over a duplicate of the accepted descriptor can take `onread` (a documented net.Socket
// option), so frame bodies are read straight into their final buffers. Lives beside native.ts
// because the duplicate comes from the addon; knows nothing about frames.
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
  // `_handle.fd` is the descriptor getter Node's stream handles (LibuvStreamWrap) have on Unix.
  const fd = (accepted as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0 || process.platform === 'win32') return undefined;
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

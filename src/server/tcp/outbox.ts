// Batched socket writes. Responses and pushes produced during one turn of the event loop are
// collected in a FrameWriter and go out together at the end of it: one cork()/uncork() pair, one
// writev, record payloads referenced from the log rather than copied. Never a write per frame.
import type { Socket } from 'node:net';
import { FrameWriter } from '../../protocol/index.js';

export class Outbox {
  readonly writer = new FrameWriter();
  readonly #socket: Socket;
  readonly #onError: (err: unknown) => void;
  readonly #onWritten: (bufferedBytes: number) => void;
  #scheduled = false;

  constructor(socket: Socket, onError: (err: unknown) => void, onWritten: (bufferedBytes: number) => void) {
    this.#socket = socket;
    this.#onError = onError;
    this.#onWritten = onWritten;
  }

  /** Bytes produced and not yet handed to the kernel: frames waiting for the flush, and the socket's queue. */
  get bufferedBytes(): number {
    return this.writer.byteLength + this.#socket.writableLength;
  }

  /** Flushes at the end of this turn of the event loop, whatever is added until then. */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.flushNow();
  };

  flushNow(): void {
    const socket = this.#socket;
    if (this.writer.frameCount === 0) return;
    if (socket.destroyed || socket.writableEnded) {
      this.writer.flushParts();
      return;
    }
    let parts: Buffer[];
    try {
      parts = this.writer.flushParts();
    } catch (err) {
      // A codec refused a value its size() accepted: a bug, and the frames of this flush are lost,
      // so the peer cannot be left waiting for them.
      this.#onError(err);
      return;
    }
    socket.cork();
    for (const p of parts) socket.write(p);
    socket.uncork();
    this.#onWritten(socket.writableLength);
  }
}

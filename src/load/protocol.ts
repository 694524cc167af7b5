// Messages between the load harness and its client processes (over the fork IPC channel), and the
// ack-log line format the clients write and the verifier reads.

export interface ClientConfig {
  type: 'start';
  clientId: number;
  /** HTTP through the SDK's default HTTP/2 handler or its HTTP/1.1 one, or TCP through the millrace client. */
  protocol: 'http2' | 'http1.1' | 'tcp';
  endpoint: string;
  tcpPort: number | undefined;
  stream: string;
  shardIds: string[];
  lanes: number;
  keysPerLane: number;
  /** Acknowledged records this client stops at. */
  maxRecords: number;
  batchMax: number;
  recordSize: number;
  ackFile: string;
  /** Test hook: log one record as acknowledged without sending it (see MILLRACE_LOAD_FAULT). */
  fault?: 'drop-one';
}

/** Client → harness once the SDK is loaded: start-up time stays out of the traffic window. */
export interface ClientReady {
  type: 'ready';
}

/** Harness → clients when all are ready. */
export interface ClientGo {
  type: 'go';
  /** Epoch ms after which no new operation starts. */
  deadline: number;
}

export interface ClientDone {
  type: 'done';
  clientId: number;
  acked: number;
  /** Completed operations by action. */
  ops: Record<string, number>;
  /** Failed operations and refused records by error type. */
  errors: Record<string, number>;
}

export interface AckEntry {
  key: string;
  /** The record's identity as its protocol acknowledged it: a sequence number (HTTP) or `shardId@offset` (TCP). */
  sequenceNumber: string;
  payloadId: string;
}

/** One line per acknowledged record: partition key, sequence number, payload id. */
export function ackLine(e: AckEntry): string {
  return `${e.key}\t${e.sequenceNumber}\t${e.payloadId}\n`;
}

export function parseAckLog(text: string): AckEntry[] {
  const out: AckEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [key, sequenceNumber, payloadId] = line.split('\t');
    if (key && sequenceNumber && payloadId) out.push({ key, sequenceNumber, payloadId });
  }
  return out;
}

/** Record data starts with the payload id and this separator; the rest is filler. */
export const PAYLOAD_SEPARATOR = 0x7c; // '|'

export function payloadIdOf(data: Uint8Array): string | undefined {
  const end = data.indexOf(PAYLOAD_SEPARATOR);
  return end > 0 ? Buffer.from(data.buffer, data.byteOffset, end).toString('latin1') : undefined;
}

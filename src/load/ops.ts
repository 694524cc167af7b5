// What a load lane does, per protocol: the same mix of operations through the AWS SDK (HTTP) or
// the millrace client (TCP). A put resolves with the identity of each acknowledged record as that
// protocol reports it (a sequence number over HTTP, `shardId@offset` over TCP), or with the error
// code of each refused one; the verifier matches each identity against the read-back.

export interface LoadRecord {
  key: string;
  data: Buffer;
}

/** Per record of a put, in request order: `{ id }` if acknowledged, `{ error }` if refused. */
export type PutOutcome = Array<{ id: string } | { error: string }>;

export interface LoadOps {
  putRecords(records: LoadRecord[]): Promise<PutOutcome>;
  putRecord(record: LoadRecord): Promise<string>;
  /** Reads one page of a shard from its start or its end. */
  read(shardId: string, fromStart: boolean): Promise<void>;
  /** A metadata call (ListShards or DescribeStreamSummary); resolves with the action name. */
  describe(): Promise<string>;
  close(): Promise<void>;
}

/** The TCP identity of a record: the protocol acknowledges offsets, not sequence numbers. */
export function positionId(shardId: string, offset: number): string {
  return `${shardId}@${offset}`;
}

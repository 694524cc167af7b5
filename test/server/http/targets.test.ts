import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../../src/server/http/targets.js';

describe('parseTarget', () => {
  it('splits the service prefix from the action', () => {
    expect(parseTarget('Kinesis_20131202.PutRecords')).toMatchObject({ prefix: 'Kinesis_20131202', action: 'PutRecords', service: { name: 'kinesis', signingName: 'kinesis' } });
    expect(parseTarget('Firehose_20150804.PutRecordBatch')).toMatchObject({ action: 'PutRecordBatch', service: { name: 'firehose' } });
  });

  it('knows only the services it serves', () => {
    for (const header of [undefined, '', 'Kinesis_20131202', '.PutRecord', 'DynamoDB_20120810.GetItem', 'toString.x', '__proto__.x']) {
      expect(parseTarget(header)).toBeUndefined();
    }
  });
});

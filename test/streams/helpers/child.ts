// A separate process for crash and lock tests. Usage: child.ts <mode> <dataDir>
//   hold   open the data directory, print "ready", wait to be killed
//   churn  create streams and tag them in a loop, printing "ack <name>" after each durable change
import { Millrace } from '../../../src/millrace.js';

const [mode, dataDir] = process.argv.slice(2);
const mr = await Millrace.open({ dataDir: dataDir!, retentionIntervalMs: 0 });
const out = (line: string) => process.stdout.write(line + '\n');

if (mode === 'hold') {
  out('ready');
  setInterval(() => undefined, 1000);
} else if (mode === 'churn') {
  out('ready');
  for (let i = 0; ; i++) {
    const name = `s-${i}`;
    await mr.kinesis.createStream({ StreamName: name, ShardCount: 1 + (i % 3) });
    out(`ack create ${name}`);
    await mr.kinesis.addTagsToStream({ StreamName: name, Tags: { n: String(i) } });
    out(`ack tag ${name}`);
    if (i % 4 === 3) {
      await mr.kinesis.splitShard({ StreamName: name, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000000000000' });
      out(`ack split ${name}`);
    }
  }
}

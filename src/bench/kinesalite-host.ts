// Child process entry: kinesalite (in memory) on 127.0.0.1 and a free port, reported to the parent
// over IPC. kinesalite's own CLI cannot bind a host (it listens on every interface), hence this
// host. Streams become ACTIVE at once and the shard limit is lifted so any bench shape fits.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type Kinesalite = (options: Record<string, unknown>) => import('node:http').Server;
const kinesalite = require('kinesalite') as Kinesalite;

const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 10_000 });
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
});
// The parent going away (bench finished or crashed) ends this process too.
process.on('disconnect', () => process.exit(0));

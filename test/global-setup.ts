// Once per `vitest run`, before any test file: tools the tests drive that npm does not install.
// Debian's awscli for test/server/http/aws-cli.test.ts (scripts/ensure-awscli.mjs, which never
// fails: where nothing can be installed, that test skips and says why).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/ensure-awscli.mjs', import.meta.url))], { stdio: 'inherit' });
}

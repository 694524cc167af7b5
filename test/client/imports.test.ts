// `millrace/client` must run where the native addon is not built: it may reach protocol, core and
// errors only (docs/ARCHITECTURE.md). Walks the relative imports from its entry point.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      stack.push(normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
    }
  }
  return seen;
}

describe('client import boundary', () => {
  it('reaches only src/client, src/protocol, src/core and src/errors.ts', () => {
    const outside = [...reachable('src/client/index.ts')].filter((f) => !/^src\/(client|protocol|core)\//.test(f) && f !== 'src/errors.ts');
    expect(outside).toEqual([]);
  });
});

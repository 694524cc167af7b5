// What the per-size micro-benchmarks share: their argument reader, and running every payload size
// in a fresh process per trial (so one size's JIT state and heap never colour the next) with the
// median taken per field.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);

/** The value after `--name`, or `dflt`. */
export const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};

export const flag = (name) => args.includes(name);

/** `--sizes` as KiB in a comma list, in bytes. */
export const sizesArg = (dflt) => arg('--sizes', dflt).split(',').map((k) => Number(k) * 1024);

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** 4096 -> "4 KiB", 1048576 -> "1 MiB". */
export const kib = (n) => (n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`);

/**
 * Runs `script --child <size>` `trials` times per size; each child prints one JSON object of
 * figures. Returns one row per size: `size` and the median of every other field.
 */
export function medianRowsPerSize(script, sizes, trials) {
  return sizes.map((size) => {
    const runs = [];
    for (let t = 0; t < trials; t++) {
      const r = spawnSync(process.execPath, [script, '--child', String(size)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`trial failed for ${size} B:\n${r.stderr}`);
      runs.push(JSON.parse(r.stdout));
    }
    const row = { size };
    for (const key of Object.keys(runs[0])) if (key !== 'size') row[key] = median(runs.map((x) => x[key]));
    return row;
  });
}

/** `--child <size>` runs one trial; anything else runs `main`. */
export async function childOrMain(child, main) {
  if (args[0] === '--child') await child(Number(args[1]));
  else await main();
}

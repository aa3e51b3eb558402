// What the measuring scripts (tests/e2e/measure-render.mjs, scripts/measure-*.mjs) share
// besides the browser: the median of a round's figures, and a process's CPU time.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** The median of `xs` (the mean of the middle two for an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs `program` with `args` as a whole process (its errors to ours) and resolves to its CPU
 * time (user + system, as bash's `time` reports it, in ms), its wall time (ms) and what it
 * printed. Throws if it fails.
 */
export function timedProcess(program, args) {
  // `time` reports on the shell's error output; the program's output goes to a descriptor of
  // its own (3), its errors to ours (4).
  const script = 'TIMEFORMAT="%3U %3S"; exec 4>&2; { time "$0" "$@" >&3 2>&4; } 2>&1';
  const start = performance.now();
  const run = spawnSync('bash', ['-c', script, program, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const wall = performance.now() - start;
  if (run.status !== 0) throw new Error(`${program} failed: ${run.status}`);
  const [user, system] = run.stdout.toString().trim().split(/\s+/).map(Number);
  return { cpu: (user + system) * 1000, wall, output: run.output[3].toString() };
}

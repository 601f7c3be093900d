import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Progress } from '../core/progress.js';

/**
 * The `segtrack` command of this checkout or package: from src/bench (a checkout) or
 * dist/src/bench (the built package) it is two or three folders up. The API benchmark runs every
 * step as its own process, as a user would, so that no step's memory or engine is the next one's.
 */
export function segtrackBin(): string {
  const bin = ['../../bin/segtrack.mjs', '../../../bin/segtrack.mjs']
    .map((p) => fileURLToPath(new URL(p, import.meta.url)))
    .find((p) => existsSync(p));
  if (bin === undefined) throw new Error('cannot find bin/segtrack.mjs next to the sources');
  return bin;
}

/**
 * Runs `segtrack <args> --json` in a child process and returns its JSON document. Its stderr
 * lines (progress, notes) are passed to `progress`, indented; a non-zero exit throws with the
 * last of them, so a failed step says why.
 */
export async function runSegtrackJson<T>(
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; progress?: Progress } = {},
): Promise<T> {
  const child = spawn(process.execPath, [segtrackBin(), ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: o.env ?? process.env,
  });
  const out: Buffer[] = [];
  const errLines: string[] = [];
  let partial = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => {
    const lines = (partial + c.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      errLines.push(line);
      o.progress?.(`  ${line}`);
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (partial !== '') errLines.push(partial);
  if (code !== 0)
    throw new Error(
      `segtrack ${args[0] ?? ''} exited with ${code}: ${errLines.slice(-5).join(' | ') || '(no message)'}`,
    );
  return JSON.parse(Buffer.concat(out).toString('utf8')) as T;
}

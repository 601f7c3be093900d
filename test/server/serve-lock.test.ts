/**
 * `segtrack serve` and a CLI `run` on the same workspace, as separate processes (as they are in
 * use): the server holds the workspace, so the run is refused at once with `workspace_locked`
 * (exit 2) and nothing is written; the server keeps answering; after the server stops, the run
 * works. (In one process DuckDB's file lock cannot be tested: POSIX record locks are per process.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-serve-lock-');
const bin = fileURLToPath(new URL('../../bin/segtrack.mjs', import.meta.url));
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  tmp.remove();
});

/** Starts `segtrack serve` on an ephemeral port and resolves with its base URL. */
function serve(config: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, [bin, 'serve', '--config', config, '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    server.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /dashboard: (http:\/\/[^\s]+?)\/\s/.exec(err);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

describe('serve and run on one workspace', () => {
  it('refuses the run while serving, keeps serving, and runs once the server stopped', async () => {
    tmp.write(
      'customers.csv',
      'customer_id,created_at\n' + Array.from({ length: 30 }, (_, i) => `c${i},2024-01-01`).join('\n') + '\n',
    );
    tmp.write(
      'orders.csv',
      'order_id,customer_id,ordered_at,revenue\n' +
        Array.from({ length: 30 }, (_, i) => `o${i},c${i},2024-02-0${1 + (i % 9)},${10 + i}`).join('\n') +
        '\n',
    );
    const config = tmp.write(
      'segtrack.yaml',
      stringify({
        workspace: tmp.path('ws.duckdb'),
        sources: { customers: { file: 'customers.csv' }, orders: { file: 'orders.csv' } },
      }),
    );
    expect((await runCli(['ingest', '--config', config])).code).toBe(0);
    expect((await runCli(['run', '--config', config])).code).toBe(0);
    const base = await serve(config);
    const before = (await (await fetch(`${base}/api/v1/snapshots`)).json()) as { snapshots: unknown[] };
    const refused = spawnSync(process.execPath, [bin, 'run', '--config', config, '--as-of', '2024-03-01'], {
      encoding: 'utf8',
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('workspace_locked');
    expect(refused.stderr).toContain('stop `segtrack serve`');
    const after = (await (await fetch(`${base}/api/v1/snapshots`)).json()) as { snapshots: unknown[] };
    expect(after.snapshots).toEqual(before.snapshots);
    const stopped = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    server!.kill('SIGTERM');
    expect(await stopped).toBe(0);
    server = undefined;
    const ran = spawnSync(process.execPath, [bin, 'run', '--config', config, '--as-of', '2024-03-01'], {
      encoding: 'utf8',
    });
    expect(ran.status, ran.stderr).toBe(0);
  });
});

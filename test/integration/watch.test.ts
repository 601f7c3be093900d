/**
 * `segtrack watch` as a real process (`node bin/segtrack.mjs watch …`, issue 7): it runs on its
 * schedule, survives a failing run (a bad file dropped into the source folder is logged with its
 * problem and hint, and the next tick succeeds once the file is gone), and stops cleanly on SIGTERM
 * — finishing the run in progress, closing the workspace (which another command can then open)
 * and exiting 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const BIN = fileURLToPath(new URL('../../bin/segtrack.mjs', import.meta.url));

const CUSTOMERS = 'customer_id,created_at\nc1,2024-01-01 09:00:00\nc2,2024-01-02 09:00:00\n';
const ORDERS =
  'order_id,customer_id,ordered_at,revenue\no1,c1,2024-01-10 10:00:00,10\no2,c2,2024-02-10 10:00:00,20\n';
/** A file caught mid-upload (0 bytes): ingestion refuses the whole load (user error `empty_file`). */
const BAD_ORDERS = '';

/** A running `segtrack watch` whose stderr can be waited on line by line. */
class Watch {
  readonly child: ChildProcess;
  stderr = '';
  stdout = '';
  private waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, 'watch', ...args], {
      env: { ...process.env, SEGTRACK_PROGRESS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString('utf8')));
    this.child.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString('utf8');
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(this.stderr)) return true;
        w.resolve();
        return false;
      });
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves once stderr matches `pattern` (fails the test after `ms`). */
  async waitFor(pattern: RegExp, ms = 30_000): Promise<void> {
    if (pattern.test(this.stderr)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${this.stderr}`)), ms);
      this.waiters.push({
        test: (s) => pattern.test(s),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

let tmp: TempDir;
let config: string;
const running: Watch[] = [];

beforeAll(() => {
  tmp = makeTempDir('segtrack-watch-');
  tmp.write('data/customers.csv', CUSTOMERS);
  tmp.write('data/orders-2024.csv', ORDERS);
  config = tmp.write(
    'segtrack.yaml',
    [
      'workspace: ./shop.duckdb',
      'privacy: {min_segment_size: 1}',
      'sources:',
      '  customers: {file: data/customers.csv}',
      '  orders: {file: "data/orders-*.csv"}',
      'segments:',
      '  - {name: lifecycle, type: lifecycle}',
      'alerts:',
      '  - {name: buyers, kpi: customers, when: "value >= 1", notify: ["jsonl:alerts.jsonl"]}',
      '',
    ].join('\n'),
  );
});
afterAll(() => {
  for (const w of running) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  tmp.remove();
});

describe('segtrack watch', () => {
  it('survives a failing run and goes on at the next tick; stops on SIGTERM with exit 0', async () => {
    const w = new Watch(['--every', '2s', '--json', '--config', config]);
    running.push(w);
    await w.waitFor(/watch run 1: ingested 4 rows; snapshot 1 as of 2024-02-10: 2 customers, 1 new alert/);
    const bad = tmp.write('data/orders-bad.csv', BAD_ORDERS);
    await w.waitFor(/watch run \d+ failed/);
    expect(w.stderr).toMatch(/orders-bad\.csv.*\[empty_file\]/);
    expect(w.stderr).toMatch(/hint: /);
    expect(w.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    rmSync(bad);
    // The next tick after the file is gone succeeds again.
    await w.waitFor(/ failed \(.*[\s\S]*watch run \d+: ingested 4 rows; snapshot 1 as of 2024-02-10/);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.stderr).toMatch(/SIGTERM received/);
    expect(w.stderr).toMatch(/watch: stopped after \d+ runs \(\d+ failed\)/);
    const summary = JSON.parse(w.stdout) as {
      runs: number;
      failed: number;
      stopped_by: string;
      recent: { ok: boolean; error?: string }[];
    };
    expect(summary.stopped_by).toBe('signal');
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    expect(summary.recent[0]!.ok).toBe(true);
    expect(summary.recent.find((r) => !r.ok)?.error).toMatch(/\[empty_file\]\n {2}hint: /);
    expect(summary.recent.at(-1)!.ok).toBe(true);
    // The same snapshot again: the alert fired once, not at every tick.
    const alerts = jsonOf<{ alerts: unknown[] }>(await runCli(['alerts', '--json', '--config', config]));
    expect(alerts.alerts).toHaveLength(1);
  });

  it('finishes the run in progress when stopped, closes the workspace and exits 0', async () => {
    tmp.write(
      'data/orders-2024b.csv',
      'order_id,customer_id,ordered_at,revenue\no3,c2,2024-03-05 10:00:00,7\n',
    );
    const w = new Watch(['--every', '1d', '--config', config]);
    running.push(w);
    await w.waitFor(/watch: every 1d/);
    w.child.kill('SIGTERM'); // the first run has just started
    expect(await w.exited).toBe(0);
    expect(w.stderr).toMatch(/SIGTERM received, (finishing the current run, then stopping|stopping)/);
    expect(w.stderr).toMatch(/watch: stopped after [01] runs?/);
    // The workspace is closed and consistent: another command opens it at once.
    const status = jsonOf<{ snapshots: number }>(await runCli(['status', '--json', '--config', config]));
    expect(status.snapshots).toBeGreaterThanOrEqual(1);
  });

  it('runs --max-runs times and refuses a bad --every with exit 2', async () => {
    const w = new Watch(['--every', '1s', '--max-runs', '2', '--no-ingest', '--config', config]);
    running.push(w);
    expect(await w.exited).toBe(0);
    expect(w.stderr).toMatch(/watch run 1: snapshot \d+ as of 2024-0[23]-\d\d/);
    expect(w.stderr).toMatch(/watch run 2: snapshot/);
    expect(w.stderr).toMatch(/stopped after 2 runs \(0 failed\)/);
    const bad = await runCli(['watch', '--every', 'daily', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--every must be a duration');
  });
});

import { statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Progress } from '../core/progress.js';
import { runLoad, type LoadResult } from './api-load.js';
import { prepareApiWorkspace } from './api-workspace.js';
import { runSegtrackJson } from './segtrack-process.js';
import { startServerProcess } from './server-process.js';

/** Settings of {@link runApiBench}. */
export interface ApiBenchOptions {
  customers?: number;
  ordersPerCustomer?: number;
  seed?: number;
  /** Where the workspace is built and reused (default `.bench/api-<customers>` in the working folder). */
  dir?: string;
  /** Build the workspace again even when one of the same settings is there. */
  rebuild?: boolean;
  /** Simultaneous clients (default 8). */
  concurrency?: number;
  /** Measured seconds per run (default 10). */
  durationS?: number;
  /** Uncounted seconds before each run (default 2). */
  warmupS?: number;
  /** `--memory-limit` of the server (default: DuckDB's). */
  memoryLimit?: string | undefined;
  /** Start the server with SEGTRACK_TRACE=1, so `dir/server.log` has every statement's time. */
  trace?: boolean;
  /** Run the server with its answer cache off (`SEGTRACK_API_CACHE=0`): every request computed. */
  noCache?: boolean;
  progress?: Progress;
}

/** The bar: these answer within this many ms at p95 with 8 concurrent clients. */
export const API_TARGET = { p95_ms: 100, concurrency: 8, runs: ['segments', 'segment'] } as const;

/**
 * The routes measured, by run name: the segment × KPI table and a segment detail (the issue's
 * target), and for information the snapshot list and a trend over the snapshots.
 */
export const API_BENCH_PATHS: readonly (readonly [string, string])[] = [
  ['segments', '/api/v1/schemes/rfm/segments'],
  ['segment', `/api/v1/schemes/rfm/segments/${encodeURIComponent('Champions')}`],
  ['snapshots', '/api/v1/snapshots'],
  ['trend', '/api/v1/schemes/rfm/trend?kpi=revenue'],
];

/** What `segtrack bench --api` reports. */
export interface ApiBenchResult {
  customers: number;
  orders: number;
  snapshots: number;
  workspace: string;
  workspace_mb: number;
  /** Whether a workspace built earlier was reused, and how long building took (then or now). */
  reused_workspace: boolean;
  build_ms: number | null;
  /** The role of the token every request sends (the authenticated path is measured). */
  token_role: 'viewer';
  concurrency: number;
  duration_s: number;
  warmup_s: number;
  /** Whether the server cached answers (the default) or computed every one. */
  cache: boolean;
  /** Each path's first answer after the server started (computed, never cached), in ms. */
  first_ms: Record<string, number>;
  /** One run per path (every client asks it), then `mixed`: all paths in turn. */
  runs: { name: string; load: LoadResult }[];
  /**
   * The target per run it names, from the single-path runs; never met with fewer clients
   * than the target's.
   */
  target: {
    p95_ms: number;
    concurrency: number;
    results: { run: string; p95_ms: number | null; met: boolean }[];
    met: boolean;
  };
  server: { memory_limit: string | null; peak_rss_mb: number | null; log: string; trace: boolean };
  machine: { cpus: number; cpu_model: string; memory_gb: number; node: string };
}

/**
 * The API latency benchmark: builds (or reuses) a workspace of generated customers with the
 * demo's schemes and monthly snapshots, creates a viewer token, starts the real server as its own
 * process, and loads the main read routes — the segment × KPI table, a segment detail, the
 * snapshot list, a trend — each on its own with `concurrency` keep-alive clients and then mixed,
 * from this process (see {@link runLoad}). The load generator shares the machine with the server,
 * as it would on a single analyst's machine, so on 2 cores the figures include that contention.
 */
export async function runApiBench(o: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const progress = o.progress ?? (() => undefined);
  const customers = o.customers ?? 1_000_000;
  const concurrency = o.concurrency ?? 8;
  const durationS = o.durationS ?? 10;
  const warmupS = o.warmupS ?? 2;
  const ws = await prepareApiWorkspace({
    dir: o.dir ?? join('.bench', `api-${customers}`),
    customers,
    ordersPerCustomer: o.ordersPerCustomer,
    seed: o.seed ?? 1,
    rebuild: o.rebuild ?? false,
    progress,
  });

  progress('creating a viewer token (segtrack token create --role viewer)');
  const token = await runSegtrackJson<{ token: string; token_id: string }>([
    'token',
    'create',
    '--config',
    ws.config,
    '--role',
    'viewer',
    '--label',
    'segtrack bench --api',
  ]);
  const log = join(ws.dir, 'server.log');
  const runs: { name: string; load: LoadResult }[] = [];
  const first: Record<string, number> = {};
  let peak: number | null = null;
  try {
    progress(`starting segtrack serve${o.trace ? ' with SEGTRACK_TRACE=1' : ''} (log: ${log})`);
    const server = await startServerProcess({
      config: ws.config,
      memoryLimit: o.memoryLimit,
      logFile: log,
      env: { ...(o.trace ? { SEGTRACK_TRACE: '1' } : {}), ...(o.noCache ? { SEGTRACK_API_CACHE: '0' } : {}) },
    });
    try {
      const load = (list: string[]) =>
        runLoad({
          baseUrl: server.baseUrl,
          paths: list,
          token: token.token,
          concurrency,
          budget: { durationMs: durationS * 1000 },
          warmup: { durationMs: warmupS * 1000 },
        });
      // What a first visitor waits for: one request per path on the fresh server, nothing cached.
      for (const [name, path] of API_BENCH_PATHS) {
        const t = performance.now();
        const res = await fetch(`${server.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${token.token}` },
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        first[name] = Math.round((performance.now() - t) * 10) / 10;
      }
      for (const [name, path] of API_BENCH_PATHS) {
        progress(`${name}: ${concurrency} clients for ${durationS} s on ${path}`);
        runs.push({ name, load: await load([path]) });
      }
      progress(
        `mixed: ${concurrency} clients for ${durationS} s over all ${API_BENCH_PATHS.length} paths in turn`,
      );
      runs.push({ name: 'mixed', load: await load(API_BENCH_PATHS.map(([, p]) => p)) });
      peak = server.peakRssMb();
    } finally {
      progress('stopping the server (SIGTERM)');
      const code = await server.stop();
      if (code !== 0) progress(`the server exited with ${code}; see ${log}`);
    }
  } finally {
    // Tokens are kept hashed in the workspace; this one has done its job.
    await runSegtrackJson(['token', 'revoke', token.token_id, '--config', ws.config]);
  }

  const results = API_TARGET.runs.map((run) => {
    const r = runs.find((x) => x.name === run)!.load;
    const p95 = r.total.p95_ms;
    const met =
      concurrency >= API_TARGET.concurrency &&
      p95 !== null &&
      p95 < API_TARGET.p95_ms &&
      r.total.errors === 0;
    return { run, p95_ms: p95, met };
  });
  const cpu = cpus();
  return {
    customers: ws.customers,
    orders: ws.orders,
    snapshots: ws.snapshots.length,
    workspace: ws.workspace,
    workspace_mb: Math.round(statSync(ws.workspace).size / 1024 / 1024),
    reused_workspace: ws.reused,
    build_ms: ws.build_ms,
    token_role: 'viewer',
    concurrency,
    duration_s: durationS,
    warmup_s: warmupS,
    cache: !o.noCache,
    first_ms: first,
    runs,
    target: {
      p95_ms: API_TARGET.p95_ms,
      concurrency: API_TARGET.concurrency,
      results,
      met: results.every((r) => r.met),
    },
    server: { memory_limit: o.memoryLimit ?? null, peak_rss_mb: peak, log, trace: o.trace ?? false },
    machine: {
      cpus: cpu.length,
      cpu_model: cpu[0]?.model.trim() ?? 'unknown',
      memory_gb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
    },
  };
}

import type { Command } from 'commander';
import { runApiBench, type ApiBenchResult } from '../../bench/api-bench.js';
import type { PathLoad } from '../../bench/api-load.js';
import { runBench } from '../../bench/bench.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag, numberFlag } from '../options.js';

/** The flags of `segtrack bench` (and `bench --api`). */
interface BenchFlags {
  customers: string;
  ordersPerCustomer: string;
  seed: string;
  dir?: string;
  keep?: boolean;
  api?: boolean;
  concurrency: string;
  duration: string;
  warmup: string;
  rebuild?: boolean;
  trace?: boolean;
  cache?: boolean;
}

/** `segtrack bench`: time each stage on generated data; `--api`: the API's latency under load. */
export function registerBench(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('bench')
    .description('generate a synthetic customer base and time each stage on it (--api: the API under load)')
    .option('--customers <n>', 'number of customers', '1000000')
    .option('--orders-per-customer <k>', 'mean orders per customer', '15')
    .option('--seed <s>', 'random seed', '1')
    .option(
      '--dir <dir>',
      'work folder (default: a temporary folder, removed afterwards; with --api: .bench/api-<customers>, kept and reused)',
    )
    .option('--keep', 'keep the temporary folder')
    .option(
      '--api',
      'benchmark the REST API: latency per route with concurrent clients against `segtrack serve`',
    )
    .option('--concurrency <n>', 'with --api: simultaneous clients', '8')
    .option('--duration <s>', 'with --api: measured seconds per route', '10')
    .option('--warmup <s>', 'with --api: uncounted seconds before each measured run', '2')
    .option('--rebuild', 'with --api: build the workspace again even when one of the same settings exists')
    .option('--trace', 'with --api: run the server with SEGTRACK_TRACE=1 (SQL timings in DIR/server.log)')
    .option('--no-cache', 'with --api: run the server with its answer cache off (every request computed)')
    .action(async (f: BenchFlags, cmd: Command) => {
      const ctx = context(cmd);
      if (f.api) return apiBench(ctx, f);
      const r = await runBench({
        customers: intFlag('--customers', f.customers, 1)!,
        ordersPerCustomer: numberFlag('--orders-per-customer', f.ordersPerCustomer, 1)!,
        seed: intFlag('--seed', f.seed)!,
        progress: ctx.progress,
        ...(f.dir !== undefined ? { dir: f.dir } : {}),
        ...(f.keep ? { keep: true } : {}),
      });
      ctx.emit(r, () =>
        [
          `${num(r.customers)} customers, ${num(r.orders)} orders, ${num(r.source_rows)} source rows (${r.machine.cpus} cores, Node ${r.machine.node})`,
          '',
          table(
            ['stage', 'ms'],
            Object.entries(r.stages_ms).map(([s, ms]) => [s, ms]),
          ),
          '',
          `ingest: ${num(r.ingest_rows_per_s.csv)} rows/s from CSV, ${num(r.ingest_rows_per_s.parquet)} rows/s from Parquet (files to a durable workspace)`,
          `  of which reading, typing and checking: ${num(r.ingest_read_check_rows_per_s.csv)} rows/s from CSV, ${num(r.ingest_read_check_rows_per_s.parquet)} rows/s from Parquet`,
          `pipeline (features, segments, kpis, snapshot): ${num(r.pipeline_ms)} ms, peak ${num(r.peak_rss_mb_by_phase['pipeline'])} MB`,
          `models (features, fit_purchase, fit_spend, score): ${num(r.models_ms)} ms, peak ${num(r.peak_rss_mb_by_phase['pipeline_with_models'])} MB`,
          `models on their own (summary from orders, fits, scores; as lifetimes runs them): ${num(r.model_path.total_ms)} ms`,
          `k-means on ${num(r.kmeans.customers)} customers × ${r.kmeans.features.length} features: k = 8 in ${r.kmeans.k8_iterations} iterations; automatic k chose ${r.kmeans.auto_chosen_k}`,
          `total ${num(r.total_ms)} ms, peak memory ${num(r.peak_rss_mb)} MB`,
        ].join('\n'),
      );
    });
}

/** `segtrack bench --api`: prints the figures, then fails (exit 1) when any request failed. */
async function apiBench(ctx: CommandContext, f: BenchFlags): Promise<void> {
  const r = await runApiBench({
    customers: intFlag('--customers', f.customers, 1)!,
    ordersPerCustomer: numberFlag('--orders-per-customer', f.ordersPerCustomer, 1)!,
    seed: intFlag('--seed', f.seed)!,
    concurrency: intFlag('--concurrency', f.concurrency, 1)!,
    durationS: numberFlag('--duration', f.duration, 0.1)!,
    warmupS: numberFlag('--warmup', f.warmup, 0)!,
    memoryLimit: ctx.globals.memoryLimit,
    rebuild: f.rebuild === true,
    trace: f.trace === true,
    noCache: f.cache === false,
    progress: ctx.progress,
    ...(f.dir !== undefined ? { dir: f.dir } : {}),
  });
  ctx.emit(r, () => apiBenchText(r));
  const failed = r.runs.reduce((a, x) => a + x.load.total.errors, 0);
  if (failed > 0)
    throw new Error(
      `${num(failed)} requests did not get a 200 (${r.runs
        .flatMap((x) =>
          x.load.paths.filter((p) => p.errors > 0).map((p) => `${x.name} ${p.path}: ${p.first_error}`),
        )
        .join('; ')})`,
    );
}

/** The human rendering: data and machine, one table row per run and path, the target's verdict. */
function apiBenchText(r: ApiBenchResult): string {
  const row = (run: string, p: PathLoad): (string | number | null)[] => [
    run,
    p.path,
    p.requests,
    p.errors,
    p.throughput_rps,
    p.min_ms,
    p.p50_ms,
    p.p90_ms,
    p.p95_ms,
    p.p99_ms,
    p.max_ms,
  ];
  const rows = r.runs.flatMap(({ name, load }) =>
    load.paths.length === 1
      ? [row(name, load.paths[0]!)]
      : [...load.paths.map((p) => row(name, p)), row(name, load.total)],
  );
  return [
    `${num(r.customers)} customers, ${num(r.orders)} orders, ${r.snapshots} snapshots; workspace ${num(r.workspace_mb)} MB` +
      (r.reused_workspace ? ' (reused)' : ` (built in ${num((r.build_ms ?? 0) / 1000, 1)} s)`),
    `${r.machine.cpus} cores (${r.machine.cpu_model}), ${r.machine.memory_gb} GB, Node ${r.machine.node}; ` +
      `server peak ${num(r.server.peak_rss_mb)} MB${r.server.memory_limit ? `, --memory-limit ${r.server.memory_limit}` : ''}`,
    `${r.concurrency} keep-alive clients, ${r.duration_s} s per run after ${r.warmup_s} s of warm-up, ${r.token_role} token, ` +
      `server answer cache ${r.cache ? 'on' : 'off'}; latencies in ms (nearest rank)`,
    `first answer of each path (computed): ${Object.entries(r.first_ms)
      .map(([k, v]) => `${k} ${num(v, 1)} ms`)
      .join(', ')}`,
    '',
    table(['run', 'path', 'requests', 'errors', 'req/s', 'min', 'p50', 'p90', 'p95', 'p99', 'max'], rows),
    '',
    `target p95 < ${r.target.p95_ms} ms at ${r.target.concurrency} clients: ` +
      (r.concurrency < r.target.concurrency
        ? `not measured (${r.concurrency} client${r.concurrency === 1 ? '' : 's'})`
        : r.target.results
            .map((t) => `${t.run} ${num(t.p95_ms, 1)} ms ${t.met ? 'met' : 'NOT met'}`)
            .join(', ')),
  ].join('\n');
}

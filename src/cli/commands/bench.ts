import type { Command } from 'commander';
import { runBench } from '../../bench/bench.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag, numberFlag } from '../options.js';

/** `segtrack bench`: time each stage on generated data. */
export function registerBench(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('bench')
    .description('generate a synthetic customer base and time each stage on it')
    .option('--customers <n>', 'number of customers', '1000000')
    .option('--orders-per-customer <k>', 'mean orders per customer', '15')
    .option('--seed <s>', 'random seed', '1')
    .option('--dir <dir>', 'work folder (default: a temporary folder, removed afterwards)')
    .option('--keep', 'keep the temporary folder')
    .action(
      async (
        f: { customers: string; ordersPerCustomer: string; seed: string; dir?: string; keep?: boolean },
        cmd: Command,
      ) => {
        const ctx = context(cmd);
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
      },
    );
}

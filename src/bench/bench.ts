import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromObject } from '../config/load.js';
import type { Progress } from '../core/progress.js';
import { DEMO_SEGMENTS } from '../demo/demo-config.js';
import { generate } from '../generate/generate.js';
import { copyCsvToParquet, type ParquetJob } from '../generate/parquet-copy.js';
import { ingest } from '../ingest/ingest.js';
import type { CanonicalTableName } from '../model/canonical.js';
import { benchClusterStages, type ClusterStagesBench } from '../clusters/bench.js';
import { benchModelPath, type ModelPathBench } from '../predict/bench-path.js';
import { modelSettings } from '../predict/settings.js';
import { syntheticDataEnv } from '../privacy/pii.js';
import { openWorkspace } from '../workspace/workspace.js';
import { runSegtrackJson } from './segtrack-process.js';

/** Settings for {@link runBench}. */
export interface BenchOptions {
  customers?: number;
  ordersPerCustomer?: number;
  seed?: number;
  /** Work folder (default: a new temporary folder, removed afterwards). */
  dir?: string;
  keep?: boolean;
  progress?: Progress;
}

/** What `segtrack bench` reports (CONTRACT.md). */
export interface BenchResult {
  customers: number;
  orders: number;
  /** Source rows over all tables (what ingestion reads). */
  source_rows: number;
  stages_ms: Record<string, number>;
  /** Ingest throughput in source rows per second, by file format, from files to a durable workspace. */
  ingest_rows_per_s: { csv: number; parquet: number };
  /** The part of ingestion that reads, types and checks every row (before the tables are written). */
  ingest_read_check_rows_per_s: { csv: number; parquet: number };
  total_ms: number;
  /** The highest memory use of any phase (this process or the pipeline's). */
  peak_rss_mb: number;
  /** Peak memory per phase: generation and ingestion run here, the pipeline in its own process. */
  peak_rss_mb_by_phase: Record<string, number>;
  /** features + segments + kpis + snapshot: the time of one `segtrack run` without models. */
  pipeline_ms: number;
  /**
   * features + fit_purchase + fit_spend + score: a `segtrack run` with the models (BG/NBD and
   * Gamma-Gamma), up to every customer scored in the feature table.
   */
  models_ms: number;
  /**
   * The models without the feature table, as the Python `lifetimes` library runs them: the
   * per-customer summary from the orders, both fits, scores for every customer (see
   * `benchModelPath`); in this process, so without a memory figure of its own.
   */
  model_path: ModelPathBench;
  /** The clustering stages' data (the feature table's customers × 6 features) and outcome. */
  kmeans: {
    customers: number;
    features: string[];
    k8_iterations: number;
    auto_chosen_k: number;
    auto_reason: string;
  };
  machine: { cpus: number; node: string };
}

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0]!.trim();
  } finally {
    closeSync(fd);
  }
}

async function time<T>(stages: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await work();
  stages[name] = Math.round(performance.now() - t);
  return r;
}

/**
 * Generates a synthetic customer base and times each pipeline stage on it: generation, ingestion
 * of CSV files and of the same data as Parquet. Later stages (features, segments, KPIs, snapshot,
 * models, clusters) add themselves here as they land.
 */
export async function runBench(o: BenchOptions = {}): Promise<BenchResult> {
  const progress = o.progress ?? (() => undefined);
  const customers = o.customers ?? 1_000_000;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'segtrack-bench-'));
  const stages: Record<string, number> = {};
  const started = performance.now();
  try {
    progress(`generating ${customers} customers in ${dir}`);
    const gen = await time(stages, 'generate', () =>
      generate({
        out: join(dir, 'csv'),
        customers,
        seed: o.seed ?? 1,
        ...(o.ordersPerCustomer !== undefined ? { ordersPerCustomer: o.ordersPerCustomer } : {}),
        onProgress: progress,
      }),
    );
    const tables = Object.entries(gen.files).filter(([t]) => t !== 'truth') as [CanonicalTableName, string][];
    const sources = (ext: string) =>
      Object.fromEntries(tables.map(([t]) => [t, { file: `${ext}/${t}.${ext}` }]));

    progress('ingesting the CSV files');
    const csvWs = join(dir, 'csv.duckdb');
    rmSync(csvWs, { force: true });
    const csvConfig = configFromObject({ workspace: csvWs, sources: sources('csv') }, dir);
    let engine = await openWorkspace(csvWs);
    // The generated e-mail addresses are pseudonymised as real ones would be (a one-off key
    // unless SEGTRACK_PII_KEY is set), so ingestion is timed with its HMAC work.
    const { env } = syntheticDataEnv();
    const csvResult = await time(stages, 'ingest', () => ingest(engine, csvConfig, { env }));
    await engine.close();
    const sourceRows = Object.values(csvResult.tables).reduce((a, t) => a + t.source_rows, 0);

    progress('converting the data to Parquet (not timed)');
    const jobs: ParquetJob[] = tables.map(([t, csv]) => ({
      table: t,
      columns: firstLine(csv).split(','),
      csv,
      parquet: join(dir, 'parquet', `${t}.parquet`),
    }));
    rmSync(join(dir, 'parquet'), { recursive: true, force: true });
    mkdirSync(join(dir, 'parquet'), { recursive: true });
    await copyCsvToParquet(jobs);

    progress('ingesting the Parquet files');
    const pqWs = join(dir, 'parquet.duckdb');
    rmSync(pqWs, { force: true });
    const pqConfig = configFromObject({ workspace: pqWs, sources: sources('parquet') }, dir);
    engine = await openWorkspace(pqWs);
    const pqResult = await time(stages, 'ingest_parquet', () => ingest(engine, pqConfig, { env }));
    await engine.close();

    progress('running the pipeline (features, segments, KPIs, snapshot) in its own process');
    const pipeline = await runPipelineProcess(dir, csvWs, false);
    for (const [stage, ms] of Object.entries(pipeline.timings_ms)) stages[stage] = ms;
    progress('running the pipeline with the models (BG/NBD, Gamma-Gamma, scoring) in its own process');
    const withModels = await runPipelineProcess(dir, csvWs, true);
    const m = withModels.timings_ms;
    stages['features_with_models'] = m['features'] ?? 0;
    for (const s of ['fit_purchase', 'fit_spend', 'score']) stages[s] = m[s] ?? 0;
    progress('clustering the feature table (k = 8, then automatic k)');
    engine = await openWorkspace(csvWs);
    let clusters: ClusterStagesBench;
    try {
      clusters = await benchClusterStages(engine, 'features');
    } finally {
      await engine.close();
    }
    progress('the models on their own: summary from orders, fits, scores (as lifetimes runs them)');
    engine = await openWorkspace(csvWs);
    let modelPath: ModelPathBench;
    try {
      modelPath = await benchModelPath(engine, modelSettings(configFromObject({ workspace: csvWs }, dir)));
    } finally {
      await engine.close();
    }
    stages['model_summary'] = modelPath.summary_ms;
    stages['kmeans_k8'] = Math.round(clusters.kmeans_k8_ms);
    stages['kmeans_auto'] = Math.round(clusters.kmeans_auto_ms);
    const ownPeak = Math.round(process.resourceUsage().maxRSS / 1024);

    const rate = (ms: number | undefined) => (ms ? Math.round((sourceRows / ms) * 1000) : 0);
    return {
      customers: gen.customers,
      orders: gen.orders,
      source_rows: sourceRows,
      stages_ms: stages,
      ingest_rows_per_s: { csv: rate(stages['ingest']), parquet: rate(stages['ingest_parquet']) },
      ingest_read_check_rows_per_s: {
        csv: rate(csvResult.timings_ms.read_check),
        parquet: rate(pqResult.timings_ms.read_check),
      },
      total_ms: Math.round(performance.now() - started),
      peak_rss_mb: Math.max(ownPeak, pipeline.peak_rss_mb, withModels.peak_rss_mb),
      peak_rss_mb_by_phase: {
        generate_and_ingest: ownPeak,
        pipeline: pipeline.peak_rss_mb,
        pipeline_with_models: withModels.peak_rss_mb,
      },
      // The pipeline: features, segments, KPIs and snapshot (not retention or alerts).
      pipeline_ms: ['features', 'segments', 'kpis', 'snapshot'].reduce(
        (a, s) => a + (pipeline.timings_ms[s] ?? 0),
        0,
      ),
      models_ms: ['features', 'fit_purchase', 'fit_spend', 'score'].reduce((a, s) => a + (m[s] ?? 0), 0),
      model_path: modelPath,
      kmeans: {
        customers: clusters.customers,
        features: clusters.features,
        k8_iterations: clusters.kmeans_k8_iterations,
        auto_chosen_k: clusters.chosen_k,
        auto_reason: clusters.reason,
      },
      machine: { cpus: cpus().length, node: process.version },
    };
  } finally {
    if (o.dir === undefined && !o.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `segtrack run` on the benchmark's workspace in a separate process, so its peak memory is
 * its own and not ingestion's.
 */
async function runPipelineProcess(
  dir: string,
  workspace: string,
  models: boolean,
): Promise<{ timings_ms: Record<string, number>; peak_rss_mb: number }> {
  const config = join(dir, models ? 'pipeline-models.yaml' : 'pipeline.yaml');
  writeFileSync(
    config,
    `workspace: ${JSON.stringify(workspace)}
${DEMO_SEGMENTS}${models ? 'models: {purchase: bgnbd, spend: gamma_gamma, time_unit: week}\n' : ''}`,
  );
  // DuckDB caches up to 80 % of RAM by default (the run then peaks at about 2.7 GB at 1M
  // customers). With a 1.4 GB cap the staging tables of the feature build stay in memory and the
  // process peaks at 1.6–1.8 GB; at 1 GB they spill and the feature build takes about 1.2 s more.
  return runSegtrackJson(['run', '--config', config, '--memory-limit', '1.4GB']);
}

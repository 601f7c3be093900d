import { syntheticDataEnv } from '../privacy/pii.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Progress } from '../core/progress.js';
import type { Engine } from '../engine/engine.js';
import { generate, type GenerateResult } from '../generate/generate.js';
import { ingest, type IngestResult } from '../ingest/ingest.js';
import { backfill } from '../pipeline/backfill.js';
import { resolveAsOf } from '../pipeline/run.js';
import { runQuality, type QualityReport } from '../quality/quality.js';
import { shownSegmentTable, resolveSnapshot } from '../snapshot/read.js';
import type { ShownSegmentRow } from '../privacy/suppress-segments.js';
import { decideSuppression } from '../privacy/suppression.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import { fitModels } from '../predict/fit-models.js';
import { modelSettings } from '../predict/settings.js';
import { validateModels } from '../predict/validate.js';
import { storeModelReport } from '../snapshot/store.js';
import { workspaceLabel, writeReport } from '../report/report.js';
import { openWorkspace } from '../workspace/workspace.js';
import { demoConfigText } from './demo-config.js';

/** Settings for {@link runDemo}. */
export interface DemoOptions {
  dir?: string;
  customers?: number;
  seed?: number;
  /** Last day of the generated data (default: yesterday). */
  end?: string;
  progress?: Progress;
}

/** Headline figures of the demo workspace. */
export interface DemoSummary {
  customers: number;
  customers_with_orders: number;
  orders: number;
  revenue: number;
  first_order: string | null;
  last_order: string | null;
  events: number;
  feedback: number;
  /** Customers and revenue per acquisition channel; small channels suppressed (null). */
  channels: { channel: string; customers: number | null; revenue: number | null; suppressed: boolean }[];
}

/** What `segtrack demo` did. */
export interface DemoResult {
  dir: string;
  config: string;
  workspace: string;
  generated: GenerateResult;
  ingest: IngestResult;
  quality: QualityReport['summary'];
  summary: DemoSummary;
  /** The snapshots built: one per month end over the last year, and the as-of date. */
  snapshots: { snapshot_id: number; as_of: string }[];
  /** The RFM table of the latest snapshot, for the summary. */
  /** The latest RFM segments, small ones suppressed (privacy.min_segment_size). */
  rfm: ShownSegmentRow[];
  /** The HTML report written after the models (`DIR/report.html`). */
  report: string;
}

/** Headline figures computed in the engine. */
export async function summarise(engine: Engine, minSegmentSize = 10): Promise<DemoSummary> {
  const [h] = await engine.query(
    `SELECT (SELECT count(*) FROM customers) AS customers,
            (SELECT count(DISTINCT customer_id) FROM orders WHERE status = 'completed') AS buyers,
            (SELECT count(*) FROM orders WHERE status = 'completed') AS orders,
            (SELECT coalesce(sum(revenue), 0) FROM orders WHERE status = 'completed') AS revenue,
            (SELECT CAST(CAST(min(ordered_at) AS DATE) AS VARCHAR) FROM orders) AS first_order,
            (SELECT CAST(CAST(max(ordered_at) AS DATE) AS VARCHAR) FROM orders) AS last_order,
            (SELECT count(*) FROM events) AS events,
            (SELECT count(*) FROM feedback) AS feedback`,
  );
  const channels = await engine.query<{ channel: string; customers: number; revenue: number }>(
    `SELECT coalesce(c.acquisition_channel, '(unknown)') AS channel, count(*) AS customers,
            coalesce(sum(o.revenue), 0) AS revenue
       FROM customers c
       LEFT JOIN (SELECT customer_id, sum(revenue) AS revenue FROM orders WHERE status = 'completed' GROUP BY customer_id) o
         ON o.customer_id = c.customer_id
      GROUP BY 1 ORDER BY revenue DESC`,
  );
  return {
    customers: Number(h?.['customers'] ?? 0),
    customers_with_orders: Number(h?.['buyers'] ?? 0),
    orders: Number(h?.['orders'] ?? 0),
    revenue: Number(h?.['revenue'] ?? 0),
    first_order: (h?.['first_order'] as string | null) ?? null,
    last_order: (h?.['last_order'] as string | null) ?? null,
    events: Number(h?.['events'] ?? 0),
    feedback: Number(h?.['feedback'] ?? 0),
    channels: suppressChannels(channels, minSegmentSize),
  };
}

/** The channel rows as shown: a channel of fewer than the minimum customers (and its complement) hidden. */
function suppressChannels(
  rows: { channel: string; customers: number; revenue: number }[],
  threshold: number,
): DemoSummary['channels'] {
  const decisions = decideSuppression(
    rows.map((r) => ({ id: r.channel, customers: Number(r.customers) })),
    { threshold, totalKnown: true },
  );
  return rows.map((r, i) =>
    decisions[i]!.suppressed
      ? { channel: r.channel, customers: null, revenue: null, suppressed: true }
      : { channel: r.channel, customers: Number(r.customers), revenue: Number(r.revenue), suppressed: false },
  );
}

/**
 * The one-command demo: generates sample data into `dir/data`, writes the config it used to
 * `dir/segtrack.yaml`, loads everything into `dir/segtrack.duckdb`, checks its quality, and
 * returns the headline figures. Every stage that exists runs; later stages add themselves here.
 */
export async function runDemo(o: DemoOptions = {}): Promise<DemoResult> {
  const progress = o.progress ?? (() => undefined);
  const dir = resolve(o.dir ?? 'segtrack-demo');
  mkdirSync(dir, { recursive: true });
  progress(`generating ${o.customers ?? 20000} customers into ${join(dir, 'data')}`);
  // The demo's data ends yesterday, so it looks fresh; `segtrack generate` keeps a fixed end date
  // unless told otherwise, so that a seed always gives the same files.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const generated = await generate({
    out: join(dir, 'data'),
    customers: o.customers ?? 20000,
    seed: o.seed ?? 42,
    end: o.end ?? yesterday,
    onProgress: progress,
  });
  const configPath = join(dir, 'segtrack.yaml');
  writeFileSync(configPath, demoConfigText('csv'));
  const config = await loadConfig(configPath);
  const workspace = config.workspace ?? join(dir, 'segtrack.duckdb');
  const engine = await openWorkspace(workspace);
  try {
    // The generated customers have (made-up) e-mail addresses: they are pseudonymised like real
    // ones, with SEGTRACK_PII_KEY when set, else a one-off key (re-ingesting then needs a key).
    const pii = syntheticDataEnv();
    if (pii.oneOff)
      progress('pseudonymising e-mail addresses with a one-off key (SEGTRACK_PII_KEY is not set)');
    const ingested = await ingest(engine, config, { progress, env: pii.env });
    progress('checking data quality');
    const quality = await runQuality(engine);
    // A year of monthly history, so trends and migrations have something to show on day one.
    const asOf = await resolveAsOf(engine, config.as_of);
    const from = new Date(Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)) - 12, 0))
      .toISOString()
      .slice(0, 10);
    progress(`building monthly snapshots from ${from} to ${asOf}`);
    const history = await backfill(engine, config, { from, to: asOf, every: 'month', progress });
    // The models' fit and a holdout validation (the last quarter held out), for the dashboard's
    // value-and-churn page and the report.
    progress('fitting and validating the purchase and spend models');
    const settings = modelSettings(config);
    await storeModelReport(engine, 'fit', await fitModels(engine, { asOf, settings }));
    const calibrationEnd = new Date(Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)) - 3, 0))
      .toISOString()
      .slice(0, 10);
    await storeModelReport(
      engine,
      'validate',
      await validateModels(engine, { calibrationEnd, holdoutEnd: asOf, settings }),
    );
    progress('writing the HTML report');
    const report = await writeReport(engine, config, {
      out: join(dir, 'report.html'),
      workspace: workspaceLabel(workspace),
    });
    const latest = await resolveSnapshot(engine);
    const rfm = (
      await shownSegmentTable(engine, latest, 'rfm', minSegmentSizeOf(config), [
        'customers',
        'revenue',
        'repeat_rate',
      ])
    ).segments;
    return {
      snapshots: history.snapshots,
      rfm,
      report: report.out,
      dir,
      config: configPath,
      workspace,
      generated,
      ingest: ingested,
      quality: quality.summary,
      summary: await summarise(engine, minSegmentSizeOf(config)),
    };
  } finally {
    await engine.close();
  }
}

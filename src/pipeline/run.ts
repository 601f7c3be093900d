import { configHash } from '../config/load.js';
import type { Config } from '../config/types.js';
import { userError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { Engine } from '../engine/engine.js';
import { buildFeatures, latestOrderDate, type FeatureInfo } from '../features/build-features.js';
import { computeSnapshotKpis, selectedKpis } from './kpi-step.js';
import { assignSegments } from '../segments/assign.js';
import { modelStep, newModelReport, type ModelReport } from '../predict/model-step.js';
import { modelReportJson } from '../predict/report.js';
import { modelSettings, modelsWanted } from '../predict/settings.js';
import { evaluateAlerts, type RunAlerts } from '../alerts/evaluate.js';
import { recordAudit } from '../privacy/audit.js';
import { applyRetention, hasRetention } from '../privacy/retention.js';
import { computeProfiles } from '../snapshot/profiles.js';
import { writeSnapshot } from '../snapshot/store.js';

/** Settings for {@link runPipeline}. */
export interface RunOptions {
  /** As-of date (YYYY-MM-DD); default: the config's `as_of`, else the latest order date. */
  asOf?: string;
  progress?: Progress;
}

/** What `segtrack run` reports (CONTRACT.md). */
export interface RunResult {
  snapshot_id: number;
  as_of: string;
  schemes: string[];
  timings_ms: Record<string, number>;
  customers: number;
  kpis: string[];
  primary_kpi: string | null;
  skipped_schemes: { scheme: string; type: string; reason: string }[];
  /** The model fits when the run used models (see `modelsWanted`), else absent. */
  models?: Record<string, unknown>;
  /** The alert rules that fired on this snapshot, and what was notified. */
  alerts: RunAlerts;
}

/** The as-of date a run uses: given, else the config's, else the latest order date. */
export async function resolveAsOf(
  engine: Engine,
  configAsOf: string | undefined,
  asOf?: string,
): Promise<string> {
  const chosen = asOf ?? configAsOf ?? (await latestOrderDate(engine));
  if (chosen === null || chosen === undefined)
    throw userError('no_orders', 'the workspace has no orders to compute features from', {
      hint: 'run `segtrack ingest` first, or pass --as-of DATE',
    });
  return chosen;
}

/**
 * One pipeline run as of a date: features → segments → KPIs (with intervals and flags) →
 * snapshot. Every stage runs as SQL in the engine; the snapshot is written in one transaction.
 */
export async function runPipeline(engine: Engine, config: Config, o: RunOptions = {}): Promise<RunResult> {
  const progress = o.progress ?? (() => undefined);
  const timings: Record<string, number> = {};
  const time = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    progress(`${stage}…`);
    const r = await work();
    timings[stage] = Math.round(performance.now() - t);
    return r;
  };
  // Data past its retention (privacy.retain_*_days) is purged before anything reads it.
  if (hasRetention(config)) await time('retention', () => applyRetention(engine, config));
  const asOf = await resolveAsOf(engine, config.as_of, o.asOf);
  const settings = modelSettings(config);
  const report: ModelReport | undefined = modelsWanted(config) ? newModelReport(settings) : undefined;
  const features: FeatureInfo = await time('features', () =>
    buildFeatures(engine, {
      asOf,
      timeUnit: settings.timeUnit,
      ...(report ? { models: modelStep(settings, report) } : {}),
    }),
  );
  if (report) {
    // The model stages ran inside the feature build: report them as stages of their own.
    for (const [stage, ms] of Object.entries(report.timings_ms)) {
      timings[stage] = ms;
      timings['features']! -= ms;
    }
  }
  const models = report ? modelReportJson(report) : undefined;
  const assignment = await time('segments', () => assignSegments(engine, features, config));
  const selection = selectedKpis(config);
  const table = await time('kpis', () =>
    computeSnapshotKpis(engine, config, features, assignment, selection),
  );
  const profiles = await time('profiles', () => computeProfiles(engine, features, assignment.table));
  // A run under a changed configuration is recorded in the audit log (hashes only).
  const hash = configHash(config);
  const [last] = await engine.query<{ config_hash: string }>(
    'SELECT config_hash FROM snapshots ORDER BY snapshot_id DESC LIMIT 1',
  );
  if (last !== undefined && last.config_hash !== hash)
    await recordAudit(engine, 'config_change', config.path || null, { from: last.config_hash, to: hash });
  const id = await time('snapshot', () =>
    writeSnapshot(engine, {
      asOf,
      configHash: hash,
      schemes: assignment.schemes,
      kpis: table.kpis,
      members: assignment.table,
      segments: table.segments,
      base: table.base,
      profiles,
      meta: {
        customers: features.customers,
        skipped_schemes: assignment.skipped,
        primary_kpi: table.primary ?? null,
        kpi_notes: table.notes,
        ...(models ? { models } : {}),
      },
    }),
  );
  await engine.exec(`DROP TABLE IF EXISTS ${engine.dialect.ident(assignment.table)}`);
  // Alert rules are evaluated against every snapshot a run stores (src/alerts).
  const alerts = await time('alerts', () => evaluateAlerts(engine, config, id));
  return {
    snapshot_id: id,
    as_of: asOf,
    schemes: assignment.schemes.map((s) => s.scheme),
    timings_ms: timings,
    customers: features.customers,
    kpis: table.kpis,
    primary_kpi: table.primary ?? null,
    skipped_schemes: assignment.skipped,
    ...(models ? { models } : {}),
    alerts,
  };
}

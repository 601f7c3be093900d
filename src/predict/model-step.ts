import type { Problem } from '../core/errors.js';
import { UserError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import type { FeatureColumn, ModelColumns, ModelStep } from '../features/build-features.js';
import type { ModelFit } from '../models/fit-result.js';
import type { GammaGammaFit } from '../models/gamma-gamma.js';
import { collapseSpendSummary, collapseSummary, type RfmSummary } from '../models/summary.js';
import { discountedPurchases, monthlyHorizons } from './clv.js';
import { fitPurchaseModel, fitSpendModel, gammaGammaSpendSql } from './fit.js';
import { unitDays, type ModelSettings } from './settings.js';

/** What the model step did, for the run's report and the snapshot. */
export interface ModelReport {
  settings: ModelSettings;
  purchase?: ModelFit;
  spend?: GammaGammaFit;
  /** Why there are no scores (purchase model) or no CLV (spend model). */
  problems: Problem[];
  /** Customers scored (those with at least one completed order). */
  scored: number;
  timings_ms: { fit_purchase?: number; fit_spend?: number; score?: number };
}

/** The score columns the model step adds to the feature table. */
export const SCORE_COLUMNS: FeatureColumn[] = [
  {
    name: 'p_alive',
    type: 'number',
    description: 'Probability that the customer is still active (purchase model); NULL without an order.',
  },
  {
    name: 'expected_purchases',
    type: 'number',
    description: 'Expected purchases over the model horizon (purchase model); NULL without an order.',
  },
  {
    name: 'expected_spend',
    type: 'number',
    description: 'Expected spend per purchase (Gamma-Gamma; currency); NULL without an order or spend model.',
  },
  {
    name: 'predicted_clv',
    type: 'number',
    description:
      'Discounted expected revenue over the model horizon: discounted expected purchases × expected spend (currency).',
  },
];

/** A summary with times divided by `per` (days → the model's unit). */
function inUnit(s: RfmSummary, per: number): RfmSummary {
  if (per === 1) return s;
  return { ...s, tx: s.tx.map((v) => v / per), T: s.T.map((v) => v / per) };
}

function toInt32(a: Float64Array): Int32Array {
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  return out;
}

/**
 * The feature build's model step: reads every buyer's (x, t_x, T, mean repeat spend), fits the
 * purchase model and the Gamma-Gamma spend model, scores each distinct (x, t_x, T) history in
 * process (P(alive) has a closed form but the conditional expectation needs ₂F₁, so scoring is
 * one pass over typed arrays), stores those scores in a temporary table keyed by whole days and
 * returns the columns that join them onto the feature table as it is written. The spend model's
 * expectation is a closed form, computed in SQL.
 *
 * A purchase model that cannot be fitted (too few repeat buyers…) leaves the table without
 * scores and its problems in `report.problems`; the run goes on without the model KPIs.
 */
export function modelStep(settings: ModelSettings, report: ModelReport): ModelStep {
  return async (engine: Engine, summarySql: string): Promise<ModelColumns | undefined> => {
    const d = engine.dialect;
    const cols = await engine.numericColumns(
      // Sorted, so that the same data always gives the same rows in the same order and the fit
      // is reproducible to the last digit (the engine returns unsorted rows in any order).
      `SELECT x, t_x_days, ${d.ident('T_days')} AS big_t, monetary_mean FROM (${summarySql}) s ORDER BY 1, 2, 3, 4`,
    );
    const x = cols['x']!;
    const days = collapseSummary(x, cols['t_x_days']!, cols['big_t']!);
    const summary = inUnit(days, unitDays(settings.timeUnit));

    let t = performance.now();
    let purchase;
    try {
      purchase = fitPurchaseModel(settings, summary);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      report.problems.push(...e.problems);
      return undefined;
    }
    report.purchase = purchase.fit;
    report.timings_ms.fit_purchase = Math.round(performance.now() - t);

    t = performance.now();
    // monetary_mean is NULL (NaN) without a repeat purchase; the spend summary leaves x = 0 out.
    const mbar = cols['monetary_mean']!.map((m, i) => (x[i]! > 0 ? m : 0));
    const spend = fitSpendModel(collapseSpendSummary(x, mbar));
    if ('problems' in spend) report.problems.push(...spend.problems);
    else report.spend = spend;
    report.timings_ms.fit_spend = Math.round(performance.now() - t);

    t = performance.now();
    const scores = purchase.score(summary.x, summary.tx, summary.T, monthlyHorizons(settings));
    const discounted = discountedPurchases(scores, settings.discountRateAnnual);
    const tableName = '_stage_model_scores';
    const table = d.ident(tableName);
    await engine.exec(`DROP TABLE IF EXISTS ${table}`);
    await engine.exec(
      `CREATE TEMP TABLE ${table} (x INTEGER, t_x_days INTEGER, ${d.ident('T_days')} INTEGER, ` +
        `p_alive DOUBLE, expected_purchases DOUBLE, discounted_purchases DOUBLE)`,
    );
    await engine.append(
      tableName,
      [
        { name: 'x', type: 'integer', values: toInt32(days.x) },
        { name: 't_x_days', type: 'integer', values: toInt32(days.tx) },
        { name: 'T_days', type: 'integer', values: toInt32(days.T) },
        { name: 'p_alive', type: 'double', values: scores.pAlive },
        { name: 'expected_purchases', type: 'double', values: scores.expected[scores.expected.length - 1]! },
        { name: 'discounted_purchases', type: 'double', values: discounted },
      ],
      { temporary: true },
    );
    report.timings_ms.score = Math.round(performance.now() - t);
    report.scored = x.length;

    const num = (v: number) => d.literal(v);
    const columns: [string, string][] = [
      ['p_alive', 'sc.p_alive'],
      ['expected_purchases', 'sc.expected_purchases'],
    ];
    if (report.spend) {
      // Without a spend model there is no CLV: the columns are left out rather than NULL, so the
      // KPIs and schemes that need them say why.
      const spendSql = `CASE WHEN sc.p_alive IS NULL THEN NULL ELSE ${gammaGammaSpendSql(report.spend, 't.frequency', 't.monetary_mean', num)} END`;
      columns.push(
        ['expected_spend', spendSql],
        ['predicted_clv', `sc.discounted_purchases * (${spendSql})`],
      );
    }
    return {
      joins: [
        `LEFT JOIN ${table} sc ON sc.x = t.frequency AND sc.t_x_days = t.t_x_days AND sc.${d.ident('T_days')} = t.${d.ident('T_days')}`,
      ],
      columns,
      definitions: SCORE_COLUMNS.filter((c) => columns.some(([n]) => n === c.name)),
      temporaryTables: [table],
    };
  };
}

/** An empty report to fill. */
export function newModelReport(settings: ModelSettings): ModelReport {
  return { settings, problems: [], scored: 0, timings_ms: {} };
}

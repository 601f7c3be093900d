import { type Problem, UserError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import type { FeatureColumn, ModelColumns, ModelStep } from '../features/build-features.js';
import type { ModelFit } from '../models/fit-result.js';
import type { GammaGammaFit } from '../models/gamma-gamma.js';
import { discountedPurchases, monthlyHorizons } from './clv.js';
import { fitBoth, gammaGammaSpendSql } from './fit.js';
import type { ModelSettings } from './settings.js';
import { readSummary } from './summary-data.js';

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
    const data = await readSummary(engine, summarySql);
    let fitted;
    try {
      fitted = fitBoth(data, settings);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      report.problems.push(...e.problems);
      return undefined;
    }
    const { days, summary, purchase, spend } = fitted;
    report.purchase = purchase.fit;
    if ('problems' in spend) report.problems.push(...spend.problems);
    else report.spend = spend;
    Object.assign(report.timings_ms, fitted.timings_ms);

    const t = performance.now();
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
        { name: 'x', type: 'integer', values: Int32Array.from(days.x) },
        { name: 't_x_days', type: 'integer', values: Int32Array.from(days.tx) },
        { name: 'T_days', type: 'integer', values: Int32Array.from(days.T) },
        { name: 'p_alive', type: 'double', values: scores.pAlive },
        { name: 'expected_purchases', type: 'double', values: scores.expected[scores.expected.length - 1]! },
        { name: 'discounted_purchases', type: 'double', values: discounted },
      ],
      { temporary: true },
    );
    report.timings_ms.score = Math.round(performance.now() - t);
    report.scored = data.x.length;

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

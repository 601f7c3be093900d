import { UserError, type Problem } from '../core/errors.js';
import { fitBgNbd } from '../models/bgnbd.js';
import { bgnbdExpectedTransactions, scoreBgNbd, type RfmScores } from '../models/bgnbd-score.js';
import type { ModelFit } from '../models/fit-result.js';
import { fitGammaGamma, type GammaGammaFit } from '../models/gamma-gamma.js';
import { fitParetoNbd } from '../models/pareto-nbd.js';
import { paretoNbdExpectedTransactions, scoreParetoNbd } from '../models/pareto-nbd-score.js';
import {
  collapseSpendSummary,
  collapseSummary,
  type RfmSummary,
  type SpendSummary,
} from '../models/summary.js';
import { unitDays, type ModelSettings } from './settings.js';
import type { SummaryData } from './summary-data.js';

/** A fitted purchase model and how to score customers with it. */
export interface PurchaseModel {
  fit: ModelFit;
  /** P(alive) and E[Y(t) | x, t_x, T] for each horizon (times in the fit's unit). */
  score(
    x: ArrayLike<number>,
    tx: ArrayLike<number>,
    T: ArrayLike<number>,
    horizons: readonly number[],
  ): RfmScores;
  /** E[X(t)]: expected repeat purchases of a new customer in a period of length t. */
  expected(t: number): number;
}

/** Fits the configured purchase model (BG/NBD or Pareto/NBD) to a summary in the model's time unit. */
export function fitPurchaseModel(settings: ModelSettings, summary: RfmSummary): PurchaseModel {
  if (settings.purchase === 'pareto_nbd') {
    const fit = fitParetoNbd(summary);
    return {
      fit,
      score: (x, tx, T, h) => scoreParetoNbd(fit.params, x, tx, T, h),
      expected: (t) => paretoNbdExpectedTransactions(fit.params, t),
    };
  }
  const fit = fitBgNbd(summary);
  return {
    fit,
    score: (x, tx, T, h) => scoreBgNbd(fit.params, x, tx, T, h),
    expected: (t) => bgnbdExpectedTransactions(fit.params, t),
  };
}

/** The Gamma-Gamma fit, or the reason there is none (its problems), without failing the run. */
export function fitSpendModel(summary: SpendSummary): GammaGammaFit | { problems: Problem[] } {
  try {
    const fit = fitGammaGamma(summary);
    if (!(fit.params.q > 1))
      return {
        problems: [
          {
            code: 'model_spend_mean_undefined',
            message: `the Gamma-Gamma fit has q = ${fit.params.q.toPrecision(3)} ≤ 1, so the mean spend it implies is infinite`,
            hint: 'check the order values for extreme outliers (the spend model needs q > 1)',
          },
        ],
      };
    return fit;
  } catch (e) {
    if (e instanceof UserError) return { problems: e.problems };
    throw e;
  }
}

/** Expected mean spend of a customer, Fader, Hardie & Lee (2005, JMR) eq. (5) / Fader & Hardie (2013) eq. (6). */
export function gammaGammaSpendSql(
  fit: GammaGammaFit,
  x: string,
  mbar: string,
  num: (v: number) => string,
): string {
  const { p, q, gamma } = fit.params;
  // E[M | p, q, γ, x, m̄] = (γ + m̄x)·p / (px + q − 1); with no (positive) repeat spend it is the
  // population mean γp / (q − 1).
  return (
    `CASE WHEN ${x} > 0 AND ${mbar} > 0 THEN (${num(gamma * p)} + ${num(p)} * ${x} * ${mbar}) / (${num(p)} * ${x} + ${num(q - 1)}) ` +
    `ELSE ${num((gamma * p) / (q - 1))} END`
  );
}

/** The JSON of one fit as `segtrack fit` prints it (CONTRACT.md). */
export function fitJson(fit: ModelFit): Record<string, unknown> {
  return {
    name: fit.name,
    params: fit.params,
    log_likelihood: fit.logLikelihood,
    converged: fit.converged,
    std_errors: fit.stdErrors,
    iterations: fit.iterations,
    gradient_norm: fit.gradientNorm,
    customers: fit.customers,
    distinct_rows: fit.distinctRows,
    warnings: fit.warnings,
  };
}

/** Both models fitted on a purchase summary (see {@link fitBoth}). */
export interface FittedModels {
  /** The distinct (x, t_x, T) histories in whole days: the keys scores are stored under. */
  days: RfmSummary;
  /** The same histories in the model's time unit: what was fitted, and what is scored. */
  summary: RfmSummary;
  purchase: PurchaseModel;
  spend: GammaGammaFit | { problems: Problem[] };
  timings_ms: { fit_purchase: number; fit_spend: number };
}

/**
 * Collapses a purchase summary, fits the purchase model (throwing its UserError when it cannot
 * be fitted) and the Gamma-Gamma spend model on the repeat buyers (whose problems are returned,
 * not thrown). `monetary` is NaN without a repeat purchase; those customers stay out of the
 * spend fit.
 */
export function fitBoth(data: SummaryData, settings: ModelSettings): FittedModels {
  const per = unitDays(settings.timeUnit);
  const days = collapseSummary(data.x, data.txDays, data.bigTDays);
  const summary =
    per === 1 ? days : { ...days, tx: days.tx.map((v) => v / per), T: days.T.map((v) => v / per) };
  let t = performance.now();
  const purchase = fitPurchaseModel(settings, summary);
  const fitPurchaseMs = performance.now() - t;
  t = performance.now();
  const mbar = data.monetary.map((m, i) => (data.x[i]! > 0 ? m : 0));
  const spend = fitSpendModel(collapseSpendSummary(data.x, mbar));
  return {
    days,
    summary,
    purchase,
    spend,
    timings_ms: { fit_purchase: Math.round(fitPurchaseMs), fit_spend: Math.round(performance.now() - t) },
  };
}

/** The spend model's JSON: the fit with who it left out, or null (its problems go elsewhere). */
export function spendJson(spend: FittedModels['spend']): Record<string, unknown> | null {
  if ('problems' in spend) return null;
  return {
    ...fitJson(spend),
    excluded_non_positive: spend.excludedNonPositive,
    frequency_spend_correlation: spend.frequencySpendCorrelation,
  };
}

/** `purchase_model`, `spend_model` and, when the spend model failed, `spend_problems`. */
export function fitsJson(f: FittedModels): Record<string, unknown> {
  return {
    purchase_model: fitJson(f.purchase.fit),
    spend_model: spendJson(f.spend),
    ...('problems' in f.spend ? { spend_problems: f.spend.problems } : {}),
  };
}

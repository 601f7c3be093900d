import type { Engine } from '../engine/engine.js';
import { asOfSql } from '../features/as-of.js';
import { latestOrderDate } from '../features/build-features.js';
import { purchaseSummarySql } from '../features/feature-select.js';
import { discountedPurchases, monthlyHorizons } from './clv.js';
import { fitBoth } from './fit.js';
import type { ModelSettings } from './settings.js';
import { readSummary, withOrderStages } from './summary-data.js';

/** Timings of {@link benchModelPath}, in milliseconds. */
export interface ModelPathBench {
  summary_ms: number;
  fit_purchase_ms: number;
  fit_spend_ms: number;
  score_ms: number;
  total_ms: number;
  customers: number;
}

/**
 * The models' own path, as `lifetimes` runs it (summary_data_from_transaction_data, BG/NBD and
 * Gamma-Gamma fits, predictions for every customer): the per-customer purchase summary straight
 * from the orders table in SQL, both fits, and P(alive), expected purchases and discounted CLV
 * for every customer in memory. Unlike the pipeline's `features` stage it builds no feature table.
 */
export async function benchModelPath(engine: Engine, settings: ModelSettings): Promise<ModelPathBench> {
  const t0 = performance.now();
  const asOfText = (await latestOrderDate(engine)) ?? '2000-01-01';
  const asOf = asOfSql(engine.dialect, asOfText);
  return withOrderStages(engine, asOf, async (stages) => {
    const data = await readSummary(engine, purchaseSummarySql(asOf, stages));
    const fitted = fitBoth(data, settings);
    const t1 = performance.now();
    const { summary } = fitted;
    const scores = fitted.purchase.score(summary.x, summary.tx, summary.T, monthlyHorizons(settings));
    const dep = discountedPurchases(scores, settings.discountRateAnnual);
    if ('problems' in fitted.spend || dep.length !== summary.length)
      throw new Error('benchmark data gave no spend model');
    const t2 = performance.now();
    const { fit_purchase, fit_spend } = fitted.timings_ms;
    return {
      // Reading the summary from the engine and collapsing it: all but the fits.
      summary_ms: Math.round(t1 - t0) - fit_purchase - fit_spend,
      fit_purchase_ms: fit_purchase,
      fit_spend_ms: fit_spend,
      score_ms: Math.round(t2 - t1),
      total_ms: Math.round(t2 - t0),
      customers: data.x.length,
    };
  });
}

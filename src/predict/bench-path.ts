import type { Engine } from '../engine/engine.js';
import { asOfSql } from '../features/as-of.js';
import { latestOrderDate } from '../features/build-features.js';
import { collapseSpendSummary, collapseSummary } from '../models/summary.js';
import { discountedPurchases, monthlyHorizons } from './clv.js';
import { fitPurchaseModel, fitSpendModel } from './fit.js';
import { unitDays, type ModelSettings } from './settings.js';
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
    const data = await readSummary(engine, asOf, stages);
    const per = unitDays(settings.timeUnit);
    const days = collapseSummary(data.x, data.txDays, data.bigTDays);
    const summary = { ...days, tx: days.tx.map((v) => v / per), T: days.T.map((v) => v / per) };
    const t1 = performance.now();
    const purchase = fitPurchaseModel(settings, summary);
    const t2 = performance.now();
    const spend = fitSpendModel(
      collapseSpendSummary(
        data.x,
        data.monetary.map((m, i) => (data.x[i]! > 0 ? m : 0)),
      ),
    );
    const t3 = performance.now();
    const scores = purchase.score(summary.x, summary.tx, summary.T, monthlyHorizons(settings));
    const dep = discountedPurchases(scores, settings.discountRateAnnual);
    if ('problems' in spend || dep.length !== summary.length)
      throw new Error('benchmark data gave no spend model');
    const t4 = performance.now();
    return {
      summary_ms: Math.round(t1 - t0),
      fit_purchase_ms: Math.round(t2 - t1),
      fit_spend_ms: Math.round(t3 - t2),
      score_ms: Math.round(t4 - t3),
      total_ms: Math.round(t4 - t0),
      customers: data.x.length,
    };
  });
}

import { fitJson, spendJson } from './fit.js';
import type { ModelReport } from './model-step.js';

/**
 * The models' part of a run report and snapshot: settings, the purchase and spend fits in the
 * shape of `segtrack fit` (CONTRACT.md), how many customers were scored, and every problem.
 */
export function modelReportJson(r: ModelReport): Record<string, unknown> {
  return {
    settings: {
      purchase: r.settings.purchase,
      spend: r.settings.spend,
      time_unit: r.settings.timeUnit,
      horizon_months: r.settings.horizonMonths,
      discount_rate_annual: r.settings.discountRateAnnual,
    },
    purchase_model: r.purchase ? fitJson(r.purchase) : null,
    spend_model: r.spend ? spendJson(r.spend) : null,
    scored_customers: r.scored,
    problems: r.problems,
  };
}

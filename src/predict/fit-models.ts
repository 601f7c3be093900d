import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { asOfSql } from '../features/as-of.js';
import { collapseSpendSummary, collapseSummary } from '../models/summary.js';
import { fitJson, fitPurchaseModel, fitSpendModel } from './fit.js';
import { unitDays, type ModelSettings } from './settings.js';
import { readSummary, withOrderStages } from './summary-data.js';

/**
 * `segtrack fit`: fits the purchase model and the Gamma-Gamma spend model on every customer's
 * purchases up to the as-of date, and returns them in the shape of CONTRACT.md. A purchase model
 * that cannot be fitted throws its UserError; a spend model that cannot be fitted is reported as
 * null with its problems.
 */
export async function fitModels(
  engine: Engine,
  o: { asOf: string; settings: ModelSettings },
): Promise<Record<string, unknown>> {
  const asOf = asOfSql(engine.dialect, o.asOf);
  return withOrderStages(engine, asOf, async (stages) => {
    const data = await readSummary(engine, asOf, stages);
    if (data.x.length === 0)
      throw userError('model_too_few_customers', `no customer bought on or before ${o.asOf}`, {
        hint: 'ingest orders first, or choose a later --as-of',
      });
    const per = unitDays(o.settings.timeUnit);
    const purchase = fitPurchaseModel(
      o.settings,
      collapseSummary(
        data.x,
        data.txDays.map((v) => v / per),
        data.bigTDays.map((v) => v / per),
      ),
    );
    const mbar = data.monetary.map((m, i) => (data.x[i]! > 0 ? m : 0));
    const spend = fitSpendModel(collapseSpendSummary(data.x, mbar));
    return {
      as_of: o.asOf,
      time_unit: o.settings.timeUnit,
      customers: data.x.length,
      purchase_model: fitJson(purchase.fit),
      spend_model: 'problems' in spend ? null : fitJson(spend),
      ...('problems' in spend ? { spend_problems: spend.problems } : {}),
    };
  });
}

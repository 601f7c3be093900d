import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { asOfSql } from '../features/as-of.js';
import { purchaseSummarySql } from '../features/feature-select.js';
import { fitBoth, fitsJson } from './fit.js';
import type { ModelSettings } from './settings.js';
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
    const data = await readSummary(engine, purchaseSummarySql(asOf, stages));
    if (data.x.length === 0)
      throw userError('model_too_few_customers', `no customer bought on or before ${o.asOf}`, {
        hint: 'ingest orders first, or choose a later --as-of',
      });
    return {
      as_of: o.asOf,
      time_unit: o.settings.timeUnit,
      customers: data.x.length,
      ...fitsJson(fitBoth(data, o.settings)),
    };
  });
}

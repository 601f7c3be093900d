import { userError } from '../core/errors.js';
import type { Config, SchemeConfig } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import type { FeatureInfo } from '../features/build-features.js';
import { dimensionScheme } from './dimension.js';
import { kmeansScheme } from './kmeans.js';
import { lifecycleScheme } from './lifecycle.js';
import { rfmScheme } from './rfm.js';
import { rulesScheme } from './rules.js';
import { churnRiskScheme } from './churn-risk.js';
import { valueTiersScheme } from './value-tiers.js';
import type { SchemeAssignment, SchemeBuilder } from './scheme.js';

/** Scheme types this version can assign. The predictive and clustering types arrive with their models. */
export const BUILDERS: Partial<Record<SchemeConfig['type'], SchemeBuilder>> = {
  rules: rulesScheme,
  rfm: rfmScheme,
  lifecycle: lifecycleScheme,
  dimension: dimensionScheme,
  value_tiers: valueTiersScheme,
  churn_risk: churnRiskScheme,
  kmeans: kmeansScheme,
};

/** Feature columns a scheme type needs (written by the model step). */
const NEEDS: Partial<Record<SchemeConfig['type'], string>> = {
  value_tiers: 'predicted_clv',
  churn_risk: 'p_alive',
};

/** The schemes a run uses when the config lists none. */
export const DEFAULT_SCHEMES: SchemeConfig[] = [
  { name: 'rfm', type: 'rfm' },
  { name: 'lifecycle', type: 'lifecycle' },
];

/** Result of {@link assignSegments}. */
export interface Assignment {
  /** Temporary table `(scheme, segment, customer_id, customer_key)`: every customer once per scheme. */
  table: string;
  schemes: SchemeAssignment[];
  /** Schemes skipped, with why. */
  skipped: { scheme: string; type: string; reason: string }[];
}

/**
 * Assigns every customer of the feature table to exactly one segment of each configured scheme,
 * into one temporary membership table.
 */
export async function assignSegments(
  engine: Engine,
  features: FeatureInfo,
  config: Config,
  table = 'run_members',
): Promise<Assignment> {
  const d = engine.dialect;
  const configured = config.segments.length > 0 ? config.segments : DEFAULT_SCHEMES;
  const schemes: SchemeAssignment[] = [];
  const skipped: Assignment['skipped'] = [];
  for (const [index, scheme] of configured.entries()) {
    const builder = BUILDERS[scheme.type];
    if (!builder) {
      skipped.push({
        scheme: scheme.name,
        type: scheme.type,
        reason: `schemes of type ${scheme.type} need the predictive or clustering models, which this version does not have yet`,
      });
      continue;
    }
    const needs = NEEDS[scheme.type];
    if (needs !== undefined && !features.columns.some((c) => c.name === needs)) {
      skipped.push({
        scheme: scheme.name,
        type: scheme.type,
        reason: `schemes of type ${scheme.type} need the model column ${needs}, and the models did not score this run (see the run's model problems)`,
      });
      continue;
    }
    schemes.push(await builder(scheme, { engine, features, config, index }));
  }
  if (schemes.length === 0)
    throw userError('no_schemes', 'no segmentation scheme can be computed', {
      at: { file: config.path },
      hint: 'add a scheme under segments:, e.g. {name: rfm, type: rfm}',
    });
  await engine.exec(`DROP TABLE IF EXISTS ${d.ident(table)}`);
  await engine.execUnordered(
    `CREATE TEMP TABLE ${d.ident(table)} AS ` +
      schemes
        .map(
          (s) =>
            `SELECT ${d.literal(s.scheme)} AS scheme, segment, customer_id, customer_key FROM (${s.sql})`,
        )
        .join(' UNION ALL '),
  );
  return { table, schemes, skipped };
}

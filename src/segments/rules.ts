import { UserError, type Problem } from '../core/errors.js';
import { compileExpression, type ExprSchema } from '../expr/index.js';
import type { FeatureInfo } from '../features/build-features.js';
import { position } from './dimension.js';
import type { SchemeBuilder } from './scheme.js';

/** The expression-language types of the feature columns. */
export function featureSchema(features: FeatureInfo): ExprSchema {
  const schema: ExprSchema = {};
  for (const c of features.columns) schema[c.name] = c.type;
  return schema;
}

/**
 * Rules: named segments with conditions in segtrack's expression language over the feature
 * columns, tried in order — the first that holds wins; customers no rule matches go to the
 * `default` segment (`Other`). Every condition is type-checked and compiled to the engine's SQL;
 * all mistakes are reported at once, each at its place in the config.
 */
export const rulesScheme: SchemeBuilder = (scheme, ctx) => {
  const d = ctx.engine.dialect;
  const rules = scheme['rules'] as { segment: string; where: string }[];
  const fallback = (scheme['default'] as string | undefined) ?? 'Other';
  const schema = featureSchema(ctx.features);
  const problems: Problem[] = [];
  const arms: string[] = [];
  rules.forEach((rule, i) => {
    try {
      const c = compileExpression(rule.where, schema, d, { mode: 'row', expect: 'boolean' });
      arms.push(`WHEN coalesce(${c.sql}, FALSE) THEN ${d.literal(rule.segment)}`);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const at = position(ctx, `rules.${i}.where`);
      for (const p of e.problems)
        problems.push({
          ...p,
          message: `segments.${ctx.index}.rules.${i}.where (${rule.segment}): ${p.message}`,
          at,
        });
    }
  });
  if (problems.length > 0) throw new UserError(problems);
  const segments = [...new Set([...rules.map((r) => r.segment), fallback])];
  return Promise.resolve({
    scheme: scheme.name,
    type: 'rules',
    sql: `SELECT customer_id, customer_key, CASE ${arms.join(' ')} ELSE ${d.literal(fallback)} END AS segment FROM ${d.ident(ctx.features.table)}`,
    segments,
    meta: { rules: rules.map((r) => ({ segment: r.segment, where: r.where })), default: fallback },
  });
};

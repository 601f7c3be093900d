import { fitClusterScheme } from '../clusters/cluster-scheme-fit.js';
import type { FeatureRequest } from '../clusters/default-preparation.js';
import { readPreviousFit } from '../clusters/previous-fit.js';
import { configHash } from '../config/load.js';
import { UserError, type Problem } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { position } from './dimension.js';
import type { SchemeBuilder } from './scheme.js';

/** The `features:` entries of a kmeans scheme (validated by the config schema). */
type FeatureEntry =
  string | { name: string; log1p?: boolean; winsorize?: [number, number] | false; standardize?: boolean };

/** A config entry as a preparation request. */
export function featureRequest(entry: FeatureEntry): FeatureRequest {
  if (typeof entry === 'string') return { name: entry };
  const r: FeatureRequest = { name: entry.name };
  if (entry.log1p !== undefined) r.log1p = entry.log1p;
  if (entry.winsorize !== undefined) r.winsorize = entry.winsorize;
  if (entry.standardize !== undefined) r.standardize = entry.standardize;
  return r;
}

/**
 * Clusters (`type: kmeans`): k-means on the configured feature columns, fitted in process on the
 * columns pulled as typed arrays (src/clusters), k chosen automatically or fixed; every customer
 * is then assigned to the nearest centre by SQL generated for the engine (the same preparation
 * steps), so membership is computed where the data lives. Segments are the clusters' plain-words
 * names; ids and names carry over from the latest earlier snapshot of the scheme when the clusters
 * match (see src/clusters/CONTEXT.md). The meta holds the preparation, the k-choice report, the
 * centres, the profiles and the identity report.
 */
export const kmeansScheme: SchemeBuilder = async (scheme, ctx) => {
  const entries = scheme['features'] as FeatureEntry[];
  const requests = entries.map(featureRequest);
  const numeric = ctx.features.columns.filter((c) => c.type === 'number').map((c) => c.name);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  requests.forEach((r, i) => {
    const at = position(ctx, `features.${i}`);
    const prefix = `segments.${ctx.index}.features.${i}`;
    if (seen.has(r.name))
      problems.push({ code: 'duplicate_feature', message: `${prefix}: \`${r.name}\` is listed twice`, at });
    seen.add(r.name);
    const column = ctx.features.columns.find((c) => c.name === r.name);
    if (!column)
      problems.push({
        code: 'unknown_feature',
        message: `${prefix}: \`${r.name}\` is not a feature column`,
        at,
        hint: didYouMean(r.name, numeric),
      });
    else if (column.type !== 'number')
      problems.push({
        code: 'feature_not_numeric',
        message: `${prefix}: \`${r.name}\` is a ${column.type} column; clusters need numbers`,
        at,
        hint: 'use a dimension scheme for categories, or a numeric feature',
      });
  });
  if (problems.length > 0) throw new UserError(problems);
  const range = scheme['k_range'] as [number, number] | undefined;
  const seed = scheme['seed'] as number | undefined;
  const nInit = scheme['n_init'] as number | undefined;
  const previous = await readPreviousFit(ctx.engine, scheme.name, ctx.features.asOf, configHash(ctx.config));
  const fit = await fitClusterScheme(ctx.engine, ctx.features.table, {
    features: requests,
    k: scheme['k'] as number | 'auto',
    previous,
    ...(range ? { kRange: range } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(nInit !== undefined ? { nInit } : {}),
  });
  return {
    scheme: scheme.name,
    type: 'kmeans',
    sql: fit.sql,
    segments: fit.segments,
    meta: fit.meta as unknown as Record<string, unknown>,
  };
};

import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { SchemeBuilder } from './scheme.js';

/** String columns with more distinct values than this keep the most common ones and group the rest. */
export const MAX_DIMENSION_VALUES = 30;
const OTHER = 'other';
const UNKNOWN = 'unknown';

function label(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, '');
}

/**
 * Dimension: one segment per value of a feature column (`acquisition_channel`, `country`,
 * `age_band`, `cohort`…). Missing values are `unknown`; a text column with more than
 * {@link MAX_DIMENSION_VALUES} values keeps the most common and groups the rest as `other`.
 * Numeric columns are binned: at the configured `bins` edges, else at the quintiles of the base
 * (segments read `[lo, hi)`, the last `[lo, max]`).
 */
export const dimensionScheme: SchemeBuilder = async (scheme, ctx) => {
  const d = ctx.engine.dialect;
  const t = d.ident(ctx.features.table);
  const column = String(scheme['column']);
  const def = ctx.features.columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
  if (!def)
    throw userError('unknown_feature', `scheme '${scheme.name}': '${column}' is not a feature column`, {
      at: position(ctx, 'column'),
      hint: didYouMean(
        column,
        ctx.features.columns.map((c) => c.name),
      ),
    });
  const col = d.ident(def.name);
  if (def.type === 'number') {
    let edges = (scheme['bins'] as number[] | undefined) ?? [];
    if (edges.length === 0) {
      const [q] = await ctx.engine.query(
        `SELECT ${[0.2, 0.4, 0.6, 0.8].map((p, i) => `${d.fn('quantile_disc', col, String(p))} AS q${i}`).join(', ')} FROM ${t} WHERE ${col} IS NOT NULL`,
      );
      edges = [
        ...new Set([0, 1, 2, 3].map((i) => Number(q?.[`q${i}`])).filter((x) => Number.isFinite(x))),
      ].sort((a, b) => a - b);
    }
    const names = [`< ${label(edges[0] ?? 0)}`];
    for (let i = 0; i < edges.length - 1; i++) names.push(`[${label(edges[i]!)}, ${label(edges[i + 1]!)})`);
    names.push(`≥ ${label(edges[edges.length - 1] ?? 0)}`);
    const arms = edges.map((e, i) => `WHEN ${col} < ${d.literal(e)} THEN ${d.literal(names[i]!)}`);
    const sql =
      edges.length === 0
        ? `SELECT customer_id, customer_key, CASE WHEN ${col} IS NULL THEN ${d.literal(UNKNOWN)} ELSE 'all' END AS segment FROM ${t}`
        : `SELECT customer_id, customer_key, CASE WHEN ${col} IS NULL THEN ${d.literal(UNKNOWN)} ${arms.join(' ')} ELSE ${d.literal(names[names.length - 1]!)} END AS segment FROM ${t}`;
    return {
      scheme: scheme.name,
      type: 'dimension',
      sql,
      segments: edges.length === 0 ? ['all', UNKNOWN] : [...names, UNKNOWN],
      meta: { column: def.name, bins: edges, binned_by: scheme['bins'] ? 'config' : 'quintiles of the base' },
    };
  }
  const text =
    def.type === 'boolean'
      ? `CASE WHEN ${col} THEN 'yes' WHEN NOT ${col} THEN 'no' END`
      : `NULLIF(TRIM(CAST(${col} AS ${d.type('string')})), '')`;
  const values = await ctx.engine.query<{ v: string; n: number }>(
    `SELECT ${text} AS v, count(*) AS n FROM ${t} WHERE ${text} IS NOT NULL GROUP BY 1 ORDER BY n DESC, v LIMIT ${MAX_DIMENSION_VALUES + 1}`,
  );
  const kept = values.length > MAX_DIMENSION_VALUES ? values.slice(0, MAX_DIMENSION_VALUES - 1) : values;
  const grouped = values.length > MAX_DIMENSION_VALUES;
  const keptNames = kept.map((v) => v.v).sort();
  const inList = keptNames.map((v) => d.literal(v)).join(', ');
  const sql =
    `SELECT customer_id, customer_key, CASE WHEN ${text} IS NULL THEN ${d.literal(UNKNOWN)} ` +
    (keptNames.length > 0 ? `WHEN ${text} IN (${inList}) THEN ${text} ` : '') +
    `ELSE ${d.literal(OTHER)} END AS segment FROM ${t}`;
  return {
    scheme: scheme.name,
    type: 'dimension',
    sql,
    segments: [...keptNames, ...(grouped ? [OTHER] : []), UNKNOWN],
    meta: { column: def.name, values: keptNames.length, grouped_as_other: grouped },
  };
};

/** Where a key of the scheme was written in the config. */
export function position(
  ctx: {
    config: { path: string; positions?: Record<string, { line: number; column: number }> };
    index: number;
  },
  key: string,
) {
  const p =
    ctx.config.positions?.[`segments.${ctx.index}.${key}`] ?? ctx.config.positions?.[`segments.${ctx.index}`];
  return p ? { file: ctx.config.path, line: p.line, column: p.column } : { file: ctx.config.path };
}

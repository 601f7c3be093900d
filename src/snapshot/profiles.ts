/**
 * Segment profiles: what the members of each segment are like, feature by feature, next to the
 * whole base — the "profile against the base" of a segment's detail page and of the report.
 * Computed in the engine at run time from the feature table and the run's memberships, and stored
 * with the snapshot (`snapshot_profiles`), so a profile describes the segment as of its snapshot
 * even after the feature table has been rebuilt for a later date.
 *
 * Numeric features are summarised by their mean, sample standard deviation and how many members
 * have a value; categorical ones by how many members fall in each category. Nothing here decides
 * what may be shown: {@link ../views/segment-profile.ts} applies the privacy rules when reading.
 */
import type { Engine } from '../engine/engine.js';
import type { FeatureColumn } from '../features/feature-columns.js';
import { BASE_SCHEME, BASE_SEGMENT } from './store.js';

/** Numeric feature columns a profile summarises, when the feature table has them. */
export const PROFILE_NUMERIC = [
  'recency_days',
  'tenure_days',
  'orders_total',
  'revenue_total',
  'orders_365d',
  'revenue_365d',
  'aov',
  'avg_days_between_orders',
  'categories_bought',
  'events_90d',
  'engagement_events_365d',
  'nps_latest',
  'csat_latest',
  'age',
  'cac',
  'p_alive',
  'predicted_clv',
] as const;

/** Categorical feature columns a profile counts, when the feature table has them. */
export const PROFILE_CATEGORICAL = [
  'acquisition_channel',
  'age_band',
  'gender',
  'country',
  'preferred_channel',
  'preferred_category',
  'consent_marketing',
] as const;

/** At most this many categories per feature are kept (the base's largest); the rest are pooled. */
export const MAX_CATEGORIES = 12;
/** The pooled remainder of a categorical feature's smaller categories. */
export const OTHER_CATEGORY = '(other)';
/** Members without a value of a categorical feature. */
export const UNKNOWN_CATEGORY = '(unknown)';

/** One stored profile figure: a numeric feature's summary (`category` null) or a category's count. */
export interface StoredProfileRow {
  scheme: string;
  segment: string;
  feature: string;
  /** Null for a numeric feature. */
  category: string | null;
  /** Members with a value (numeric), or members in the category (categorical). */
  n: number;
  /** Mean of the feature over members with a value; null for a category. */
  mean: number | null;
  /** Sample standard deviation; null for a category or with fewer than two values. */
  sd: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The profile of every segment of every scheme in `members` (columns `scheme, segment,
 * customer_key`) and of the whole base, over the feature table `features` with its `columns`.
 * Two statements: one aggregate pass for the numeric features, one for the categorical counts.
 */
export async function computeProfiles(
  engine: Engine,
  features: { table: string; columns: readonly FeatureColumn[] },
  members: string,
): Promise<StoredProfileRow[]> {
  const d = engine.dialect;
  const has = new Set(features.columns.map((c) => c.name));
  const numeric = PROFILE_NUMERIC.filter((c) => has.has(c));
  const categorical = PROFILE_CATEGORICAL.filter((c) => has.has(c));
  const f = d.ident(features.table);
  const joined = `${d.ident(members)} m JOIN ${f} f ON f.${d.ident('customer_key')} = m.${d.ident('customer_key')}`;
  const out: StoredProfileRow[] = [];

  if (numeric.length > 0) {
    const aggs = numeric
      .flatMap((c, i) => {
        const v = d.cast(`f.${d.ident(c)}`, 'double');
        return [`count(${v}) AS n${i}`, `avg(${v}) AS m${i}`, `stddev_samp(${v}) AS s${i}`];
      })
      .join(', ');
    const rows = await engine.query<Record<string, string | number | null>>(
      `SELECT m.scheme AS scheme, m.segment AS segment, ${aggs} FROM ${joined} GROUP BY m.scheme, m.segment
       UNION ALL
       SELECT ${d.literal(BASE_SCHEME)}, ${d.literal(BASE_SEGMENT)}, ${aggs} FROM ${f} f`,
    );
    for (const r of rows)
      numeric.forEach((feature, i) => {
        const n = Number(r[`n${i}`] ?? 0);
        out.push({
          scheme: String(r['scheme']),
          segment: String(r['segment']),
          feature,
          category: null,
          n,
          mean: n > 0 ? num(r[`m${i}`]) : null,
          sd: n > 1 ? num(r[`s${i}`]) : null,
        });
      });
  }

  if (categorical.length > 0) {
    // One pass: each categorical feature is a grouping set of its own.
    const value = (c: string) =>
      `coalesce(${d.cast(`f.${d.ident(c)}`, 'string')}, ${d.literal(UNKNOWN_CATEGORY)})`;
    const cols = categorical.map((c, i) => `${value(c)} AS c${i}`).join(', ');
    const sets = categorical.map((_, i) => `(scheme, segment, c${i})`).join(', ');
    const baseSets = categorical.map((_, i) => `(c${i})`).join(', ');
    const rows = await engine.query<Record<string, string | number | null>>(
      `WITH t AS (SELECT m.scheme AS scheme, m.segment AS segment, ${cols} FROM ${joined}),
            b AS (SELECT ${cols} FROM ${f} f)
       SELECT scheme, segment, ${categorical.map((_, i) => `c${i}`).join(', ')}, count(*) AS n
         FROM t GROUP BY GROUPING SETS (${sets})
       UNION ALL
       SELECT ${d.literal(BASE_SCHEME)}, ${d.literal(BASE_SEGMENT)}, ${categorical.map((_, i) => `c${i}`).join(', ')}, count(*)
         FROM b GROUP BY GROUPING SETS (${baseSets})`,
    );
    categorical.forEach((feature, i) => {
      const mine = rows.filter((r) => r[`c${i}`] !== null);
      // The base's largest categories are kept; the rest pooled, in every segment alike.
      const baseCounts = mine
        .filter((r) => r['scheme'] === BASE_SCHEME)
        .map((r) => ({ category: String(r[`c${i}`]), n: Number(r['n']) }))
        .sort((a, b) => b.n - a.n || a.category.localeCompare(b.category));
      const kept = new Set(baseCounts.slice(0, MAX_CATEGORIES).map((c) => c.category));
      if (baseCounts.length === MAX_CATEGORIES + 1) kept.add(baseCounts[MAX_CATEGORIES]!.category);
      const pooled = new Map<string, StoredProfileRow>();
      for (const r of mine) {
        const raw = String(r[`c${i}`]);
        const category = kept.has(raw) ? raw : OTHER_CATEGORY;
        const key = `${String(r['scheme'])}\u0000${String(r['segment'])}\u0000${category}`;
        const row = pooled.get(key) ?? {
          scheme: String(r['scheme']),
          segment: String(r['segment']),
          feature,
          category,
          n: 0,
          mean: null,
          sd: null,
        };
        row.n += Number(r['n']);
        pooled.set(key, row);
      }
      out.push(...pooled.values());
    });
  }
  return out;
}

/** The stored profile rows of every segment of a scheme and of the base in a snapshot (empty when none were stored). */
export async function readProfiles(
  engine: Engine,
  snapshotId: number,
  scheme: string,
): Promise<StoredProfileRow[]> {
  const rows = await engine.query<Omit<StoredProfileRow, 'n'> & { n: number }>(
    `SELECT scheme, segment, feature, category, n, mean, sd FROM snapshot_profiles
      WHERE snapshot_id = $1 AND scheme IN ($2, $3)`,
    [snapshotId, scheme, BASE_SCHEME],
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/**
 * Segment profiles for the playbook, read from a snapshot: the stored KPI values of every segment
 * and of the whole base, the same segments in the previous snapshot (for trends), and the share
 * of new customers from the feature table. KPIs the snapshot did not store (its KPI selection,
 * e.g. `objective: growth`, left them out) are computed once over the snapshot's members joined
 * to the feature table, with the catalogue's own definitions (src/kpis).
 */
import type { Engine } from '../engine/engine.js';
import { computeKpis } from '../kpis/compute.js';
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { BASE_SCHEME, BASE_SEGMENT } from '../snapshot/store.js';
import { listSnapshots, type SnapshotInfo } from '../snapshot/read.js';
import { featureTableInfo } from './feature-table.js';
import type { SegmentProfile, Signal } from './playbook.js';

/** The catalogue KPIs the profiles read. */
export const PROFILE_KPIS = [
  'revenue',
  'historical_clv',
  'predicted_clv',
  'p_alive',
  'churn_rate',
  'revenue_at_risk',
  'engagement_rate',
  'nps',
  'csat',
  'repeat_rate',
] as const;

/** One KPI of a segment as the profiles use it. */
export interface ProfileKpi {
  value: number | null;
  /** Customers the value is over (responders for NPS, scored customers for predicted CLV…). */
  n: number;
}

/** Everything read about one segment (or the base). */
export interface SegmentFigures {
  scheme: string;
  segment: string;
  customers: number;
  kpis: Partial<Record<(typeof PROFILE_KPIS)[number], ProfileKpi>>;
  /** Share of members whose tenure is at most `newDays`; null without a feature table. */
  new_share: number | null;
  /**
   * Σ (1 − p_alive) × predicted_clv / p_alive: each member's predicted value if still active,
   * weighted by the probability they have lapsed; null without model scores.
   */
  lapsed_value: number | null;
  /** Σ revenue of the previous 365 days of members who bought then but not in the last 365 days. */
  churned_revenue: number | null;
  /** The same segment in the previous snapshot; null when absent there or suppressed then. */
  previous: { customers: number; revenue: number | null } | null;
  /** Null when shown; the reason when its figures must not be printed. */
  suppression: SuppressionReason | null;
}

/** What {@link loadProfiles} returns. */
export interface LoadedProfiles {
  snapshot: SnapshotInfo;
  previous: SnapshotInfo | null;
  base: SegmentFigures;
  /** Segments of each scheme in the scheme's order. */
  segments: SegmentFigures[];
  /** Profiles of the segments (suppressed ones included: callers must not print their figures). */
  profiles: SegmentProfile[];
  /** KPIs computed from the feature table because the snapshot had not stored them. */
  computed: string[];
  notes: string[];
}

/** Settings of {@link loadProfiles}. */
export interface ProfileOptions {
  snapshot: SnapshotInfo;
  schemes: string[];
  minSegmentSize: number;
  newDays: number;
  minResponses: number;
}

type Key = string;

type MemberAggregates = Pick<SegmentFigures, 'new_share' | 'lapsed_value' | 'churned_revenue'>;
const NO_AGGREGATES: MemberAggregates = { new_share: null, lapsed_value: null, churned_revenue: null };
const key = (scheme: string, segment: string): Key => `${scheme}\u0000${segment}`;

/** Reads the profiles of every segment of `schemes` in a snapshot. */
export async function loadProfiles(engine: Engine, o: ProfileOptions): Promise<LoadedProfiles> {
  const d = engine.dialect;
  const id = o.snapshot.snapshot_id;
  const schemes = [...o.schemes, BASE_SCHEME];
  const inSchemes = schemes.map((s) => d.literal(s)).join(', ');
  const notes: string[] = [];

  const segRows = await engine.query<{ scheme: string; segment: string; customers: number }>(
    `SELECT scheme, segment, customers FROM snapshot_segments WHERE snapshot_id = $1 AND scheme IN (${inSchemes}) ` +
      `ORDER BY position, segment`,
    [id],
  );
  const kpiRows = await engine.query<{
    scheme: string;
    segment: string;
    kpi: string;
    value: number | null;
    n: number | null;
  }>(
    `SELECT scheme, segment, kpi, value, n FROM snapshot_kpis WHERE snapshot_id = $1 AND scheme IN (${inSchemes}) ` +
      `AND kpi IN (${PROFILE_KPIS.map((k) => d.literal(k)).join(', ')})`,
    [id],
  );
  const kpis = new Map<Key, SegmentFigures['kpis']>();
  for (const r of kpiRows) {
    const k = key(r.scheme, r.segment);
    const m = kpis.get(k) ?? {};
    m[r.kpi as (typeof PROFILE_KPIS)[number]] = { value: r.value, n: Number(r.n ?? 0) };
    kpis.set(k, m);
  }
  const stored = new Set(kpiRows.map((r) => r.kpi));
  const missing = PROFILE_KPIS.filter((k) => !stored.has(k));

  const features = await featureTableInfo(engine);
  const hasFeatures = features.columns.has('customer_key');
  if (hasFeatures && features.asOf !== null && features.asOf !== o.snapshot.as_of)
    notes.push(
      `the feature table is as of ${features.asOf} and the snapshot as of ${o.snapshot.as_of}: the new-customer ` +
        `share, the lapsed value${missing.length > 0 ? ` and ${missing.join(', ')} (not stored in the snapshot)` : ''} ` +
        "are the feature table's",
    );
  const members =
    `(SELECT m.scheme, m.segment, f.customer_id FROM snapshot_members m ` +
    `JOIN features f ON f.customer_key = m.customer_key WHERE m.snapshot_id = ${d.literal(id)} ` +
    `AND m.scheme IN (${o.schemes.map((s) => d.literal(s)).join(', ')}))`;
  const computed: string[] = [];
  if (missing.length > 0 && hasFeatures && o.schemes.length > 0) {
    const table = await computeKpis(engine, {
      features: 'features',
      members,
      kpis: [...missing],
      asOf: o.snapshot.as_of,
    });
    const put = (
      scheme: string,
      segment: string,
      values: Record<string, { value: number | null; n: number; available: boolean }>,
    ) => {
      const k = key(scheme, segment);
      const m = kpis.get(k) ?? {};
      for (const name of missing) {
        const v = values[name];
        if (v?.available) m[name] = { value: v.value, n: v.n };
      }
      kpis.set(k, m);
    };
    for (const s of table.schemes) for (const seg of s.segments) put(s.scheme, seg.segment, seg.kpis);
    put(BASE_SCHEME, segRows.find((r) => r.scheme === BASE_SCHEME)?.segment ?? BASE_SEGMENT, table.base.kpis);
    computed.push(...missing.filter((k) => table.base.kpis[k]?.available));
  }

  const fromMembers = hasFeatures
    ? await memberAggregates(engine, id, o.schemes, features.columns, o.newDays)
    : new Map<Key, MemberAggregates>();

  const previous = await previousSnapshot(engine, o.snapshot);
  const before = previous
    ? await previousFigures(engine, previous, o.schemes, o.minSegmentSize)
    : new Map<Key, { customers: number; revenue: number | null }>();

  const suppression = new Map<Key, SuppressionReason | null>();
  for (const scheme of o.schemes) {
    const cells = segRows.filter((r) => r.scheme === scheme);
    const decided = decideSuppression(
      cells.map((c) => ({ id: c.segment, customers: Number(c.customers) })),
      { threshold: o.minSegmentSize, totalKnown: true },
    );
    for (const x of decided) suppression.set(key(scheme, x.id), x.reason);
  }

  const figure = (r: { scheme: string; segment: string; customers: number }): SegmentFigures => {
    const k = key(r.scheme, r.segment);
    return {
      scheme: r.scheme,
      segment: r.segment,
      customers: Number(r.customers),
      kpis: kpis.get(k) ?? {},
      ...(fromMembers.get(r.scheme === BASE_SCHEME ? key(BASE_SCHEME, '') : k) ?? NO_AGGREGATES),
      previous: before.get(k) ?? null,
      suppression: suppression.get(k) ?? null,
    };
  };
  const baseRow = segRows.find((r) => r.scheme === BASE_SCHEME);
  const base = figure(baseRow ?? { scheme: BASE_SCHEME, segment: BASE_SEGMENT, customers: 0 });
  const segments = o.schemes.flatMap((s) => segRows.filter((r) => r.scheme === s).map(figure));
  const profiles = segments.map((s) => profileOf(s, base, previous, o));
  return { snapshot: o.snapshot, previous, base, segments, profiles, computed, notes };
}

/**
 * Per segment (and for the base, under the key of scheme BASE_SCHEME and segment ''), from the
 * snapshot's members joined to the feature table: the share of new customers, the value of the
 * members if they have lapsed, and the revenue lost to churn (CONTEXT.md, "Value at stake").
 */
async function memberAggregates(
  engine: Engine,
  snapshotId: number,
  schemes: string[],
  columns: Set<string>,
  newDays: number,
): Promise<Map<Key, MemberAggregates>> {
  const d = engine.dialect;
  const has = (...c: string[]) => c.every((x) => columns.has(x));
  const nul = d.cast('NULL', 'double');
  const aggregates = [
    has('tenure_days') ? `AVG(CASE WHEN f.tenure_days <= ${d.literal(newDays)} THEN 1.0 ELSE 0.0 END)` : nul,
    // E[CLV | alive] = predicted_clv / p_alive: the purchase models' conditional expectations
    // factor as P(alive) × the expectation given alive (BG/NBD: Fader, Hardie & Lee 2005 eq. (10),
    // denominator 1/P(alive); Pareto/NBD: Fader & Hardie 2005 note eq. (27)).
    // A segment nobody in which has a score (no purchases yet) has nothing predicted: 0.
    has('p_alive', 'predicted_clv')
      ? `COALESCE(SUM(CASE WHEN f.p_alive > 0 THEN f.predicted_clv * (1 - f.p_alive) / f.p_alive END), 0)`
      : nul,
    has('orders_365d', 'orders_prev_365d', 'revenue_prev_365d')
      ? `SUM(CASE WHEN f.orders_prev_365d > 0 AND f.orders_365d = 0 THEN f.revenue_prev_365d ELSE 0 END)`
      : nul,
  ];
  const scored = has('p_alive') ? 'COUNT(f.p_alive)' : '0';
  const cols =
    `COUNT(*) AS n, ${scored} AS scored, ${aggregates[0]} AS new_share, ${aggregates[1]} AS lapsed_value, ` +
    `${aggregates[2]} AS churned_revenue`;
  const rows = await engine.query<{
    scheme: string;
    segment: string;
    n: number;
    scored: number;
    new_share: number | null;
    lapsed_value: number | null;
    churned_revenue: number | null;
  }>(
    `SELECT m.scheme, m.segment, ${cols} FROM snapshot_members m JOIN features f ON f.customer_key = m.customer_key ` +
      `WHERE m.snapshot_id = $1 AND m.scheme IN (${schemes.map((s) => d.literal(s)).join(', ')}) GROUP BY m.scheme, m.segment ` +
      `UNION ALL SELECT ${d.literal(BASE_SCHEME)}, '', ${cols} FROM features f`,
    [snapshotId],
  );
  const out = new Map<Key, MemberAggregates>();
  const n = (x: number | null) => (x === null || x === undefined ? null : Number(x));
  // Scores exist when anyone in the base has one; otherwise the lapsed value is unknown everywhere.
  const anyScored = rows.some((r) => r.scheme === BASE_SCHEME && Number(r.scored) > 0);
  for (const r of rows)
    out.set(key(r.scheme, r.segment), {
      new_share: n(r.new_share),
      lapsed_value: anyScored && Number(r.n) > 0 ? n(r.lapsed_value) : null,
      churned_revenue: n(r.churned_revenue),
    });
  return out;
}

/** The latest snapshot with an earlier as-of date, or null. */
async function previousSnapshot(engine: Engine, current: SnapshotInfo): Promise<SnapshotInfo | null> {
  const all = await listSnapshots(engine);
  const earlier = all.filter((s) => s.as_of < current.as_of);
  return earlier[earlier.length - 1] ?? null;
}

/** Customers and revenue of the segments in the previous snapshot; suppressed ones are left out. */
async function previousFigures(
  engine: Engine,
  snap: SnapshotInfo,
  schemes: string[],
  threshold: number,
): Promise<Map<Key, { customers: number; revenue: number | null }>> {
  const out = new Map<Key, { customers: number; revenue: number | null }>();
  const wanted = schemes.filter((s) => snap.schemes.includes(s));
  if (wanted.length === 0) return out;
  const d = engine.dialect;
  const rows = await engine.query<{
    scheme: string;
    segment: string;
    customers: number;
    revenue: number | null;
  }>(
    `SELECT s.scheme, s.segment, s.customers, k.value AS revenue FROM snapshot_segments s ` +
      `LEFT JOIN snapshot_kpis k ON k.snapshot_id = s.snapshot_id AND k.scheme = s.scheme AND k.segment = s.segment AND k.kpi = 'revenue' ` +
      `WHERE s.snapshot_id = $1 AND s.scheme IN (${wanted.map((s) => d.literal(s)).join(', ')}) ORDER BY s.position, s.segment`,
    [snap.snapshot_id],
  );
  for (const scheme of wanted) {
    const cells = rows.filter((r) => r.scheme === scheme);
    const decided = decideSuppression(
      cells.map((c) => ({ id: c.segment, customers: Number(c.customers) })),
      { threshold, totalKnown: true },
    );
    cells.forEach((c, i) => {
      if (decided[i]?.reason === null)
        out.set(key(scheme, c.segment), { customers: Number(c.customers), revenue: c.revenue });
    });
  }
  return out;
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
const change = (now: number | null | undefined, before: number | null | undefined): number | null => {
  const r = ratio(now, before);
  return r === null ? null : r - 1;
};

/** The playbook's view of a segment (CONTEXT.md, "Segment profile"). */
export function profileOf(
  s: SegmentFigures,
  base: SegmentFigures,
  previous: SnapshotInfo | null,
  o: Pick<ProfileOptions, 'newDays' | 'minResponses'>,
): SegmentProfile {
  const v = (f: SegmentFigures, k: (typeof PROFILE_KPIS)[number]) => f.kpis[k]?.value ?? null;
  const clv = (f: SegmentFigures) =>
    v(f, 'historical_clv') ??
    (v(f, 'revenue') !== null && f.customers > 0 ? v(f, 'revenue')! / f.customers : null);
  const churn = (f: SegmentFigures) => {
    const p = v(f, 'p_alive');
    return p !== null ? 1 - p : v(f, 'churn_rate');
  };
  const churnBasis = v(s, 'p_alive') !== null ? 'p_alive' : v(s, 'churn_rate') !== null ? 'churn_rate' : null;
  const survey = (f: SegmentFigures, k: 'nps' | 'csat') =>
    (f.kpis[k]?.n ?? 0) >= o.minResponses ? v(f, k) : null;
  const signals: Record<Signal, number | null> = {
    value_index: ratio(clv(s), clv(base)),
    churn_risk: churn(s),
    revenue_trend: s.previous ? change(v(s, 'revenue'), s.previous.revenue) : null,
    size_trend: s.previous ? change(s.customers, s.previous.customers) : null,
    engagement_index: ratio(v(s, 'engagement_rate'), v(base, 'engagement_rate')),
    nps: survey(s, 'nps'),
    csat: survey(s, 'csat'),
    new_share: s.new_share,
    repeat_rate: v(s, 'repeat_rate'),
    customers: s.customers,
  };
  return {
    scheme: s.scheme,
    segment: s.segment,
    customers: s.customers,
    signals,
    context: {
      clv: clv(s),
      base_clv: clv(base),
      churn_basis: churnBasis,
      base_churn_risk:
        churnBasis === 'p_alive'
          ? v(base, 'p_alive') === null
            ? null
            : 1 - v(base, 'p_alive')!
          : v(base, 'churn_rate'),
      engagement_rate: v(s, 'engagement_rate'),
      base_engagement_rate: v(base, 'engagement_rate'),
      base_nps: survey(base, 'nps'),
      previous_as_of: previous?.as_of ?? null,
      new_days: o.newDays,
    },
  };
}

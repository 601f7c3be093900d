/**
 * Unit economics per acquisition channel, acquisition cohort or segment: CAC from marketing
 * spend, CLV, CLV:CAC and payback period (CONTEXT.md, "Unit economics"). The aggregation is SQL
 * in the engine, built through its dialect; payback curves are finished in TypeScript from the
 * per-(group, cohort, month) sums.
 */
import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { formatDay, parseDay } from '../features/as-of.js';
import { type EconomicsStage, stageEconomics } from './economics-stage.js';
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { requireScheme, resolveSnapshot } from '../snapshot/read.js';
import { featureTableInfo } from './feature-table.js';
import { interventionRoi, type InterventionRoi } from './intervention-roi.js';
import { type CohortSize, type CohortValue, monthIndex, paybackPeriod } from './payback.js';

/** How customers are grouped. */
export type EconomicsBy = 'channel' | 'cohort' | 'segment';

/** Settings of {@link unitEconomics}. */
export interface EconomicsOptions {
  by: EconomicsBy;
  /** The scheme of `by: 'segment'`. */
  scheme?: string;
  snapshotId?: number;
  minSegmentSize: number;
  /** An intervention to evaluate: incremental value per treated customer and total cost. */
  intervention?: { effect: number; cost: number; customers?: number };
}

/** The figures of one group. Null: unknown, or hidden (see `suppressed`). */
export interface EconomicsGroup {
  group: string;
  customers: number | null;
  /** Customers whose acquisition channel had spend in their acquisition month (their CAC is known). */
  paid_customers: number | null;
  /** Acquisition spend of the group (currency; see CONTEXT.md for segments). */
  spend: number | null;
  /** spend ÷ paid customers; null without spend (organic, referral…): unknown, not 0. */
  cac: number | null;
  /** spend ÷ all customers of the group, organic ones included. */
  blended_cac: number | null;
  /** CLV per customer on `clv_basis` (customers without a value count as 0). */
  clv: number | null;
  historical_clv: number | null;
  predicted_clv: number | null;
  /** CLV per paid customer ÷ CAC. */
  clv_cac: number | null;
  /** Months until cumulative value per paid customer covers CAC (see payback.ts); null: not yet, or no CAC. */
  payback_months: number | null;
  /** Complete months the group's customers have been observed (the longest). */
  observed_months: number | null;
  suppressed: boolean;
  suppression?: SuppressionReason;
}

/** What `segtrack economics` reports. */
export interface EconomicsResult {
  as_of: string;
  by: EconomicsBy;
  scheme: string | null;
  snapshot_id: number | null;
  clv_basis: 'predicted_clv' | 'historical_margin' | 'historical_revenue';
  payback_basis: 'margin' | 'revenue';
  min_segment_size: number;
  groups: EconomicsGroup[];
  total: EconomicsGroup;
  intervention?: InterventionRoi;
  definitions: Record<string, string>;
  notes: string[];
}

const UNKNOWN = '(unknown)';

/**
 * Unit economics of the customers in the feature table, as of the date it was built for.
 *
 * @example
 * const r = await unitEconomics(engine, { by: 'channel', minSegmentSize: 10 });
 * r.groups.find((g) => g.group === 'organic')?.cac; // null: no spend, CAC unknown
 */
export async function unitEconomics(engine: Engine, o: EconomicsOptions): Promise<EconomicsResult> {
  const info = await featureTableInfo(engine);
  if (!info.columns.has('customer_id'))
    throw userError('no_features', 'the workspace has no feature table yet', {
      hint: 'run `segtrack run` first',
    });
  const notes: string[] = [];
  let snapshotId: number | null = null;
  let asOfText = info.asOf;
  if (o.by === 'segment' || asOfText === null) {
    const snap = await resolveSnapshot(engine, o.snapshotId);
    if (o.by === 'segment') {
      if (o.scheme === undefined)
        throw userError('missing_flag', '--by segment needs --scheme', {
          hint: `schemes of snapshot ${snap.snapshot_id}: ${snap.schemes.join(', ')}`,
        });
      requireScheme(snap, o.scheme);
      snapshotId = snap.snapshot_id;
      if (info.asOf !== null && info.asOf !== snap.as_of)
        notes.push(
          `segments are snapshot ${snap.snapshot_id}'s (as of ${snap.as_of}); the figures are the feature table's (as of ${info.asOf})`,
        );
    }
    asOfText ??= snap.as_of;
  }
  const stage = await stageEconomics(
    engine,
    asOfText,
    o.by === 'segment' ? { by: 'segment', snapshotId: snapshotId!, scheme: o.scheme! } : { by: o.by },
    info.columns,
  );
  if (!stage.hasSpend) notes.push('no marketing_spend rows: CAC, CLV:CAC and payback are unknown');
  try {
    return await assemble(engine, o, stage, { asOf: asOfText, snapshotId, notes });
  } finally {
    await stage.drop();
  }
}

interface Context {
  asOf: string;
  snapshotId: number | null;
  notes: string[];
}

type GroupRow = {
  grp: string | null;
  customers: number;
  paid: number;
  attributed: number | null;
  clv: number;
  clv_paid: number;
  hist: number;
  pred: number | null;
};

async function assemble(
  engine: Engine,
  o: EconomicsOptions,
  stage: EconomicsStage,
  c: Context,
): Promise<EconomicsResult> {
  const d = engine.dialect;
  const { customers: STAGE, spend: SPEND } = stage;
  const pred = stage.predicted ? 'SUM(COALESCE(pred, 0))' : d.cast('NULL', 'double');
  const aggregates =
    `COUNT(*) AS customers, COUNT(cac) AS paid, SUM(cac) AS attributed, SUM(clv) AS clv, ` +
    `SUM(CASE WHEN paid THEN clv ELSE 0 END) AS clv_paid, SUM(hist) AS hist, ${pred} AS pred`;
  const rows = await engine.query<GroupRow>(
    `SELECT grp, ${aggregates} FROM ${STAGE} GROUP BY grp ORDER BY grp`,
  );
  const [all] = await engine.query<GroupRow>(`SELECT NULL AS grp, ${aggregates} FROM ${STAGE}`);

  // Spend of each channel or cohort: all of it, including months in which nobody was acquired.
  const spendBy =
    o.by === 'channel' ? 'channel' : o.by === 'cohort' ? d.cast('month_start', 'string') : undefined;
  const spend = new Map<string | null, number>();
  if (spendBy !== undefined)
    for (const r of await engine.query<{ grp: string | null; spend: number }>(
      `SELECT ${spendBy} AS grp, SUM(spend) AS spend FROM ${SPEND} GROUP BY ${spendBy}`,
    ))
      spend.set(r.grp, Number(r.spend));
  const [totalSpendRow] = await engine.query<{ spend: number | null }>(
    `SELECT SUM(spend) AS spend FROM ${SPEND}`,
  );
  const totalSpend =
    totalSpendRow?.spend === null || totalSpendRow?.spend === undefined ? null : Number(totalSpendRow.spend);

  // Payback inputs: paid customers per (group, acquisition month), and their value per month since.
  const value = stage.margin ? 'o.revenue - COALESCE(o.cost, 0)' : 'o.revenue';
  const monthOf = (x: string) => `(EXTRACT(YEAR FROM ${x}) * 12 + EXTRACT(MONTH FROM ${x}) - 1)`;
  const sizes = await engine.query<{ grp: string | null; month: number; customers: number }>(
    `SELECT grp, ${monthOf('month_start')} AS month, COUNT(*) AS customers FROM ${STAGE} WHERE paid GROUP BY grp, month_start`,
  );
  const values = await engine.query<{ grp: string | null; month: number; offset: number; value: number }>(
    `SELECT x.grp, ${monthOf('x.month_start')} AS month, ${monthOf('o.ordered_at')} - ${monthOf('x.month_start')} AS ${d.ident('offset')}, ` +
      `SUM(${value}) AS value FROM ${STAGE} x JOIN orders o ON o.customer_id = x.customer_id ` +
      `WHERE x.paid AND ${stage.completedOrders} GROUP BY x.grp, x.month_start, ${monthOf('o.ordered_at')}`,
  );
  // The last month every day of which is known: the as-of month if the as-of date is its last day.
  const nextDay = formatDay(parseDay(c.asOf)! + 1);
  const lastComplete = monthIndex(c.asOf) - (nextDay.slice(8, 10) === '01' ? 0 : 1);
  const payback = (grp: string | null | undefined, cac: number | null) => {
    const mine = (r: { grp: string | null }) => grp === undefined || r.grp === grp;
    return paybackPeriod(
      sizes
        .filter(mine)
        .map((r) => ({ month: Number(r.month), customers: Number(r.customers) }) satisfies CohortSize),
      values.filter(mine).map(
        (r) =>
          ({
            month: Number(r.month),
            offset: Number(r.offset),
            value: Number(r.value),
          }) satisfies CohortValue,
      ),
      lastComplete,
      cac,
    );
  };

  const figures = (r: GroupRow, label: string, groupSpend: number | null, whole = false): EconomicsGroup => {
    const customers = Number(r.customers);
    const paid = Number(r.paid);
    const cac = groupSpend !== null && paid > 0 ? groupSpend / paid : null;
    const clv = customers > 0 ? Number(r.clv) / customers : null;
    const clvPaid = paid > 0 ? Number(r.clv_paid) / paid : null;
    const p = payback(whole ? undefined : r.grp, cac);
    return {
      group: label,
      customers,
      paid_customers: paid,
      spend: groupSpend,
      cac,
      blended_cac: groupSpend !== null && customers > 0 ? groupSpend / customers : null,
      clv,
      historical_clv: customers > 0 ? Number(r.hist) / customers : null,
      predicted_clv: r.pred === null || customers === 0 ? null : Number(r.pred) / customers,
      clv_cac: cac !== null && cac > 0 && clvPaid !== null ? clvPaid / cac : null,
      payback_months: p.payback_months,
      observed_months: paid > 0 ? p.observed_months : null,
      suppressed: false,
    };
  };
  const labelOf = (grp: string | null) =>
    grp === null ? UNKNOWN : o.by === 'cohort' ? grp.slice(0, 7) : grp;
  const groupSpend = (grp: string | null, r: GroupRow) =>
    spendBy === undefined ? (r.attributed === null ? null : Number(r.attributed)) : (spend.get(grp) ?? null);
  const groups: EconomicsGroup[] = rows.map((r) => figures(r, labelOf(r.grp), groupSpend(r.grp, r)));
  // Cohorts and channels with spend but no customers acquired: spend shown, nothing else to say.
  if (spendBy !== undefined)
    for (const [grp, s] of spend) {
      if (rows.some((r) => r.grp === grp)) continue;
      groups.push({ ...emptyGroup(labelOf(grp)), customers: 0, paid_customers: 0, spend: s });
    }
  groups.sort((a, b) =>
    a.group === UNKNOWN ? 1 : b.group === UNKNOWN ? -1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0,
  );
  const total = figures(
    all ?? { grp: null, customers: 0, paid: 0, attributed: null, clv: 0, clv_paid: 0, hist: 0, pred: null },
    TOTAL,
    totalSpend,
    true,
  );

  const decided = decideSuppression(
    groups.map((g) => ({ id: g.group, customers: g.customers ?? 0 })),
    { threshold: o.minSegmentSize, totalKnown: true },
  );
  const shown = groups.map((g, i) => {
    const reason = decided[i]?.reason ?? null;
    return reason === null ? g : { ...emptyGroup(g.group), suppressed: true, suppression: reason };
  });
  if (shown.some((g) => g.suppressed))
    c.notes.push(
      `groups with fewer than ${o.minSegmentSize} customers (privacy.min_segment_size) are suppressed, ` +
        'and the next smallest where needed so they cannot be worked out from the total',
    );
  if (o.by === 'segment')
    c.notes.push(
      "a segment's spend is its paid customers' own CAC summed (spend of months in which a channel acquired nobody belongs to no segment)",
    );

  const result: EconomicsResult = {
    as_of: c.asOf,
    by: o.by,
    scheme: o.by === 'segment' ? (o.scheme ?? null) : null,
    snapshot_id: c.snapshotId,
    clv_basis: stage.predicted ? 'predicted_clv' : stage.margin ? 'historical_margin' : 'historical_revenue',
    payback_basis: stage.margin ? 'margin' : 'revenue',
    min_segment_size: o.minSegmentSize,
    groups: shown,
    total,
    definitions: definitions(stage),
    notes: c.notes,
  };
  if (o.intervention)
    result.intervention = interventionRoi(
      o.intervention.effect,
      o.intervention.customers ?? total.customers ?? 0,
      o.intervention.cost,
    );
  return result;
}

const TOTAL = 'All customers';

function emptyGroup(group: string): EconomicsGroup {
  return {
    group,
    customers: null,
    paid_customers: null,
    spend: null,
    cac: null,
    blended_cac: null,
    clv: null,
    historical_clv: null,
    predicted_clv: null,
    clv_cac: null,
    payback_months: null,
    observed_months: null,
    suppressed: false,
  };
}

function definitions(c: Pick<EconomicsStage, 'margin' | 'predicted'>): Record<string, string> {
  const basis = c.margin ? 'margin (revenue − cost)' : 'revenue';
  return {
    acquisition_month:
      'month of created_at (when not after the as-of date), else of the first completed order: the month CAC is charged to',
    spend:
      "Σ of the marketing_spend rows of the channel × days of the row in the month (cut at the as-of date) ÷ the row's days",
    cac: 'spend ÷ paid customers (customers acquired through a channel with spend in their month); channels without spend: unknown',
    blended_cac: 'spend ÷ all new customers of the group, organic ones included',
    clv: c.predicted
      ? 'predicted_clv per customer (model, revenue over the horizon); customers without a score count as 0'
      : `historical ${basis} per customer to date`,
    clv_cac: 'CLV per paid customer ÷ CAC',
    payback_months: `first k with mean cumulative ${basis} per paid customer over the acquisition month and the k − 1 after ≥ CAC, over customers observed k complete months; null: not reached yet`,
  };
}

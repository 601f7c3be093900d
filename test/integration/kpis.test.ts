/**
 * The KPI table on a real DuckDB, checked against an independent plain-TypeScript computation over
 * the same hand-built feature rows: every catalogue KPI, its interval, per segment of two schemes
 * and for the whole base. The reference code below shares nothing with src/kpis: it works on the
 * rows, not on sufficient statistics, and uses published quantiles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { DuckDBEngine } from '../../src/engine/duckdb/duckdb-engine.js';
import type { AppendColumn, Engine } from '../../src/engine/engine.js';
import { KPI_NAMES } from '../../src/kpis/catalogue.js';
import { computeKpis } from '../../src/kpis/compute.js';
import { rankSegments } from '../../src/kpis/rank.js';
import type { KpiTable, KpiValue } from '../../src/kpis/types.js';

// ---------------------------------------------------------------------------------------------
// Published quantiles: z(0.975) (A&S Table 26.5) and t(0.975, ν), ν = 1…29 (standard t table, 3
// decimals). Interval half-widths are compared with a relative tolerance covering the 3 decimals.
const Z975 = 1.959964;
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045,
];
const q975 = (n: number) => (n < 30 ? T975[n - 2]! : Z975);

// ---------------------------------------------------------------------------------------------
// The feature rows.
interface FeatureRow {
  customer_id: string;
  orders_total: number;
  revenue_total: number;
  margin_total: number | null;
  orders_365d: number;
  revenue_365d: number;
  orders_prev_365d: number;
  events_365d: number;
  engagement_events_365d: number;
  visits_365d: number;
  nps_latest: number | null;
  nps_latest_at: number | null; // epoch ms
  csat_latest: number | null;
  csat_latest_at: number | null;
  cac: number | null;
  p_alive: number;
  predicted_clv: number;
}

const AS_OF = '2011-12-09';
const DAY = 86_400_000;
const asOfMs = Date.parse(`${AS_OF}T00:00:00Z`);
/** P = (2010-12-09, 2011-12-09], whole days. */
const inP = (ms: number | null) => ms !== null && ms >= asOfMs - 364 * DAY && ms < asOfMs + DAY;

function makeRows(count: number, seed: number): FeatureRow[] {
  const rng = new Rng(seed);
  const rows: FeatureRow[] = [];
  for (let i = 0; i < count; i++) {
    const ordersTotal = rng.bernoulli(0.15) ? 0 : 1 + rng.int(6);
    const orders365 = ordersTotal === 0 ? 0 : rng.int(Math.min(ordersTotal, 4) + 1);
    const revenue365 = orders365 * (10 + 190 * rng.uniform());
    const revenueTotal = revenue365 + (ordersTotal - orders365) * (10 + 190 * rng.uniform());
    const events = rng.bernoulli(0.2) ? 0 : rng.poisson(6);
    const engagement = Math.min(events, rng.poisson(3));
    // Every buyer in P visited, except a few customers 130–140 (the `mid` segment), so that
    // conversion_rate is a proportion in most groups and a ratio of counts in `mid` and the base.
    let visits = orders365 > 0 ? 1 + rng.int(4) : rng.bernoulli(0.4) ? 1 + rng.int(3) : 0;
    if (i >= 130 && i <= 140 && orders365 > 0 && i % 3 === 0) visits = 0;
    // Feedback dates: inside P, before P, and the two edges (the start day is outside P).
    const when = () => {
      const r = rng.uniform();
      if (r < 0.05) return asOfMs - 365 * DAY + 12 * 3_600_000; // 2010-12-09 12:00, outside
      if (r < 0.1) return asOfMs + 23 * 3_600_000; // 2011-12-09 23:00, inside
      if (r < 0.3) return asOfMs - (400 + rng.int(300)) * DAY; // long before P
      return asOfMs - rng.int(364) * DAY - rng.int(86_400) * 1000;
    };
    const answered = rng.bernoulli(0.55);
    const csatAnswered = rng.bernoulli(0.5);
    rows.push({
      customer_id: `C${String(i + 1).padStart(4, '0')}`,
      orders_total: ordersTotal,
      revenue_total: revenueTotal,
      margin_total: ordersTotal > 0 && rng.bernoulli(0.9) ? 0.3 * revenueTotal : null,
      orders_365d: orders365,
      revenue_365d: revenue365,
      orders_prev_365d: rng.bernoulli(0.4) ? 0 : rng.int(4),
      events_365d: events,
      engagement_events_365d: engagement,
      visits_365d: visits,
      nps_latest: answered ? rng.int(11) : null,
      nps_latest_at: answered ? when() : null,
      csat_latest: csatAnswered ? 1 + rng.int(5) : null,
      csat_latest_at: csatAnswered ? when() : null,
      cac: rng.bernoulli(0.3) ? null : 5 + 75 * rng.uniform(),
      p_alive: rng.uniform(),
      predicted_clv: 500 * rng.uniform(),
    });
  }
  return rows;
}

const FEATURE_TYPES: Record<keyof FeatureRow, AppendColumn['type']> = {
  customer_id: 'string',
  orders_total: 'integer',
  revenue_total: 'double',
  margin_total: 'double',
  orders_365d: 'integer',
  revenue_365d: 'double',
  orders_prev_365d: 'integer',
  events_365d: 'integer',
  engagement_events_365d: 'integer',
  visits_365d: 'integer',
  nps_latest: 'integer',
  nps_latest_at: 'timestamp',
  csat_latest: 'integer',
  csat_latest_at: 'timestamp',
  cac: 'double',
  p_alive: 'double',
  predicted_clv: 'double',
};
const SQL_TYPES: Record<AppendColumn['type'], string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  double: 'DOUBLE',
  timestamp: 'TIMESTAMP',
  boolean: 'BOOLEAN',
  date: 'DATE',
};

/** Creates `table` with the given feature columns (a subset of FeatureRow) and the rows. */
async function createFeatures(
  engine: Engine,
  table: string,
  rows: readonly FeatureRow[],
  columns: readonly (keyof FeatureRow)[] = Object.keys(FEATURE_TYPES) as (keyof FeatureRow)[],
): Promise<void> {
  await engine.exec(
    `CREATE OR REPLACE TABLE ${table} (${columns.map((c) => `${c} ${SQL_TYPES[FEATURE_TYPES[c]]}`).join(', ')})`,
  );
  await engine.append(
    table,
    columns.map((c) => ({ name: c, type: FEATURE_TYPES[c], values: rows.map((r) => r[c]) })),
  );
}

/** Scheme `tier`: big (0–119), mid (120–164), small (165–169), single (170), empty (declared). */
function tierOf(i: number): string {
  return i < 120 ? 'big' : i < 165 ? 'mid' : i < 170 ? 'small' : 'single';
}
const SCHEMES: Record<string, (i: number) => string> = {
  tier: tierOf,
  parity: (i) => (i % 2 === 0 ? 'even' : 'odd'),
};

async function createMembers(engine: Engine, rows: readonly FeatureRow[]): Promise<void> {
  await engine.exec('CREATE OR REPLACE TABLE members (scheme VARCHAR, segment VARCHAR, customer_id VARCHAR)');
  const entries = Object.entries(SCHEMES).flatMap(([scheme, of]) =>
    rows.map((r, i) => ({ scheme, segment: of(i), customer_id: r.customer_id })),
  );
  await engine.append('members', [
    { name: 'scheme', type: 'string', values: entries.map((e) => e.scheme) },
    { name: 'segment', type: 'string', values: entries.map((e) => e.segment) },
    { name: 'customer_id', type: 'string', values: entries.map((e) => e.customer_id) },
  ]);
}

// ---------------------------------------------------------------------------------------------
// The independent reference: every KPI straight from the rows.
interface Expected {
  value: number | null;
  /** Half-widths below and above the value (null: no interval). */
  low: number | null;
  high: number | null;
  n: number;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => sum(xs) / xs.length;
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1));
};

function wilsonRef(x: number, n: number): Expected {
  if (n === 0) return { value: null, low: null, high: null, n };
  const p = x / n;
  const z = Z975;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

function meanRef(xs: readonly number[]): Expected {
  const n = xs.length;
  if (n === 0) return { value: null, low: null, high: null, n };
  const m = mean(xs);
  if (n === 1) return { value: m, low: null, high: null, n };
  const half = (q975(n) * sd(xs)) / Math.sqrt(n);
  return { value: m, low: m - half, high: m + half, n };
}

/** Ratio Σy/Σx over the units, delta-method (Cochran) interval. */
function ratioRef(ys: readonly number[], xs: readonly number[]): Expected {
  const n = ys.length;
  const r = sum(ys) / sum(xs);
  if (n < 2) return { value: r, low: null, high: null, n };
  const xbar = sum(xs) / n;
  const v = sum(ys.map((y, i) => (y - r * xs[i]!) ** 2)) / (n * (n - 1) * xbar * xbar);
  const half = q975(n) * Math.sqrt(v);
  return { value: r, low: r - half, high: r + half, n };
}

function expectedKpis(g: readonly FeatureRow[], all: readonly FeatureRow[]): Record<string, Expected> {
  const n = g.length;
  const total = (value: number, count = n): Expected => ({ value, low: null, high: null, n: count });
  const buyers = g.filter((r) => r.orders_365d >= 1);
  const prev = g.filter((r) => r.orders_prev_365d >= 1);
  const retention = wilsonRef(prev.filter((r) => r.orders_365d >= 1).length, prev.length);
  const withCac = g.filter((r) => r.cac !== null);
  const npsIn = g.filter((r) => r.nps_latest !== null && inP(r.nps_latest_at));
  const csatIn = g.filter((r) => r.csat_latest !== null && inP(r.csat_latest_at));
  const visitors = g.filter((r) => r.visits_365d >= 1);

  const out: Record<string, Expected> = {
    customers: total(n),
    share: total(n / all.length),
    revenue: total(sum(g.map((r) => r.revenue_365d))),
    orders: total(sum(g.map((r) => r.orders_365d))),
    aov:
      buyers.length === 0
        ? { value: null, low: null, high: null, n: 0 }
        : ratioRef(
            buyers.map((r) => r.revenue_365d),
            buyers.map((r) => r.orders_365d),
          ),
    purchase_frequency: meanRef(buyers.map((r) => r.orders_365d)),
    repeat_rate: wilsonRef(g.filter((r) => r.orders_total >= 2).length, n),
    // Some buyers have no margin, so historical CLV is measured in revenue.
    historical_clv: meanRef(g.map((r) => r.revenue_total)),
    predicted_clv: meanRef(g.map((r) => r.predicted_clv)),
    p_alive: meanRef(g.map((r) => r.p_alive)),
    retention_rate: retention,
    churn_rate:
      retention.value === null
        ? retention
        : { value: 1 - retention.value, low: 1 - retention.high!, high: 1 - retention.low!, n: retention.n },
    cac: meanRef(withCac.map((r) => r.cac!)),
    engagement_rate: wilsonRef(g.filter((r) => r.engagement_events_365d >= 1).length, n),
    revenue_at_risk: total(sum(g.map((r) => r.predicted_clv * (1 - r.p_alive)))),
  };

  // clv_cac_ratio: mean predicted CLV / mean CAC, delta method with the covariance of the two
  // means over the customers known for both (here: everyone has a predicted CLV).
  if (n === 0 || withCac.length === 0) out['clv_cac_ratio'] = { value: null, low: null, high: null, n: 0 };
  else {
    const a = g.map((r) => r.predicted_clv);
    const b = withCac.map((r) => r.cac!);
    const ma = mean(a);
    const mb = mean(b);
    const value = ma / mb;
    const nMin = Math.min(a.length, b.length);
    if (a.length < 2 || b.length < 2) out['clv_cac_ratio'] = { value, low: null, high: null, n: nMin };
    else {
      const both = withCac;
      const pa = both.map((r) => r.predicted_clv);
      const pb = both.map((r) => r.cac!);
      const sab =
        both.length >= 2
          ? sum(pa.map((x, i) => (x - mean(pa)) * (pb[i]! - mean(pb)))) / (both.length - 1)
          : 0;
      const varA = sd(a) ** 2 / a.length;
      const varB = sd(b) ** 2 / b.length;
      const cov = (both.length * sab) / (a.length * b.length);
      const v = varA / mb ** 2 + (ma ** 2 * varB) / mb ** 4 - (2 * ma * cov) / mb ** 3;
      const half = q975(nMin) * Math.sqrt(v);
      out['clv_cac_ratio'] = { value, low: value - half, high: value + half, n: nMin };
    }
  }

  // NPS in points with the multinomial variance; a normal interval.
  if (npsIn.length === 0) out['nps'] = { value: null, low: null, high: null, n: 0 };
  else {
    const m = npsIn.length;
    const pp = npsIn.filter((r) => r.nps_latest! >= 9).length / m;
    const pd = npsIn.filter((r) => r.nps_latest! <= 6).length / m;
    const value = 100 * (pp - pd);
    const half = m < 2 ? null : 100 * Z975 * Math.sqrt((pp + pd - (pp - pd) ** 2) / m);
    out['nps'] = {
      value,
      low: half === null ? null : Math.max(-100, value - half),
      high: half === null ? null : Math.min(100, value + half),
      n: m,
    };
  }
  out['csat'] = wilsonRef(csatIn.filter((r) => r.csat_latest! >= 4).length, csatIn.length);

  // conversion_rate: buyers / visitors; a proportion when every buyer visited, else a ratio of
  // counts over the customers who visited or bought.
  if (visitors.length === 0) out['conversion_rate'] = { value: null, low: null, high: null, n: 0 };
  else if (buyers.every((r) => r.visits_365d >= 1))
    out['conversion_rate'] = wilsonRef(buyers.length, visitors.length);
  else {
    const units = g.filter((r) => r.visits_365d >= 1 || r.orders_365d >= 1);
    out['conversion_rate'] = ratioRef(
      units.map((r) => (r.orders_365d >= 1 ? 1 : 0)),
      units.map((r) => (r.visits_365d >= 1 ? 1 : 0)),
    );
  }
  return out;
}

/** Compares a computed KPI with the reference, printing both on failure. */
function expectKpi(actual: KpiValue | undefined, expected: Expected, where: string): void {
  const show = `${where}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
  expect(actual, show).toBeDefined();
  const a = actual!;
  expect(a.available, show).toBe(true);
  if (expected.value === null) {
    expect(a.value, show).toBeNull();
    expect(a.reason, show).toBeTruthy();
    return;
  }
  expect(a.value, show).not.toBeNull();
  expect(Math.abs(a.value! - expected.value), show).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected.value)),
  );
  expect(a.n, show).toBe(expected.n);
  if (expected.low === null || expected.high === null) {
    expect(a.ci_low, show).toBeNull();
    expect(a.ci_high, show).toBeNull();
    return;
  }
  // Half-widths agree to the precision of the published 3-decimal t table (2.5e-4 relative).
  for (const [got, want] of [
    [a.ci_low, expected.low],
    [a.ci_high, expected.high],
  ] as const) {
    expect(got, show).not.toBeNull();
    const half = Math.abs(want - expected.value);
    expect(Math.abs(got! - want), show).toBeLessThanOrEqual(3e-4 * half + 1e-9 * Math.max(1, Math.abs(want)));
  }
}

// ---------------------------------------------------------------------------------------------
let engine: Engine;
const ROWS = makeRows(171, 20111209);
let table: KpiTable;

beforeAll(async () => {
  engine = await DuckDBEngine.open(':memory:');
  await createFeatures(engine, 'features', ROWS);
  await createMembers(engine, ROWS);
  table = await computeKpis(engine, {
    features: 'features',
    members: 'members',
    kpis: [...KPI_NAMES],
    asOf: AS_OF,
    segments: { tier: ['big', 'mid', 'small', 'single', 'empty'] },
  });
});
afterAll(async () => {
  await engine.close();
});

describe('computeKpis', () => {
  it('matches the independent computation for every KPI, segment and the base', () => {
    expect(table.schemes.map((s) => s.scheme)).toEqual(['tier', 'parity']);
    expect(table.period).toEqual({ start: '2010-12-09', end: AS_OF, days: 365 });
    expect(table.clvBasis).toBe('revenue');
    const groups: [string, readonly FeatureRow[], KpiTable['base']][] = [['base', ROWS, table.base]];
    for (const [scheme, of] of Object.entries(SCHEMES)) {
      const s = table.schemes.find((x) => x.scheme === scheme)!;
      for (const seg of s.segments)
        groups.push([`${scheme}/${seg.segment}`, ROWS.filter((_, i) => of(i) === seg.segment), seg]);
    }
    let compared = 0;
    for (const [where, rows, got] of groups) {
      if (rows.length === 0) continue;
      expect(got.customers, where).toBe(rows.length);
      const want = expectedKpis(rows, ROWS);
      for (const k of KPI_NAMES) {
        expectKpi(got.kpis[k], want[k]!, `${where} ${k}`);
        compared++;
      }
    }
    expect(compared).toBe(19 * 7); // base + 4 non-empty tier segments + 2 parity segments
  });

  it('exercises both conversion-rate forms and both interval quantiles', () => {
    const tier = table.schemes[0]!;
    const big = tier.segments.find((s) => s.segment === 'big')!;
    const mid = tier.segments.find((s) => s.segment === 'mid')!;
    const small = tier.segments.find((s) => s.segment === 'small')!;
    expect(big.kpis['conversion_rate']?.ci_method).toBe('wilson');
    expect(mid.kpis['conversion_rate']?.ci_method).toMatch(/^delta-ratio/);
    expect(mid.kpis['conversion_rate']?.note).toMatch(/no recorded visit/);
    expect(big.kpis['historical_clv']?.ci_method).toBe('mean-normal');
    expect(small.kpis['historical_clv']?.ci_method).toBe('mean-t');
    expect(big.kpis['revenue']?.ci_method).toBe('none-total');
    expect(big.kpis['nps']?.ci_method).toBe('nps-multinomial');
  });

  it('reports an empty segment as 0 customers and every other KPI null with a reason', () => {
    const empty = table.schemes[0]!.segments.find((s) => s.segment === 'empty')!;
    expect(empty.customers).toBe(0);
    for (const k of KPI_NAMES.filter((k) => k !== 'customers')) {
      expect(empty.kpis[k], k).toMatchObject({
        value: null,
        ci_low: null,
        ci_high: null,
        reason: 'empty segment',
      });
    }
    expect(empty.kpis['customers']?.value).toBe(0);
  });

  it('handles a single-customer segment: values, Wilson intervals, no interval on means', () => {
    const single = table.schemes[0]!.segments.find((s) => s.segment === 'single')!;
    const row = ROWS[170]!;
    expect(single.customers).toBe(1);
    expect(single.kpis['historical_clv']).toMatchObject({
      value: row.revenue_total,
      ci_low: null,
      ci_high: null,
      n: 1,
    });
    expect(single.kpis['historical_clv']?.reason).toMatch(/too few customers/);
    expect(single.kpis['repeat_rate']?.value).toBe(row.orders_total >= 2 ? 1 : 0);
    expect(single.kpis['repeat_rate']?.ci_low).not.toBeNull();
    expect(single.kpis['share']?.value).toBeCloseTo(1 / 171, 12);
  });

  it('reports KPIs unavailable, with reasons, when the workspace lacks their data', async () => {
    const cols = (Object.keys(FEATURE_TYPES) as (keyof FeatureRow)[]).filter(
      (c) => !['cac', 'p_alive', 'predicted_clv', 'nps_latest', 'nps_latest_at', 'visits_365d'].includes(c),
    );
    await createFeatures(engine, 'features_lean', ROWS, cols);
    const lean = await computeKpis(engine, {
      features: 'features_lean',
      members: 'members',
      kpis: [...KPI_NAMES],
      asOf: AS_OF,
    });
    const reason = (k: string) => lean.base.kpis[k]?.reason;
    for (const k of ['predicted_clv', 'p_alive', 'revenue_at_risk', 'clv_cac_ratio'])
      expect(reason(k), k).toBe('predictive models have not been fitted: run `segtrack fit`');
    expect(reason('cac')).toBe('no marketing_spend rows: CAC needs spend per channel');
    expect(reason('nps')).toMatch(/no NPS responses/);
    expect(reason('conversion_rate')).toMatch(/visits_365d/);
    for (const k of ['cac', 'nps', 'p_alive', 'conversion_rate']) {
      expect(lean.base.kpis[k]).toMatchObject({ available: false, value: null });
      expect(lean.schemes[0]!.segments[0]!.kpis[k]).toMatchObject({ available: false, value: null });
    }
    expect(lean.base.kpis['csat']?.available).toBe(true);

    // Columns present but empty (models not scored yet, no spend): the same reasons.
    await engine.exec(
      'CREATE OR REPLACE TABLE features_null AS SELECT * REPLACE (NULL::DOUBLE AS cac, NULL::DOUBLE AS p_alive, NULL::DOUBLE AS predicted_clv) FROM features',
    );
    const nulls = await computeKpis(engine, {
      features: 'features_null',
      members: 'members',
      kpis: ['cac', 'p_alive'],
      asOf: AS_OF,
    });
    expect(nulls.base.kpis['cac']).toMatchObject({
      available: false,
      reason: 'no marketing_spend rows: CAC needs spend per channel',
    });
    expect(nulls.base.kpis['p_alive']?.reason).toMatch(/segtrack fit/);

    // A period the feature table has no windows for.
    const p90 = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: ['revenue', 'engagement_rate', 'repeat_rate'],
      asOf: AS_OF,
      periodDays: 90,
    });
    expect(p90.base.kpis['revenue']?.reason).toMatch(/no column `revenue_90d`/);
    expect(p90.base.kpis['engagement_rate']?.reason).toMatch(/engagement_events_90d/);
    expect(p90.base.kpis['repeat_rate']?.available).toBe(true);
  });

  it('uses the KPI-period columns of the feature stage when the fixed windows are absent', async () => {
    await engine.exec(
      'CREATE OR REPLACE TABLE features_p AS SELECT * EXCLUDE (orders_365d, revenue_365d, orders_prev_365d) , orders_365d AS orders_period, revenue_365d AS revenue_period, orders_prev_365d AS orders_prev_period FROM features',
    );
    const p = await computeKpis(engine, {
      features: 'features_p',
      members: 'members',
      kpis: ['aov', 'retention_rate'],
      asOf: AS_OF,
    });
    expect(p.base.kpis['aov']?.value).toBeCloseTo(table.base.kpis['aov']!.value!, 9);
    expect(p.base.kpis['retention_rate']?.value).toBeCloseTo(table.base.kpis['retention_rate']!.value!, 12);
  });

  it('measures historical CLV in margin when cost is known for every buyer', async () => {
    await engine.exec(
      'CREATE OR REPLACE TABLE features_m AS SELECT * REPLACE (CASE WHEN orders_total > 0 THEN 0.3 * revenue_total END AS margin_total) FROM features',
    );
    const m = await computeKpis(engine, {
      features: 'features_m',
      members: 'members',
      kpis: ['historical_clv'],
      asOf: AS_OF,
    });
    expect(m.clvBasis).toBe('margin');
    expect(m.base.kpis['historical_clv']?.value).toBeCloseTo(0.3 * mean(ROWS.map((r) => r.revenue_total)), 9);
    expect(m.base.kpis['historical_clv']?.note).toMatch(/margin/);
  });

  it('accepts membership as a query and keeps the requested KPI order', async () => {
    const t = await computeKpis(engine, {
      features: 'features',
      members: "(SELECT scheme, segment, customer_id FROM members WHERE scheme = 'parity')",
      kpis: ['churn_rate', 'customers'],
      asOf: AS_OF,
    });
    expect(t.kpis.map((k) => k.name)).toEqual(['churn_rate', 'customers']);
    expect(t.schemes.map((s) => s.scheme)).toEqual(['parity']);
    expect(Object.keys(t.schemes[0]!.segments[0]!.kpis)).toEqual(['churn_rate', 'customers']);
  });

  it('ranks segments by a KPI in its better direction, nulls last', () => {
    const byChurn = rankSegments(table, 'tier', 'churn_rate');
    const values = byChurn.filter((r) => r.value !== null).map((r) => r.value!);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(byChurn.at(-1)?.segment).toBe('empty');
    const byRevenue = rankSegments(table, 'tier', 'revenue');
    expect(byRevenue[0]?.segment).toBe('big');
    expect(() => rankSegments(table, 'teir', 'revenue')).toThrow(/did you mean 'tier'/);
  });

  it('reports user mistakes all at once', async () => {
    const err = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: ['revenu', 'customers'],
      asOf: '2011-02-30',
      confidence: 95,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const codes = (err as UserError).problems.map((p) => p.code);
    expect(codes).toEqual(['kpi_bad_as_of', 'kpi_bad_confidence']);
    const err2 = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: ['revenu'],
      asOf: AS_OF,
    }).catch((e: unknown) => e);
    expect((err2 as UserError).problems[0]).toMatchObject({
      code: 'kpi_unknown',
      hint: "did you mean 'revenue'?",
    });
  });
});

describe('custom KPIs', () => {
  const expression = 'avg(case when revenue_365d >= 100 then 1 else 0 end)';

  it('are compiled by the expression language, valued per segment, with a bootstrap interval', async () => {
    const t = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: ['customers'],
      custom: [{ name: 'big_spender_share', expression, unit: 'share', direction: 'higher' }],
      asOf: AS_OF,
      segments: { tier: ['big', 'mid', 'small', 'single', 'empty'] },
    });
    expect(t.kpis.map((k) => k.name)).toEqual(['customers', 'big_spender_share']);
    expect(t.kpis[1]).toMatchObject({
      unit: 'share',
      direction: 'higher',
      formula: expression,
      interval: 'bootstrap',
    });
    const check = (got: KpiValue | undefined, rows: readonly FeatureRow[], where: string) => {
      const p = rows.filter((r) => r.revenue_365d >= 100).length / rows.length;
      expect(got?.value, where).toBeCloseTo(p, 12);
      expect(got?.ci_method).toBe('bootstrap');
      expect(got!.ci_low!, where).toBeLessThanOrEqual(p + 1e-12);
      expect(got!.ci_high!, where).toBeGreaterThanOrEqual(p - 1e-12);
      // The bootstrap width is close to the Wald width 2·1.96·√(p(1−p)/n) for a proportion.
      const wald = 2 * Z975 * Math.sqrt((p * (1 - p)) / rows.length);
      const width = got!.ci_high! - got!.ci_low!;
      expect(width / wald, `${where}: width ${width} vs Wald ${wald}`).toBeGreaterThan(0.7);
      expect(width / wald, `${where}: width ${width} vs Wald ${wald}`).toBeLessThan(1.3);
    };
    check(t.base.kpis['big_spender_share'], ROWS, 'base');
    const big = t.schemes[0]!.segments.find((s) => s.segment === 'big')!;
    check(big.kpis['big_spender_share'], ROWS.slice(0, 120), 'tier/big');
    const empty = t.schemes[0]!.segments.find((s) => s.segment === 'empty')!;
    expect(empty.kpis['big_spender_share']).toMatchObject({ value: null, reason: 'empty segment' });

    // Same seed, same interval; another seed, another one.
    const again = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: [],
      custom: [{ name: 'b', expression }],
      asOf: AS_OF,
    });
    expect(again.base.kpis['b']?.ci_low).toBe(t.base.kpis['big_spender_share']?.ci_low);
    const other = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: [],
      custom: [{ name: 'b', expression }],
      asOf: AS_OF,
      bootstrapSeed: 7,
    });
    expect(other.base.kpis['b']?.ci_low).not.toBe(t.base.kpis['big_spender_share']?.ci_low);
  });

  it('report every bad expression with its KPI name, and refuse catalogue names', async () => {
    const err = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: [],
      custom: [
        { name: 'a', expression: 'avg(revenu_365d)' },
        { name: 'b', expression: 'revenue_365d > 3' },
      ],
      asOf: AS_OF,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const messages = (err as UserError).problems.map((p) => p.message);
    expect(messages.some((m) => m.startsWith("custom KPI 'a'"))).toBe(true);
    expect(messages.some((m) => m.startsWith("custom KPI 'b'"))).toBe(true);
    await expect(
      computeKpis(engine, {
        features: 'features',
        members: 'members',
        kpis: [],
        custom: [{ name: 'nps', expression }],
        asOf: AS_OF,
      }),
    ).rejects.toThrow(/name of a catalogue KPI/);
  });

  it('skip the bootstrap when asked (0 replicates)', async () => {
    const t = await computeKpis(engine, {
      features: 'features',
      members: 'members',
      kpis: [],
      custom: [{ name: 'b', expression }],
      asOf: AS_OF,
      bootstrapReplicates: 0,
    });
    expect(t.base.kpis['b']).toMatchObject({
      ci_low: null,
      ci_high: null,
      reason: expect.stringMatching(/no bootstrap/) as unknown,
    });
  });
});

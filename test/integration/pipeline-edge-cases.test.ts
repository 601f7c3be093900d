/**
 * Edge cases of the pipeline through the command line (issue 3), on a hand-made shop of eight
 * customers whose segments, KPIs and cohorts are worked out by hand below: a misspelt rule, an
 * empty segment, a customer without orders, the output shapes of `segments` (JSON and CSV),
 * `members` of one segment, `trend` after `backfill`, `cohorts`, and a one-customer workspace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../helpers/csv.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

/**
 * As of 2024-04-30. c08 never orders; c09 signs up after the as-of date. c02 orders twice on one
 * day and cancels a third; c03 has a refund; c05's only order is worth 0; c06's first attempt is
 * cancelled.
 */
const CUSTOMERS = `customer_id,created_at,acquisition_channel
c01,2024-01-03 09:00:00,paid_search
c02,2024-01-10 09:00:00,organic
c03,2024-01-20 09:00:00,paid_search
c04,2024-02-05 09:00:00,email
c05,2024-02-14 09:00:00,organic
c06,2024-03-01 09:00:00,email
c07,2024-03-15 09:00:00,
c08,2024-01-25 09:00:00,organic
c09,2024-06-01 09:00:00,organic
`;
const ORDERS = `order_id,customer_id,ordered_at,revenue,status
o01,c01,2024-01-03 10:00:00,100,completed
o02,c01,2024-02-10 10:00:00,50,completed
o03,c01,2024-04-02 10:00:00,80,completed
o04,c02,2024-01-10 10:00:00,20,completed
o05,c02,2024-01-10 15:00:00,30,completed
o06,c02,2024-03-05 10:00:00,40,cancelled
o07,c03,2024-01-21 10:00:00,200,completed
o08,c03,2024-03-22 10:00:00,10,refunded
o09,c03,2024-04-20 10:00:00,60,completed
o10,c04,2024-02-05 10:00:00,15,completed
o11,c04,2024-02-28 10:00:00,25,completed
o12,c04,2024-03-10 10:00:00,35,completed
o13,c04,2024-04-28 10:00:00,45,completed
o14,c05,2024-02-20 10:00:00,0,completed
o15,c06,2024-03-02 10:00:00,70,cancelled
o16,c06,2024-03-03 10:00:00,70,completed
o17,c07,2024-03-16 10:00:00,300,completed
o18,c07,2024-04-16 10:00:00,100,completed
o19,c09,2024-06-02 10:00:00,55,completed
`;

/** A config in YAML, as lines (so a test can find the line of an entry). */
function configLines(where: string): string[] {
  return [
    'workspace: ./shop.duckdb',
    // Eight customers: every segment is below the default minimum size; show them all here.
    'privacy: {min_segment_size: 1}',
    'as_of: 2024-04-30',
    'sources:',
    '  customers:',
    '    file: customers.csv',
    '  orders:',
    '    file: orders.csv',
    'segments:',
    '  - {name: rfm, type: rfm}',
    '  - {name: lifecycle, type: lifecycle}',
    '  - {name: channel, type: dimension, column: acquisition_channel}',
    '  - name: value',
    '    type: rules',
    '    rules:',
    `      - {segment: Big, where: "${where}"}`,
    '      - {segment: Nobody, where: "revenue_total < 0"}',
    '',
  ];
}

interface Cell {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ci_method?: string | null;
  available?: boolean;
  reason?: string | null;
}
interface SegmentRow {
  segment: string;
  customers: number;
  kpis: Record<string, Cell>;
  flags: { kpi: string; direction: string; p_value: number }[];
}
interface SegmentsJson {
  scheme: string;
  snapshot_id: number;
  as_of: string;
  segments: SegmentRow[];
  base: SegmentRow;
}
interface MembersJson {
  snapshot_id: number;
  scheme: string;
  segment: string | null;
  members: Record<string, string | number | null>[];
}

let tmp: TempDir;
let config: string;
const cli = (...args: string[]) => runCli([...args, '--config', config]);
const segmentsOf = async (scheme: string, ...more: string[]) =>
  jsonOf<SegmentsJson>(await cli('segments', '--scheme', scheme, '--json', ...more));
const membersOf = async (scheme: string) =>
  Object.fromEntries(
    jsonOf<MembersJson>(await cli('members', '--scheme', scheme, '--json')).members.map((m) => [
      String(m['customer_id']),
      String(m['segment']),
    ]),
  );

beforeAll(async () => {
  tmp = makeTempDir('segtrack-pipeline-edge-');
  tmp.write('customers.csv', CUSTOMERS);
  tmp.write('orders.csv', ORDERS);
  config = tmp.write('segtrack.yaml', configLines('revenue_365d >= 300').join('\n'));
  jsonOf(await cli('ingest', '--json'));
  const run = jsonOf<{ as_of: string; customers: number; schemes: string[] }>(await cli('run', '--json'));
  expect(run).toMatchObject({
    as_of: '2024-04-30',
    customers: 8,
    schemes: ['rfm', 'lifecycle', 'channel', 'value'],
  });
});
afterAll(() => tmp.remove());

describe('pipeline edge cases through the CLI', () => {
  it('reports a misspelt feature in a rule at its line in the config, with a suggestion (exit 2)', async () => {
    const lines = configLines('revenu_365d >= 1000');
    const bad = tmp.write('bad.yaml', lines.join('\n'));
    const r = await runCli(['run', '--config', bad]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const line = lines.findIndex((l) => l.includes('revenu_365d')) + 1;
    expect(r.stderr).toContain(`${bad}:${line}`);
    expect(r.stderr).toContain("did you mean 'revenue_365d'?");
    expect(r.stderr).toMatch(/revenu_365d/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('shows a segment no one matches with customers 0, null KPIs and a reason', async () => {
    const t = await segmentsOf('value');
    expect(t.segments.map((s) => [s.segment, s.customers])).toEqual([
      ['Big', 1],
      ['Nobody', 0],
      ['Other', 7],
    ]);
    const nobody = t.segments.find((s) => s.segment === 'Nobody')!;
    expect(nobody.kpis['customers']?.value).toBe(0);
    const others = Object.entries(nobody.kpis).filter(([k]) => k !== 'customers');
    expect(others.length).toBeGreaterThan(5);
    for (const [k, c] of others) {
      expect(c.value, k).toBeNull();
      expect(c.ci_low, k).toBeNull();
      expect(c.reason, k).toMatch(
        /empty segment|segtrack fit|marketing_spend|NPS|CSAT|events|visit|previous period/,
      );
    }
    expect(nobody.kpis['revenue']?.reason).toBe('empty segment');
    expect(nobody.flags).toEqual([]);
  });

  it('puts the customer without orders in prospect and No Purchases, leaves out the one created later', async () => {
    const rfm = await membersOf('rfm');
    const lifecycle = await membersOf('lifecycle');
    expect(Object.keys(rfm).sort()).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08']);
    expect(rfm['c08']).toBe('No Purchases');
    expect(lifecycle['c08']).toBe('prospect');
    const prospect = (await segmentsOf('lifecycle')).segments.find((s) => s.segment === 'prospect')!;
    expect(prospect.customers).toBe(1);
    expect(prospect.kpis['revenue']?.value).toBe(0);
    expect(prospect.kpis['orders']?.value).toBe(0);
    expect(prospect.kpis['repeat_rate']?.value).toBe(0);
    expect(prospect.kpis['aov']).toMatchObject({ value: null, reason: 'no orders in the period' });
    expect(prospect.kpis['purchase_frequency']?.value).toBeNull();
    expect(prospect.kpis['purchase_frequency']?.reason).toMatch(/ordered in the period/);
  });

  it('assigns RFM, lifecycle, channel and rules segments as worked out by hand', async () => {
    // Buyers' recency (days) / completed orders / revenue to date:
    //   c01 28/3/230, c02 111/2/50, c03 10/2/260, c04 2/4/120, c05 70/1/0, c06 58/1/70, c07 14/2/400.
    // R = ceil(5 × share with recency ≥ theirs): c02 1, c05 2, c06 3, c01 3, c07 4, c03 5, c04 5.
    // F = ceil(5 × share with orders ≤ theirs): 1 order 2, 2 orders 4, 3 and 4 orders 5.
    // M: c05 1, c02 2, c06 3, c04 3, c01 4, c03 5, c07 5. FM = (F + M)/2, halves rounded up.
    expect(await membersOf('rfm')).toEqual({
      c01: 'Loyal', // R3 FM5
      c02: 'At Risk', // R1 FM3
      c03: 'Champions', // R5 FM5
      c04: 'Champions', // R5 FM4
      c05: 'Hibernating', // R2 FM2
      c06: 'Need Attention', // R3 FM3
      c07: 'Champions', // R4 FM5
      c08: 'No Purchases',
    });
    // Average days between orders of the repeat buyers: 0 (c02), 27.67, 31, 45, 90 →
    // new ≤ 31 days since the first order, active ≤ 45, at risk ≤ 72, lapsed ≤ 144 days since the last.
    expect(await membersOf('lifecycle')).toEqual({
      c01: 'active',
      c02: 'lapsed',
      c03: 'active',
      c04: 'active',
      c05: 'at risk',
      c06: 'at risk',
      c07: 'active',
      c08: 'prospect',
    });
    expect(await membersOf('channel')).toMatchObject({ c07: 'unknown', c01: 'paid_search', c08: 'organic' });
    expect(await membersOf('value')).toMatchObject({ c07: 'Big', c03: 'Other', c08: 'Other' });
    // active = c01, c03, c04, c07: revenue 230 + 260 + 120 + 400, orders 3 + 2 + 4 + 2.
    const active = (await segmentsOf('lifecycle')).segments.find((s) => s.segment === 'active')!;
    expect(active.customers).toBe(4);
    expect(active.kpis['revenue']?.value).toBeCloseTo(1010, 9);
    expect(active.kpis['orders']?.value).toBe(11);
    expect(active.kpis['aov']?.value).toBeCloseTo(1010 / 11, 9);
    expect(active.kpis['repeat_rate']?.value).toBe(1);
    expect(active.kpis['share']?.value).toBeCloseTo(0.5, 12);
  });

  it('members --segment Champions --features revenue_365d returns only Champions, with the feature', async () => {
    const r = jsonOf<MembersJson>(
      await cli(
        'members',
        '--scheme',
        'rfm',
        '--segment',
        'Champions',
        '--features',
        'revenue_365d',
        '--json',
      ),
    );
    expect(r).toMatchObject({ scheme: 'rfm', segment: 'Champions' });
    expect(r.members).toEqual([
      { customer_id: 'c03', segment: 'Champions', revenue_365d: 260 },
      { customer_id: 'c04', segment: 'Champions', revenue_365d: 120 },
      { customer_id: 'c07', segment: 'Champions', revenue_365d: 400 },
    ]);
    const typo = await cli('members', '--scheme', 'rfm', '--segment', 'Champion', '--json');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean 'Champions'?");
  });

  it('segments --json has the CONTRACT shape, and --format csv parses to the same numbers', async () => {
    const t = await segmentsOf('rfm');
    expect(t).toMatchObject({ scheme: 'rfm', as_of: '2024-04-30' });
    expect(typeof t.snapshot_id).toBe('number');
    expect(t.segments.map((s) => s.segment)).toEqual([
      'Champions',
      'Loyal',
      'Potential Loyalist',
      'New',
      'Promising',
      'Need Attention',
      'About to Sleep',
      'At Risk',
      "Can't Lose Them",
      'Hibernating',
      'Lost',
      'No Purchases',
    ]);
    const nullableNumber = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));
    for (const s of t.segments) {
      expect(typeof s.segment).toBe('string');
      expect(Number.isInteger(s.customers)).toBe(true);
      expect(Array.isArray(s.flags)).toBe(true);
      for (const f of s.flags) {
        expect(['under', 'over']).toContain(f.direction);
        expect(typeof f.kpi).toBe('string');
        expect(f.p_value >= 0 && f.p_value <= 1).toBe(true);
      }
      expect(Object.keys(s.kpis)).toContain('customers');
      for (const [k, c] of Object.entries(s.kpis)) {
        expect(nullableNumber(c.value), `${s.segment} ${k}`).toBe(true);
        expect(nullableNumber(c.ci_low) && nullableNumber(c.ci_high), `${s.segment} ${k}`).toBe(true);
        // A KPI without an interval has both bounds null.
        expect(c.ci_low === null, `${s.segment} ${k}`).toBe(c.ci_high === null);
      }
      expect(s.kpis['customers']?.value).toBe(s.customers);
    }
    expect(t.segments.reduce((a, s) => a + s.customers, 0)).toBe(8);

    const picked = await segmentsOf('rfm', '--kpis', 'customers,revenue');
    for (const s of picked.segments) expect(Object.keys(s.kpis)).toEqual(['customers', 'revenue']);

    const csv = await cli('segments', '--scheme', 'rfm', '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout);
    // One column per name: the customers column holds the `customers` KPI.
    expect(header?.slice(0, 5)).toEqual(['segment', 'customers', 'share', 'share_ci_low', 'share_ci_high']);
    expect(new Set(header).size).toBe(header!.length);
    expect(header).toContain('revenue');
    expect(header?.[header.length - 1]).toBe('flags');
    expect(rows.map((r) => r[0])).toEqual([...t.segments.map((s) => s.segment), t.base.segment]);
    const col = (name: string) => header!.indexOf(name);
    for (const [i, s] of [...t.segments, t.base].entries()) {
      const row = rows[i]!;
      expect(row.length).toBe(header!.length);
      expect(Number(row[col('customers')])).toBe(s.customers);
      for (const k of ['revenue', 'aov', 'repeat_rate']) {
        const v = s.kpis[k]?.value ?? null;
        const text = row[col(k)]!;
        if (v === null) expect(text, `${s.segment} ${k}`).toBe('');
        else expect(Number(text), `${s.segment} ${k}`).toBeCloseTo(v, 9);
      }
    }
  });

  it('trend after backfill has one point per month, the month’s latest snapshot', async () => {
    const b = jsonOf<{ snapshots: { snapshot_id: number; as_of: string }[] }>(
      await cli('backfill', '--from', '2024-01-31', '--to', '2024-04-30', '--every', 'month', '--json'),
    );
    expect(b.snapshots.map((s) => s.as_of)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
    // A second April snapshot, earlier in the month: April is still one point, the 30th's.
    jsonOf(await cli('run', '--as-of', '2024-04-15', '--json'));
    const t = jsonOf<{
      kpi: string;
      scheme: string;
      series: { segment: string; points: { period: string; value: number | null; snapshot_id: number }[] }[];
    }>(await cli('trend', '--kpi', 'revenue', '--scheme', 'lifecycle', '--json'));
    expect(t).toMatchObject({ kpi: 'revenue', scheme: 'lifecycle' });
    expect(t.series.map((s) => s.segment)).toEqual([
      'prospect',
      'new',
      'active',
      'at risk',
      'lapsed',
      'churned',
    ]);
    const april = b.snapshots[3]!.snapshot_id;
    for (const s of t.series) {
      expect(
        s.points.map((p) => p.period.slice(0, 10)),
        s.segment,
      ).toEqual(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01']);
      expect(s.points[3]?.snapshot_id).toBe(april);
    }
    const active = t.series.find((s) => s.segment === 'active')!;
    expect(active.points[3]?.value).toBeCloseTo(1010, 9);
    // As of 31 January the segments share January's revenue, 100 + 20 + 30 + 200; c08 has no order.
    const jan = t.series.map((s) => s.points[0]?.value ?? 0);
    expect(jan.reduce((a, b) => a + b, 0)).toBeCloseTo(350, 9);
    expect(t.series.find((s) => s.segment === 'prospect')?.points[0]?.value).toBe(0);
  });

  it('cohorts --json matches the retention and revenue worked out by hand', async () => {
    // First completed order: January c01 c02 c03; February c04 c05; March c06 c07 (c06's first
    // attempt was cancelled). Months with a completed order, counted from the cohort's month:
    // January 0: all 3, 1: c01, 2: none (a cancellation, a refund), 3: c01 c03; February 0: both,
    // 1: c04, 2: c04; March 0: both, 1: c07.
    const retention = jsonOf<{ cohorts: { cohort: string; size: number; values: number[] }[] }>(
      await cli('cohorts', '--json'),
    );
    const close = (got: number[], want: number[]) => {
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
    };
    expect(retention.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['2024-01', 3],
      ['2024-02', 2],
      ['2024-03', 2],
    ]);
    close(retention.cohorts[0]!.values, [1, 1 / 3, 0, 2 / 3]);
    close(retention.cohorts[1]!.values, [1, 0.5, 0.5]);
    close(retention.cohorts[2]!.values, [1, 0.5]);
    const revenue = jsonOf<{ cohorts: { cohort: string; size: number; values: number[] }[] }>(
      await cli('cohorts', '--metric', 'revenue', '--json'),
    );
    close(revenue.cohorts[0]!.values, [350 / 3, 50 / 3, 0, 140 / 3]);
    close(revenue.cohorts[1]!.values, [20, 17.5, 22.5]);
    close(revenue.cohorts[2]!.values, [185, 50]);
  });

  it('a one-customer workspace: the customer is a Champion and new, with share 1 and no intervals', async () => {
    const dir = 'single';
    tmp.write(
      `${dir}/customers.csv`,
      'customer_id,created_at,acquisition_channel\nsolo,2024-05-01 08:00:00,email\n',
    );
    tmp.write(
      `${dir}/orders.csv`,
      'order_id,customer_id,ordered_at,revenue,status\nx1,solo,2024-05-02 09:00:00,42.5,completed\n',
    );
    const cfg = tmp.write(
      `${dir}/segtrack.yaml`,
      configLines('revenue_365d >= 300')
        .join('\n')
        .replace('workspace: ./shop.duckdb', 'workspace: ./single.duckdb')
        .replace('as_of: 2024-04-30', 'as_of: 2024-05-10'),
    );
    jsonOf(await runCli(['ingest', '--config', cfg, '--json']));
    const run = jsonOf<{ customers: number }>(await runCli(['run', '--config', cfg, '--json']));
    expect(run.customers).toBe(1);
    const one = async (scheme: string) => {
      const t = jsonOf<SegmentsJson>(
        await runCli(['segments', '--scheme', scheme, '--config', cfg, '--json']),
      );
      const filled = t.segments.filter((s) => s.customers > 0);
      expect(filled.length, scheme).toBe(1);
      expect(t.segments.reduce((a, s) => a + s.customers, 0)).toBe(1);
      return filled[0]!;
    };
    const champion = await one('rfm');
    expect(champion.segment).toBe('Champions');
    expect((await one('lifecycle')).segment).toBe('new');
    expect((await one('channel')).segment).toBe('email');
    expect((await one('value')).segment).toBe('Other');
    expect(champion.kpis['share']?.value).toBe(1);
    expect(champion.kpis['revenue']?.value).toBeCloseTo(42.5, 9);
    expect(champion.kpis['aov']).toMatchObject({ value: 42.5, ci_low: null, ci_high: null });
    expect(champion.kpis['aov']?.reason).toMatch(/too few customers for an interval \(n = 1\)/);
    expect(champion.kpis['historical_clv']).toMatchObject({ value: 42.5, ci_low: null, ci_high: null });
    expect(champion.kpis['repeat_rate']?.value).toBe(0);
  });
});

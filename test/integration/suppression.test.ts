/**
 * Small groups are suppressed in what segtrack prints (src/privacy/CONTEXT.md): `segments` (JSON,
 * CSV, table), `trend`, `cohorts` and `clusters`, on a real DuckDB workspace built through the
 * CLI from a hand-made shop of 50 customers whose segment, cohort and cluster sizes are chosen so
 * that each rule is exercised. The snapshots keep the true numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../helpers/csv.js';
import { jsonOf, runCli, yamlText } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const id = (i: number) => `c${String(i).padStart(2, '0')}`;
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => id(from + k));
const inList = (list: string[]) => `customer_id in (${list.map((c) => `'${c}'`).join(', ')})`;

/**
 * Customers c01…c50, each created on the day of their first order. First orders (the cohorts):
 * January c01–c30 (30), February c31–c42 (12), March c43–c48 (6), April c49–c50 (2).
 * Repeat orders of 1.00: c16–c30 in February (15 of January's cohort), c19–c22 in March (4).
 *
 * First-order revenue: the Tiny customers c01–c03 spend 1111.11, 2222.22 and 3333.33 (6666.66
 * together); the Medium customers 100 + i; everybody else 10 + i / 10. On log revenue, that is
 * three well separated groups for k-means: Tiny (3), Medium (15) and the rest (32).
 */
const TINY = ids(1, 3);
const SMALL = [...ids(4, 8), ...ids(31, 37)]; // 5 in January, 12 from February
const MEDIUM = [...ids(9, 18), ...ids(38, 42)]; // 10 in January, 15 from February
const TINY_REVENUE = [1111.11, 2222.22, 3333.33];

function firstOrderDate(i: number): string {
  if (i <= 30) return `2024-01-${String(2 + (i % 25)).padStart(2, '0')}`;
  if (i <= 42) return `2024-02-${String(1 + (i - 31)).padStart(2, '0')}`;
  if (i <= 48) return `2024-03-${String(1 + (i - 43) * 3).padStart(2, '0')}`;
  return `2024-04-${String(5 + (i - 49) * 5).padStart(2, '0')}`;
}

function shop(): { customers: string; orders: string } {
  const customers = ['customer_id,created_at,acquisition_channel'];
  const orders = ['order_id,customer_id,ordered_at,revenue,status'];
  let n = 0;
  const order = (c: string, at: string, revenue: number) =>
    orders.push(`o${String(++n).padStart(3, '0')},${c},${at} 12:00:00,${revenue.toFixed(2)},completed`);
  for (let i = 1; i <= 50; i++) {
    const c = id(i);
    const day = firstOrderDate(i);
    customers.push(`${c},${day} 09:00:00,email`);
    const revenue =
      i <= 3 ? TINY_REVENUE[i - 1]! : MEDIUM.includes(c) ? 100 + i : Math.round((10 + i / 10) * 100) / 100;
    order(c, day, revenue);
    if (i >= 16 && i <= 30) order(c, '2024-02-20', 1);
    if (i >= 19 && i <= 22) order(c, '2024-03-20', 1);
  }
  return { customers: customers.join('\n') + '\n', orders: orders.join('\n') + '\n' };
}

function config(minSegmentSize?: number): string {
  return yamlText({
    workspace: './shop.duckdb',
    as_of: '2024-04-30',
    sources: { customers: { file: 'customers.csv' }, orders: { file: 'orders.csv' } },
    segments: [
      {
        name: 'size',
        type: 'rules',
        rules: [
          { segment: 'Tiny', where: inList(TINY) },
          { segment: 'Small', where: inList(SMALL) },
          { segment: 'Medium', where: inList(MEDIUM) },
        ],
      },
      {
        name: 'pair',
        type: 'rules',
        default: 'Rest',
        rules: [
          { segment: 'A', where: inList(ids(1, 4)) },
          { segment: 'B', where: inList(ids(5, 10)) },
          { segment: 'Nobody', where: 'revenue_total < 0' },
        ],
      },
      {
        name: 'clusters',
        type: 'kmeans',
        features: [{ name: 'revenue_total', log1p: true, winsorize: false }],
        k: 3,
        n_init: 5,
      },
    ],
    ...(minSegmentSize !== undefined ? { privacy: { min_segment_size: minSegmentSize } } : {}),
  });
}

interface Cell {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ci_method?: string | null;
  available?: boolean;
  reason?: string | null;
}
interface Row {
  segment: string;
  customers: number | null;
  kpis: Record<string, Cell>;
  flags: unknown[];
  suppressed: boolean;
  suppression?: 'small' | 'complementary';
}
interface SegmentsJson {
  scheme: string;
  min_segment_size: number;
  segments: Row[];
  base: { segment: string; customers: number; kpis: Record<string, Cell> };
}

let tmp: TempDir;
let cfg: string;
const cli = (...args: string[]) => runCli([...args, '--config', cfg]);
const segmentsOf = async (scheme: string, configPath = cfg) =>
  jsonOf<SegmentsJson>(await runCli(['segments', '--scheme', scheme, '--json', '--config', configPath]));
const bySegment = (t: SegmentsJson) => Object.fromEntries(t.segments.map((s) => [s.segment, s]));

beforeAll(async () => {
  tmp = makeTempDir('segtrack-suppression-');
  const data = shop();
  tmp.write('customers.csv', data.customers);
  tmp.write('orders.csv', data.orders);
  cfg = tmp.write('segtrack.yaml', config());
  jsonOf(await cli('ingest', '--json'));
  const b = jsonOf<{ snapshots: { as_of: string }[] }>(
    await cli('backfill', '--from', '2024-01-31', '--to', '2024-04-30', '--every', 'month', '--json'),
  );
  expect(b.snapshots.map((s) => s.as_of)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
});
afterAll(() => tmp.remove());

describe('segtrack segments', () => {
  it('hides a 3-customer segment as small and the next smallest as complementary', async () => {
    const t = await segmentsOf('size');
    expect(t.min_segment_size).toBe(10);
    const s = bySegment(t);
    expect(t.segments.map((x) => [x.segment, x.customers, x.suppressed, x.suppression ?? null])).toEqual([
      ['Tiny', null, true, 'small'],
      ['Small', null, true, 'complementary'],
      ['Medium', 15, false, null],
      ['Other', 20, false, null],
    ]);
    // The base row stays, and only the hidden segments' total can be derived from it.
    expect(t.base.customers).toBe(50);
    for (const name of ['Tiny', 'Small']) {
      const row = s[name]!;
      expect(row.flags).toEqual([]);
      expect(Object.keys(row.kpis)).toEqual(Object.keys(s['Medium']!.kpis));
      for (const [k, c] of Object.entries(row.kpis)) {
        expect([c.value, c.ci_low, c.ci_high], `${name} ${k}`).toEqual([null, null, null]);
        expect(c.reason, `${name} ${k}`).toMatch(/^suppressed/);
      }
    }
    expect(s['Medium']!.kpis['customers']?.value).toBe(15);
    expect(s['Medium']!.kpis['revenue']?.value).toBeCloseTo(
      10 * 100 + (9 + 18) * 5 + 5 * 100 + (38 + 42) * 2.5 + 3,
      6,
    );
    // Nothing in the hidden rows gives their counts or money away.
    const tiny = JSON.stringify(s['Tiny']);
    for (const secret of ['6666.66', '2222.22', '1111.11', '3333.33', ':3,', ':3}', '0.06'])
      expect(tiny).not.toContain(secret);
    expect(JSON.stringify(s['Small'])).not.toMatch(/:12[,}]|0\.24/);
  });

  it('needs no complementary cell when two small segments reach the threshold together', async () => {
    const t = await segmentsOf('pair');
    expect(t.segments.map((x) => [x.segment, x.customers, x.suppression ?? null])).toEqual([
      ['A', null, 'small'],
      ['B', null, 'small'],
      // An empty segment describes nobody: shown as 0, never hidden.
      ['Nobody', 0, null],
      ['Rest', 40, null],
    ]);
    expect(bySegment(t)['Nobody']!.suppressed).toBe(false);
  });

  it('hides the numbers in CSV and says why, leaving the base row', async () => {
    const r = await cli('segments', '--scheme', 'size', '--format', 'csv');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header?.slice(0, 2)).toEqual(['segment', 'customers']);
    expect(header?.slice(-2)).toEqual(['suppression', 'flags']);
    const col = (name: string) => header!.indexOf(name);
    const row = (name: string) => rows.find((x) => x[0] === name)!;
    expect(row('Tiny')[col('suppression')]).toBe('suppressed (< 10)');
    expect(row('Small')[col('suppression')]).toBe('suppressed (complementary)');
    expect(row('Medium')[col('suppression')]).toBe('');
    for (const name of ['Tiny', 'Small']) {
      const fields = row(name);
      expect(fields.length).toBe(header!.length);
      // Every number cell is empty: only the name and the suppression note are left.
      expect(fields.filter((f) => f !== '')).toEqual([name, fields[col('suppression')]]);
    }
    expect(row('Tiny').join(',')).not.toMatch(/6666\.66|2222\.22/);
    expect(Number(row('Medium')[col('customers')])).toBe(15);
    expect(Number(row('All customers')[col('customers')])).toBe(50);
    expect(Number(row('All customers')[col('revenue')])).toBeGreaterThan(6666.66);
  });

  it('says so in the table', async () => {
    const r = await cli('segments', '--scheme', 'size', '--kpis', 'customers,revenue');
    expect(r.code, r.stderr).toBe(0);
    const line = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(`${name} `))!;
    expect(line('Tiny')).toMatch(/suppressed \(< 10\)\s*$/);
    expect(line('Small')).toMatch(/suppressed \(complementary\)\s*$/);
    expect(line('Medium')).toMatch(/\b15\b/);
    expect(r.stdout).not.toMatch(/6,666\.66|6666\.66/);
    expect(r.stdout).toContain('privacy.min_segment_size');
  });

  it('ranks suppressed segments last, by name, whatever their hidden value', async () => {
    const t = jsonOf<SegmentsJson>(await cli('segments', '--scheme', 'size', '--sort', 'revenue', '--json'));
    // Tiny has by far the highest revenue per customer but must not be placed by it.
    expect(t.segments.map((s) => s.segment)).toEqual(['Medium', 'Other', 'Small', 'Tiny']);
  });

  it('applies the threshold of the config at output time, over the stored snapshot', async () => {
    const at13 = tmp.write('at13.yaml', config(13));
    const t13 = await segmentsOf('size', at13);
    expect(t13.min_segment_size).toBe(13);
    // 3 + 12 = 15 ≥ 13 over two cells: no complementary cell, Small is now small itself.
    expect(t13.segments.map((x) => [x.segment, x.suppression ?? null])).toEqual([
      ['Tiny', 'small'],
      ['Small', 'small'],
      ['Medium', null],
      ['Other', null],
    ]);
    const off = tmp.write('off.yaml', config(1));
    const all = bySegment(await segmentsOf('size', off));
    expect(all['Tiny']?.customers).toBe(3);
    expect(all['Tiny']?.suppressed).toBe(false);
    expect(all['Tiny']?.kpis['revenue']?.value).toBeCloseTo(6666.66, 6);
    // The workspace itself keeps the true counts.
    const engine = await openWorkspace(tmp.path('shop.duckdb'));
    try {
      const stored = await engine.query<{ customers: number }>(
        `SELECT customers FROM snapshot_segments WHERE scheme = 'size' AND segment = 'Tiny'`,
      );
      expect(stored.map((x) => Number(x.customers))).toEqual([3, 3, 3, 3]);
    } finally {
      await engine.close();
    }
  });
});

describe('segtrack trend', () => {
  interface TrendJson {
    min_segment_size: number;
    series: {
      segment: string;
      points: {
        period: string;
        value: number | null;
        ci_low: number | null;
        suppressed: boolean;
        suppression?: string;
      }[];
    }[];
  }

  it('suppresses per snapshot, with complementary cells across the scheme', async () => {
    const t = jsonOf<TrendJson>(await cli('trend', '--kpi', 'customers', '--scheme', 'size', '--json'));
    expect(t.min_segment_size).toBe(10);
    const at = (segment: string, month: string) =>
      t.series.find((s) => s.segment === segment)!.points.find((p) => p.period.startsWith(month))!;
    // 31 January: Tiny 3 and Small 5 are small, 8 < 10 together, so the next smallest (Medium, 10)
    // is hidden too; Other (12) is shown.
    expect(at('Tiny', '2024-01')).toMatchObject({ value: null, suppressed: true, suppression: 'small' });
    expect(at('Small', '2024-01')).toMatchObject({ value: null, suppressed: true, suppression: 'small' });
    expect(at('Medium', '2024-01')).toMatchObject({
      value: null,
      suppressed: true,
      suppression: 'complementary',
    });
    expect(at('Other', '2024-01')).toMatchObject({ value: 12, suppressed: false });
    // 30 April: Tiny 3 small, Small 12 the complementary cell; Medium 15 and Other 20 shown.
    expect(at('Small', '2024-04')).toMatchObject({ value: null, suppression: 'complementary' });
    expect(at('Medium', '2024-04')).toMatchObject({ value: 15, suppressed: false });
    expect(at('Other', '2024-04')).toMatchObject({ value: 20, suppressed: false });
    for (const s of t.series)
      for (const p of s.points) {
        if (p.suppressed) expect([p.value, p.ci_low]).toEqual([null, null]);
        else expect(p.value).toBeGreaterThanOrEqual(10);
      }
  });

  it('hides revenue points in CSV and says why', async () => {
    const r = await cli('trend', '--kpi', 'revenue', '--scheme', 'size', '--format', 'csv');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header).toEqual(['segment', 'period', 'value', 'ci_low', 'ci_high', 'snapshot_id', 'suppression']);
    const tiny = rows.filter((x) => x[0] === 'Tiny');
    expect(tiny.length).toBe(4);
    for (const x of tiny) {
      expect(x[2]).toBe('');
      expect(x[6]).toBe('suppressed (< 10)');
    }
    expect(r.stdout).not.toMatch(/6666\.6/);
  });
});

describe('segtrack cohorts', () => {
  interface CohortsJson {
    min_segment_size: number;
    cohorts: {
      cohort: string;
      size: number | null;
      values: (number | null)[];
      suppressed: boolean;
      suppression?: string;
      suppressed_periods: number[];
    }[];
  }

  it('hides small cohorts, the complementary one, and periods with 1…9 active customers', async () => {
    const r = jsonOf<CohortsJson>(await cli('cohorts', '--json'));
    expect(r.min_segment_size).toBe(10);
    // Sizes 30, 12, 6, 2: March and April are small, 6 + 2 = 8 < 10, so February (12) is hidden too.
    expect(r.cohorts.map((c) => [c.cohort, c.size, c.suppression ?? null])).toEqual([
      ['2024-01', 30, null],
      ['2024-02', null, 'complementary'],
      ['2024-03', null, 'small'],
      ['2024-04', null, 'small'],
    ]);
    // January: everyone in period 0, 15 of 30 in February, 4 in March (hidden), nobody in April (0).
    expect(r.cohorts[0]!.values).toEqual([1, 0.5, null, 0]);
    expect(r.cohorts[0]!.suppressed_periods).toEqual([2]);
    for (const c of r.cohorts.slice(1)) {
      expect(c.suppressed).toBe(true);
      expect(c.values.every((v) => v === null)).toBe(true);
      expect(c.suppressed_periods).toEqual(c.values.map((_, k) => k));
    }
    const revenue = jsonOf<CohortsJson>(await cli('cohorts', '--metric', 'revenue', '--json'));
    expect(revenue.cohorts[0]!.values[2]).toBeNull();
    expect(revenue.cohorts[0]!.values[1]).toBeCloseTo(15 / 30, 12);
    expect(revenue.cohorts[1]!.values.every((v) => v === null)).toBe(true);
  });

  it('hides the same in CSV', async () => {
    const r = await cli('cohorts', '--format', 'csv');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header).toEqual(['cohort', 'size', 'p0', 'p1', 'p2', 'p3', 'suppression', 'suppressed_periods']);
    expect(rows.map((x) => [x[0], x[1], x[6]])).toEqual([
      ['2024-01', '30', ''],
      ['2024-02', '', 'suppressed (complementary)'],
      ['2024-03', '', 'suppressed (< 10)'],
      ['2024-04', '', 'suppressed (< 10)'],
    ]);
    expect(rows[0]!.slice(2, 6)).toEqual(['1', '0.5', '', '0']);
    expect(rows[0]![7]).toBe('2');
    for (const x of rows.slice(1)) expect(x.slice(1, 6).every((f) => f === '')).toBe(true);
  });
});

describe('segtrack clusters', () => {
  interface ClustersJson {
    customers: number;
    min_segment_size: number;
    clusters: {
      id: number;
      name: string;
      customers: number | null;
      share: number | null;
      centroid: number[] | null;
      profile: { feature: string; mean: number | null; median: number | null; base_mean: number | null }[];
      kpis: Record<string, Cell>;
      flags: unknown[];
      suppressed: boolean;
      suppression?: string;
    }[];
  }

  it('hides the 3-customer cluster and the next smallest, like segments does', async () => {
    const j = jsonOf<ClustersJson>(await cli('clusters', '--scheme', 'clusters', '--json'));
    expect(j.customers).toBe(50);
    const bySize = [...j.clusters].sort((a, b) => (a.customers ?? 0) - (b.customers ?? 0));
    expect(j.clusters.filter((c) => !c.suppressed).map((c) => c.customers)).toEqual([32]);
    expect(j.clusters.map((c) => c.suppression ?? null).sort()).toEqual(
      ['complementary', 'small', null].sort(),
    );
    for (const c of j.clusters.filter((x) => x.suppressed)) {
      expect([c.customers, c.share, c.centroid]).toEqual([null, null, null]);
      expect(c.flags).toEqual([]);
      for (const p of c.profile) expect([p.mean, p.median]).toEqual([null, null]);
      for (const k of Object.values(c.kpis)) expect(k.value).toBeNull();
      expect(JSON.stringify(c)).not.toMatch(/6666\.6|2222\.22/);
    }
    expect(bySize[2]!.kpis['customers']?.value).toBe(32);
    // The same decision as `segtrack segments` on the scheme.
    const t = await segmentsOf('clusters');
    expect(Object.fromEntries(t.segments.map((s) => [s.segment, s.suppression ?? null]))).toEqual(
      Object.fromEntries(j.clusters.map((c) => [c.name, c.suppression ?? null])),
    );
    const text = await cli('clusters', '--scheme', 'clusters');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('suppressed (< 10)');
    expect(text.stdout).toContain('suppressed (complementary)');
  });
});

/**
 * `segtrack migration` through the CLI on a hand-made shop where everybody's move is known: a
 * rules scheme on revenue to date (Gold ≥ 100, Silver ≥ 20, else Bronze), snapshots as of
 * 2024-03-31 and 2024-06-30, orders in May that lift some customers a tier, new customers in May
 * and June, and one Silver customer erased after both snapshots. The exact matrix (with
 * `min_segment_size: 1`), the suppressed one (default 10, with a complementary cell and a cell
 * that closes a cycle), "who moved and why", and the errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../helpers/csv.js';
import { jsonOf, runCli, yamlText } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import type { MigrationCell, MigrationReport } from '../../src/tracking/migration.js';
import type { MoversReport } from '../../src/tracking/migration-movers.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

/**
 * Groups: id prefix, count, created, orders [date, revenue]. Revenue to date on 2024-03-31 and
 * 2024-06-30 decides the tier at each snapshot.
 */
const GROUPS: { prefix: string; n: number; created: string; orders: [string, number][] }[] = [
  { prefix: 'bb', n: 40, created: '2024-01-01', orders: [['2024-01-15', 10]] }, // Bronze → Bronze
  {
    prefix: 'bs',
    n: 25,
    created: '2024-01-01',
    orders: [
      ['2024-01-15', 10],
      ['2024-05-15', 15],
    ],
  }, // Bronze → Silver
  {
    prefix: 'bg',
    n: 3,
    created: '2024-01-01',
    orders: [
      ['2024-01-15', 10],
      ['2024-05-15', 200],
    ],
  }, // Bronze → Gold
  { prefix: 'ss', n: 30, created: '2024-01-01', orders: [['2024-02-15', 30]] }, // Silver → Silver (ss30 erased)
  {
    prefix: 'sg',
    n: 20,
    created: '2024-01-01',
    orders: [
      ['2024-02-15', 30],
      ['2024-05-15', 100],
    ],
  }, // Silver → Gold
  { prefix: 'gg', n: 25, created: '2024-01-01', orders: [['2024-02-15', 150]] }, // Gold → Gold
  { prefix: 'nb', n: 15, created: '2024-05-01', orders: [['2024-06-10', 10]] }, // (new) → Bronze
  { prefix: 'ns', n: 12, created: '2024-05-01', orders: [['2024-06-10', 40]] }, // (new) → Silver
];
const ERASED_ID = 'ss30';

function shop(): { customers: string; orders: string } {
  const customers = ['customer_id,created_at,acquisition_channel'];
  const orders = ['order_id,customer_id,ordered_at,revenue,status'];
  let n = 0;
  for (const g of GROUPS)
    for (let i = 1; i <= g.n; i++) {
      const id = `${g.prefix}${String(i).padStart(2, '0')}`;
      customers.push(`${id},${g.created} 09:00:00,email`);
      for (const [day, revenue] of g.orders)
        orders.push(`o${String(++n).padStart(4, '0')},${id},${day} 12:00:00,${revenue.toFixed(2)},completed`);
    }
  return { customers: customers.join('\n') + '\n', orders: orders.join('\n') + '\n' };
}

function config(minSegmentSize?: number): string {
  return yamlText({
    workspace: './shop.duckdb',
    sources: { customers: { file: 'customers.csv' }, orders: { file: 'orders.csv' } },
    segments: [
      {
        name: 'tier',
        type: 'rules',
        default: 'Bronze',
        rules: [
          { segment: 'Gold', where: 'revenue_total >= 100' },
          { segment: 'Silver', where: 'revenue_total >= 20' },
        ],
      },
    ],
    ...(minSegmentSize !== undefined ? { privacy: { min_segment_size: minSegmentSize } } : {}),
  });
}

let tmp: TempDir;
let cfg: string;
let exact: string;
const cli = (configPath: string, ...args: string[]) => runCli([...args, '--config', configPath]);
const migration = async (configPath: string, ...args: string[]) =>
  jsonOf<MigrationReport & { movers?: MoversReport }>(
    await cli(configPath, 'migration', '--scheme', 'tier', '--json', ...args),
  );
/** `{"from→to": customers}` of every cell (the flow says which are the special rows and columns). */
const counts = (m: MigrationReport) =>
  Object.fromEntries(m.matrix.map((c) => [`${c.from}→${c.to}`, c.customers]));
const cell = (m: MigrationReport, from: string, to: string): MigrationCell => {
  const c = m.matrix.find((x) => x.from === from && x.to === to);
  expect(c, `${from}→${to}`).toBeDefined();
  return c!;
};

beforeAll(async () => {
  tmp = makeTempDir('segtrack-migration-');
  const data = shop();
  tmp.write('customers.csv', data.customers);
  tmp.write('orders.csv', data.orders);
  cfg = tmp.write('segtrack.yaml', config());
  exact = tmp.write('exact.yaml', config(1));
  jsonOf(await cli(cfg, 'ingest', '--json'));
  // Only one snapshot so far: a migration needs two.
  jsonOf(await cli(cfg, 'run', '--as-of', '2024-03-31', '--json'));
  const one = await cli(cfg, 'migration', '--scheme', 'tier');
  expect(one.code, one.stderr).toBe(2);
  expect(one.stderr).toContain('no_earlier_snapshot');
  jsonOf(await cli(cfg, 'run', '--as-of', '2024-06-30', '--json'));
  const erased = jsonOf<{ erased: number }>(await cli(cfg, 'forget', '--customer', ERASED_ID, '--json'));
  expect(erased.erased).toBe(1);
});
afterAll(() => tmp.remove());

describe('segtrack migration: the exact matrix', () => {
  it('counts every customer once per row and per column, with entries, exits and the erased', async () => {
    const m = await migration(exact);
    expect(m.scheme).toBe('tier');
    expect([m.from_snapshot.snapshot_id, m.from_snapshot.as_of]).toEqual([1, '2024-03-31']);
    expect([m.to_snapshot.snapshot_id, m.to_snapshot.as_of]).toEqual([2, '2024-06-30']);
    expect(m.to_snapshot.kpi_period).toEqual({ start: '2023-07-01', end: '2024-06-30', days: 365 });
    expect(m.min_segment_size).toBe(1);
    expect(counts(m)).toEqual({
      'Gold→Gold': 25,
      'Gold→Silver': 0,
      'Gold→Bronze': 0,
      'Gold→(gone)': 0,
      'Silver→Gold': 20,
      'Silver→Silver': 29,
      'Silver→Bronze': 0,
      // ss30, erased after both snapshots: their membership is gone, so they leave Silver…
      'Silver→(gone)': 1,
      'Bronze→Gold': 3,
      'Bronze→Silver': 25,
      'Bronze→Bronze': 40,
      'Bronze→(gone)': 0,
      '(new)→Gold': 0,
      '(new)→Silver': 12,
      '(new)→Bronze': 15,
      // …and Silver's size in the later snapshot counts them in a row of their own.
      '(erased)→Gold': 0,
      '(erased)→Silver': 1,
      '(erased)→Bronze': 0,
    });
    expect(cell(m, 'Silver', '(gone)').flow).toBe('exit');
    expect(cell(m, '(new)', 'Silver').flow).toBe('entry');
    expect(cell(m, '(erased)', 'Silver').flow).toBe('erased');
    expect(cell(m, 'Bronze', 'Silver').flow).toBe('move');
    expect(cell(m, 'Gold', 'Gold').flow).toBe('stay');
    expect(m.matrix.every((c) => !c.suppressed)).toBe(true);
    // The margins are the stored sizes, and the cells add up to them.
    expect(m.from_segments.map((s) => [s.segment, s.customers])).toEqual([
      ['Gold', 25],
      ['Silver', 50],
      ['Bronze', 68],
    ]);
    expect(m.to_segments.map((s) => [s.segment, s.customers])).toEqual([
      ['Gold', 48],
      ['Silver', 67],
      ['Bronze', 55],
    ]);
    for (const s of m.from_segments)
      expect(
        m.matrix.filter((c) => c.from === s.segment && c.flow !== 'entry' && c.flow !== 'erased'),
      ).toHaveLength(4);
  });

  it('gives each cell the revenue of its customers in both KPI periods; nothing for the erased', async () => {
    const m = await migration(exact);
    const revenue = (from: string, to: string) => {
      const c = cell(m, from, to);
      return [c.revenue, c.revenue_before];
    };
    expect(revenue('Gold', 'Gold')).toEqual([3750, 3750]);
    expect(revenue('Silver', 'Gold')).toEqual([2600, 600]);
    expect(revenue('Silver', 'Silver')).toEqual([870, 870]);
    expect(revenue('Bronze', 'Gold')).toEqual([630, 30]);
    expect(revenue('Bronze', 'Silver')).toEqual([625, 250]);
    expect(revenue('Bronze', 'Bronze')).toEqual([400, 400]);
    expect(revenue('(new)', 'Silver')).toEqual([480, 0]);
    expect(revenue('(new)', 'Bronze')).toEqual([150, 0]);
    expect(revenue('Gold', 'Bronze')).toEqual([0, 0]);
    // The erased customer's orders are deleted: no figure, rather than a false 0.
    expect(revenue('Silver', '(gone)')).toEqual([null, null]);
    expect(revenue('(erased)', 'Silver')).toEqual([null, null]);
    // No models ran: no predicted CLV.
    expect(m.predicted_clv).toBe(false);
    expect(m.matrix.some((c) => 'predicted_clv' in c)).toBe(false);
  });

  it('matches the snapshots’ stored revenue KPI per column, short of the erased customer’s 30', async () => {
    const m = await migration(exact);
    const stored = jsonOf<{ segments: { segment: string; kpis: { revenue: { value: number } } }[] }>(
      await cli(exact, 'segments', '--scheme', 'tier', '--snapshot', '2', '--kpis', 'revenue', '--json'),
    );
    for (const s of stored.segments) {
      const column = m.matrix
        .filter((c) => c.to === s.segment && c.flow !== 'exit')
        .reduce((a, c) => a + (c.revenue ?? 0), 0);
      expect(column + (s.segment === 'Silver' ? 30 : 0), s.segment).toBeCloseTo(s.kpis.revenue.value, 6);
    }
  });

  it('defaults to the previous and the latest snapshot, and takes them explicitly', async () => {
    expect(counts(await migration(exact, '--from', '1', '--to', '2'))).toEqual(
      counts(await migration(exact)),
    );
    expect(counts(await migration(exact, '--to', '2'))).toEqual(counts(await migration(exact)));
  });
});

describe('segtrack migration: suppression', () => {
  it('hides small cells, their complements and the cell closing a cycle, with the default threshold 10', async () => {
    const m = await migration(cfg);
    expect(m.min_segment_size).toBe(10);
    const hidden = Object.fromEntries(
      m.matrix.filter((c) => c.suppressed).map((c) => [`${c.from}→${c.to}`, c.suppression]),
    );
    expect(hidden).toEqual({
      // Row Silver: the 1 gone customer, and Silver→Gold (the smaller shown cell) with it.
      'Silver→(gone)': 'small',
      'Silver→Gold': 'complementary',
      // Row Bronze: the 3 Bronze→Gold, and Bronze→Silver (25, smaller than Bronze→Bronze's 40).
      'Bronze→Gold': 'small',
      'Bronze→Silver': 'complementary',
      '(erased)→Silver': 'small',
      // The hidden cells then formed a chain that the totals would unravel (Gold column 48 −
      // Gold→Gold 25 = 23 = Silver→Gold + Bronze→Gold, Silver row 50 = Silver→Gold + 29 + 1):
      // Silver→Silver closes a cycle.
      'Silver→Silver': 'complementary',
    });
    for (const c of m.matrix.filter((x) => x.suppressed)) {
      expect([c.customers, c.revenue, c.revenue_before]).toEqual([null, null, null]);
      expect(c.suppression).toBeDefined();
    }
    // Shown cells keep their figures.
    expect(cell(m, 'Bronze', 'Bronze')).toMatchObject({ customers: 40, revenue: 400, suppressed: false });
    expect(cell(m, '(new)', 'Silver')).toMatchObject({ customers: 12, revenue: 480, suppressed: false });
    expect(cell(m, 'Gold', 'Gold').customers).toBe(25);
    // Margins are shown as `segtrack segments` shows them (none is small here).
    expect(m.from_segments.every((s) => !s.suppressed)).toBe(true);
  });

  it('prints the suppression in CSV and in the table', async () => {
    const csv = await cli(cfg, 'migration', '--scheme', 'tier', '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    const rows = parseCsv(csv.stdout);
    expect(rows[0]).toEqual(['from', 'to', 'flow', 'customers', 'revenue', 'revenue_before', 'suppression']);
    const bg = rows.find((r) => r[0] === 'Bronze' && r[1] === 'Gold')!;
    expect(bg.slice(3)).toEqual(['', '', '', 'suppressed (< 10)']);
    const ss = rows.find((r) => r[0] === 'Silver' && r[1] === 'Silver')!;
    expect(ss.slice(3)).toEqual(['', '', '', 'suppressed (complementary)']);
    const bb = rows.find((r) => r[0] === 'Bronze' && r[1] === 'Bronze')!;
    expect(bb.slice(3)).toEqual(['40', '400', '400', '']);

    const table = await cli(cfg, 'migration', '--scheme', 'tier');
    expect(table.code, table.stderr).toBe(0);
    const text = table.stdout;
    expect(text).toContain('snapshot 1 (2024-03-31) → snapshot 2 (2024-06-30)');
    const bronze = text.split('\n').find((l) => l.startsWith('Bronze '))!;
    // Gold, Silver, Bronze, (gone), total.
    expect(bronze.split(/\s{2,}/)).toEqual(['Bronze', '< 10', '(hidden)', '40', '0', '68']);
    expect(text).toContain('Entries (new customers, not in snapshot 1): Silver 12, Bronze 15');
    expect(text).toContain('Exits (not in snapshot 2: left the base, or erased): Silver < 10');
    expect(text).toContain('suppressed (complementary)');
  });
});

describe('segtrack migration: who moved and why', () => {
  it('compares the movers’ feature changes with the stayers’, hiding the suppressed count', async () => {
    const m = await migration(cfg, '--from-segment', 'Bronze', '--to-segment', 'Silver', '--top', '40');
    const r = m.movers!;
    expect(r.from_segment).toBe('Bronze');
    expect(r.to_segment).toBe('Silver');
    // Bronze→Silver is a complementary cell: its count stays hidden, its 25 customers are profiled.
    expect(r.movers).toBeNull();
    expect(r.stayers).toBe(40);
    expect(r.compared_with).toBe('stayers');
    expect(r.basis).toContain('rebuilt as of 2024-03-31 and 2024-06-30');
    const f = Object.fromEntries(r.features.map((x) => [x.feature, x]));
    // Each mover ordered once more (15.00) in May; the stayers did nothing.
    expect(f['revenue_total']).toMatchObject({
      movers_from: 10,
      movers_to: 25,
      movers_change: 15,
      stayers_change: 0,
    });
    expect(f['revenue_total']!.std_change!).toBeGreaterThan(0.5);
    // Their last order moved from 2024-01-15 to 2024-05-15: recency fell 30 days while the
    // stayers' grew by 91.
    expect(f['recency_days']).toMatchObject({ movers_change: -30, stayers_change: 91 });
    expect(f['recency_days']!.std_change!).toBeLessThan(-0.5);
    // Ranked by |std_change|: first the revenue of the last 90 days (+5 for the movers, −10 for
    // the stayers, whose January order left the window), then recency.
    expect(r.features.slice(0, 2).map((x) => x.feature)).toEqual(['revenue_90d', 'recency_days']);
    expect(f['orders_total']).toMatchObject({ movers_change: 1, stayers_change: 0 });
    expect(r.features.length).toBeGreaterThan(10);
    const sizes = r.features.map((x) => Number(Math.abs(x.std_change!).toPrecision(10)));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // The scratch feature tables are gone again.
    const engine = await openWorkspace(tmp.path('shop.duckdb'), { mustExist: true });
    try {
      const left = await engine.query(
        `SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%segtrack_migration%'`,
      );
      expect(left).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('gives no profile of fewer than min_segment_size movers', async () => {
    const r = (await migration(cfg, '--from-segment', 'Bronze', '--to-segment', 'Gold')).movers!;
    expect(r.features).toEqual([]);
    expect(r.movers).toBeNull();
    expect(r.notes.join(' ')).toContain('fewer than 10 customers moved from Bronze to Gold');
  });

  it('prints the movers’ table and their CSV', async () => {
    const table = await cli(
      cfg,
      'migration',
      '--scheme',
      'tier',
      '--from-segment',
      'Silver',
      '--to-segment',
      'Gold',
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(
      'Who moved from Silver to Gold (number suppressed), against those who stayed in Silver (number suppressed)',
    );
    expect(table.stdout).toMatch(/revenue_total\s+30\s+130\s+30\s+30\s+\+/);
    const json = await migration(cfg, '--from-segment', 'Silver', '--to-segment', 'Gold');
    expect(json.movers!.features).toHaveLength(10); // the default --top
    const csv = await cli(
      cfg,
      'migration',
      '--scheme',
      'tier',
      '--from-segment',
      'Silver',
      '--to-segment',
      'Gold',
      '--format',
      'csv',
      '--top',
      '3',
    );
    const rows = parseCsv(csv.stdout);
    expect(rows[0]).toEqual([
      'feature',
      'movers_from',
      'movers_to',
      'movers_change',
      'stayers_from',
      'stayers_to',
      'stayers_change',
      'std_change',
      'std_from',
    ]);
    expect(rows).toHaveLength(4);
  });
});

describe('segtrack migration: errors', () => {
  const fails = async (args: string[], code: string, text: string) => {
    const r = await cli(cfg, 'migration', ...args);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain(`[${code}]`);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  };

  it('says what is wrong, with a hint', async () => {
    await fails(['--scheme', 'tire'], 'unknown_scheme', "did you mean 'tier'?");
    await fails(
      ['--scheme', 'tier', '--from', '7'],
      'unknown_snapshot',
      'snapshots with scheme tier: 1 (2024-03-31), 2 (2024-06-30)',
    );
    await fails(
      ['--scheme', 'tier', '--from', '2', '--to', '1'],
      'snapshots_reversed',
      'swap --from and --to',
    );
    await fails(['--scheme', 'tier', '--from', '2', '--to', '2'], 'same_snapshot', 'two different snapshots');
    await fails(['--scheme', 'tier', '--to', '1'], 'no_earlier_snapshot', 'segtrack backfill');
    await fails(['--scheme', 'tier', '--from', 'x'], 'bad_flag', '--from must be a whole number');
    await fails(
      ['--scheme', 'tier', '--from-segment', 'Bronz', '--to-segment', 'Silvr'],
      'unknown_segment',
      "did you mean 'Silver'?",
    );
    await fails(
      ['--scheme', 'tier', '--from-segment', 'Bronze'],
      'bad_flag',
      '--from-segment needs --to-segment',
    );
    await fails(
      ['--scheme', 'tier', '--from-segment', 'Bronze', '--to-segment', 'Bronze'],
      'same_segment',
      'choose the segment they moved to',
    );
  });
});

describe('segtrack migration: predicted CLV', () => {
  it('sums the current feature table’s predicted_clv per cell once the table is scored', async () => {
    // A scored table as a model run leaves it, with made-up scores: twice the revenue to date.
    const engine = await openWorkspace(tmp.path('shop.duckdb'), { mustExist: true });
    try {
      await engine.exec(`ALTER TABLE features ADD COLUMN predicted_clv DOUBLE`);
      await engine.exec(`UPDATE features SET predicted_clv = 2 * revenue_total WHERE customer_id <> 'gg01'`);
    } finally {
      await engine.close();
    }
    const m = await migration(exact);
    expect(m.predicted_clv).toBe(true);
    const clv = (from: string, to: string) => cell(m, from, to).predicted_clv;
    // gg01 has no score: the cell sums the 24 others.
    expect(clv('Gold', 'Gold')).toBe(24 * 300);
    expect(clv('Bronze', 'Silver')).toBe(25 * 50);
    expect(clv('Bronze', 'Gold')).toBe(3 * 420);
    expect(clv('(new)', 'Silver')).toBe(12 * 80);
    expect(clv('Gold', 'Bronze')).toBe(0);
    expect(clv('Silver', '(gone)')).toBeNull();
    expect(clv('(erased)', 'Silver')).toBeNull();
    // Suppressed with the rest of the cell.
    const hidden = await migration(cfg);
    expect(cell(hidden, 'Silver', 'Gold')).toMatchObject({ predicted_clv: null, suppressed: true });
    expect(cell(hidden, 'Bronze', 'Bronze').predicted_clv).toBe(40 * 20);
    const csv = parseCsv((await cli(cfg, 'migration', '--scheme', 'tier', '--format', 'csv')).stdout);
    expect(csv[0]).toContain('predicted_clv');
    const table = (await cli(cfg, 'migration', '--scheme', 'tier')).stdout;
    expect(table).toContain('Predicted CLV');
  });
});

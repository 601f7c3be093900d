/**
 * The Online Retail example (examples/online-retail) end to end through the command line: ingest
 * with the shipped config, `segtrack run` as of 2011-12-09, then the RFM and lifecycle segments a
 * new user sees. The totals are checked against an independent reading of the raw file in plain
 * TypeScript (gunzip and the test CSV reader, no DuckDB); the per-segment figures are the ones
 * shown in examples/online-retail/README.md ("Segments and KPIs").
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { eachCsvRecord } from '../helpers/csv.js';
import { jsonOf, runCli, yamlText } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { Sum } from '../helpers/compensated-sum.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/online-retail/', import.meta.url));
const DATA = `${EXAMPLE}data/online_retail.csv.gz`;
const AS_OF = '2011-12-09';
/** P: the 365 days ending on the as-of day, as InvoiceDate text bounds. */
const P_START = '2010-12-10 00:00:00';
const P_END = '2011-12-10 00:00:00';

/**
 * From the raw lines with a CustomerID: one order per invoice (time = its first line), completed
 * unless the number starts with C. Returns the customers, those without a completed invoice, and
 * the completed invoices of P with their revenue.
 */
function reference(): { customers: number; withoutPurchase: number; ordersP: number; revenueP: number } {
  const text = gunzipSync(readFileSync(DATA)).toString('utf8');
  const col: Record<string, number> = {};
  const invoices = new Map<string, { customer: string; at: string; amount: Sum }>();
  eachCsvRecord(text, (f) => {
    if (Object.keys(col).length === 0) {
      f.forEach((name, i) => (col[name] = i));
      return;
    }
    const customer = (f[col['CustomerID']!] ?? '').trim();
    if (customer === '') return;
    const id = f[col['InvoiceNo']!]!;
    const at = f[col['InvoiceDate']!]!;
    const inv = invoices.get(id) ?? { customer, at, amount: new Sum() };
    if (at < inv.at) inv.at = at;
    inv.amount.add(Number(f[col['Quantity']!]) * Number(f[col['UnitPrice']!]));
    invoices.set(id, inv);
  });
  const customers = new Set<string>();
  const buyers = new Set<string>();
  let ordersP = 0;
  const revenueP = new Sum();
  for (const [id, inv] of invoices) {
    customers.add(inv.customer);
    if (id.startsWith('C')) continue;
    buyers.add(inv.customer);
    if (inv.at >= P_START && inv.at < P_END) {
      ordersP++;
      revenueP.add(inv.amount.value);
    }
  }
  return {
    customers: customers.size,
    withoutPurchase: customers.size - buyers.size,
    ordersP,
    revenueP: revenueP.value,
  };
}

interface Cell {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
}
interface SegmentsJson {
  segments: { segment: string; customers: number; kpis: Record<string, Cell> }[];
  base: { customers: number; kpis: Record<string, Cell> };
}

let tmp: TempDir;
let config: string;
let ref: ReturnType<typeof reference>;
let run: { as_of: string; customers: number; schemes: string[] };
let thresholds: Record<string, number>;
let derivedFrom: string;
const tables = new Map<string, SegmentsJson>();
const members = new Map<string, { customer_id: string; segment: string }[]>();

beforeAll(async () => {
  tmp = makeTempDir('segtrack-online-retail-segments-');
  // The example's config as shipped, with its data path made absolute and a workspace of our own.
  const shipped = parse(readFileSync(`${EXAMPLE}segtrack.yaml`, 'utf8')) as {
    workspace?: string;
    as_of?: string;
    sources: Record<string, { file: string }>;
  };
  expect(shipped.as_of).toBe(AS_OF);
  for (const source of Object.values(shipped.sources)) source.file = DATA;
  shipped.workspace = tmp.path('segtrack.duckdb');
  config = tmp.write('segtrack.yaml', yamlText(shipped));
  jsonOf(await runCli(['ingest', '--config', config, '--json']));
  run = jsonOf(await runCli(['run', '--config', config, '--json']));
  for (const scheme of ['rfm', 'lifecycle']) {
    tables.set(scheme, jsonOf(await runCli(['segments', '--scheme', scheme, '--config', config, '--json'])));
    members.set(
      scheme,
      jsonOf<{ members: { customer_id: string; segment: string }[] }>(
        await runCli(['members', '--scheme', scheme, '--config', config, '--json']),
      ).members,
    );
  }
  const engine = await openWorkspace(shipped.workspace, { mustExist: true });
  try {
    const [row] = await engine.query<{ meta: string }>(
      `SELECT meta FROM snapshot_schemes WHERE scheme = 'lifecycle' ORDER BY snapshot_id DESC LIMIT 1`,
    );
    const meta = JSON.parse(row!.meta) as { thresholds_days: Record<string, number>; derived_from: string };
    thresholds = meta.thresholds_days;
    derivedFrom = meta.derived_from;
  } finally {
    await engine.close();
  }
  ref = reference();
});
afterAll(() => tmp.remove());

/** Segment → [customers, revenue in P] of a scheme. */
const figures = (scheme: string) =>
  Object.fromEntries(
    tables.get(scheme)!.segments.map((s) => [s.segment, [s.customers, s.kpis['revenue']?.value ?? null]]),
  );

describe('Online Retail: segments and KPIs as of 2011-12-09', () => {
  it('puts all 4,372 customers in exactly one RFM and one lifecycle segment', () => {
    expect(run).toMatchObject({ as_of: AS_OF, customers: 4372, schemes: ['rfm', 'lifecycle', 'country'] });
    expect(ref.customers).toBe(4372);
    for (const scheme of ['rfm', 'lifecycle']) {
      const m = members.get(scheme)!;
      expect(m.length, scheme).toBe(4372);
      expect(new Set(m.map((x) => x.customer_id)).size, scheme).toBe(4372);
      const t = tables.get(scheme)!;
      expect(
        t.segments.reduce((a, s) => a + s.customers, 0),
        scheme,
      ).toBe(4372);
      for (const s of t.segments)
        expect(s.customers, `${scheme}/${s.segment}`).toBe(m.filter((x) => x.segment === s.segment).length);
    }
  });

  it('sums revenue and orders over each scheme’s segments to the completed orders of the last 365 days', () => {
    expect(ref.ordersP).toBe(17_760);
    for (const scheme of ['rfm', 'lifecycle']) {
      const t = tables.get(scheme)!;
      const sum = (k: string) => t.segments.reduce((a, s) => a + (s.kpis[k]?.value ?? 0), 0);
      expect(sum('orders'), scheme).toBe(ref.ordersP);
      expect(t.base.kpis['orders']?.value).toBe(ref.ordersP);
      expect(
        Math.abs(sum('revenue') - ref.revenueP),
        `${scheme}: ${sum('revenue')} vs ${ref.revenueP}`,
      ).toBeLessThan(0.005);
      expect(Math.abs(t.base.kpis['revenue']!.value! - ref.revenueP)).toBeLessThan(0.005);
    }
  });

  it('shows the figures of the README: customers and 12-month revenue per segment', () => {
    const near = (want: Record<string, [number, number | null]>, scheme: string) => {
      const got = figures(scheme);
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const [segment, [n, revenue]] of Object.entries(want)) {
        expect(got[segment]?.[0], `${scheme}/${segment} customers`).toBe(n);
        const r = got[segment]?.[1] ?? null;
        if (revenue === null) expect(r, `${scheme}/${segment} revenue`).toBeNull();
        else expect(Math.abs(r! - revenue), `${scheme}/${segment} revenue ${r}`).toBeLessThan(0.006);
      }
    };
    near(
      {
        Champions: [968, 5_716_883.74],
        Loyal: [674, 1_233_417.64],
        'Potential Loyalist': [509, 189_413.27],
        New: [0, null],
        Promising: [0, null],
        'Need Attention': [206, 121_549.94],
        'About to Sleep': [255, 61_860.85],
        'At Risk': [781, 719_901.57],
        "Can't Lose Them": [102, 382_877.08],
        Hibernating: [281, 63_011.08],
        Lost: [563, 110_614.73],
        'No Purchases': [33, 0],
      },
      'rfm',
    );
    near(
      {
        prospect: [33, 0],
        new: [553, 281_310.87],
        active: [2362, 7_362_521.41],
        'at risk': [445, 376_910.18],
        lapsed: [804, 470_934.42],
        churned: [175, 107_853.02],
      },
      'lifecycle',
    );
  });

  it('is plausible: Champions are worth most, prospects are the customers who only cancelled', () => {
    const rfm = tables.get('rfm')!.segments.filter((s) => s.customers > 0);
    const perCustomer = (s: (typeof rfm)[number]) => (s.kpis['revenue']?.value ?? 0) / s.customers;
    const ranked = [...rfm].sort((a, b) => perCustomer(b) - perCustomer(a));
    expect(ranked[0]?.segment).toBe('Champions');
    const clv = [...rfm].sort(
      (a, b) => (b.kpis['historical_clv']?.value ?? 0) - (a.kpis['historical_clv']?.value ?? 0),
    );
    expect(clv[0]?.segment).toBe('Champions');
    // Every customer has an invoice, but 33 have only cancellations: no purchase, so they are
    // prospects (lifecycle) and No Purchases (RFM), with revenue 0.
    expect(ref.withoutPurchase).toBe(33);
    expect(figures('rfm')['No Purchases']).toEqual([33, 0]);
    expect(figures('lifecycle')['prospect']).toEqual([33, 0]);
    // New and Promising need F = 1, but a third of the buyers tie on one order and a tie shares the
    // score of its top (ceil(5 × 0.34) = 2): with FM = (F + M)/2 rounded up, FM ≥ 2 for everyone.
    expect(figures('rfm')['New']?.[0]).toBe(0);
    expect(figures('rfm')['Promising']?.[0]).toBe(0);
    // Lifecycle thresholds from the base's rhythm: g50, g75, g90 of the average days between orders
    // of the repeat customers, and 2 × g90.
    expect(thresholds).toEqual({ new_days: 54, active_days: 92, at_risk_days: 160, lapsed_days: 320 });
    expect(derivedFrom).toMatch(/2845 repeat customers/);
    // P−1 (2009-12-10 .. 2010-12-09) holds only the data's first nine days: retention is that of
    // their buyers (README).
    expect(tables.get('lifecycle')!.base.kpis['retention_rate']?.value).toBeCloseTo(0.871, 3);
    const lifecycle = tables.get('lifecycle')!.segments;
    const top = [...lifecycle].sort(
      (a, b) => (b.kpis['revenue']?.value ?? 0) - (a.kpis['revenue']?.value ?? 0),
    );
    expect(top[0]?.segment).toBe('active');
    const repeat = (seg: string) => lifecycle.find((s) => s.segment === seg)?.kpis['repeat_rate']?.value ?? 0;
    expect(repeat('active')).toBeGreaterThan(repeat('new'));
    expect(repeat('active')).toBeGreaterThan(repeat('churned'));
  });
});

/**
 * An independent check of the feature table on generated data: every column of every customer
 * against a plain TypeScript computation over the generated CSV rows (read with the test CSV
 * parser, not the engine), at an as-of date inside the data so that later rows must be left out.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import { DuckDBDialect } from '../../src/dialect/duckdb/duckdb-dialect.js';
import type { Engine, Row } from '../../src/engine/engine.js';
import { buildFeatures, type FeatureInfo } from '../../src/features/build-features.js';
import { generate, type GenerateResult } from '../../src/generate/generate.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { parseCsvObjects } from '../helpers/csv.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

// Inside the data (2023-01-01 .. 2026-06-30), after order lines start (the last 90 days).
const AS_OF = '2026-05-20';
const DAY = 86_400_000;
const TABLES = ['customers', 'orders', 'order_items', 'events', 'marketing_spend', 'feedback'] as const;

/** Milliseconds of a `YYYY-MM-DD[ HH:MM:SS]` UTC text. */
const ms = (s: string): number =>
  Date.parse(`${s.length === 10 ? `${s} 00:00:00` : s}`.replace(' ', 'T') + 'Z');
const dayOf = (t: number): number => Math.floor(t / DAY);
const isoDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

type Value = number | string | boolean | null;

/** The expected feature row of every customer, computed from the CSV rows alone. */
function expectedFeatures(files: Record<string, string>): Map<string, Record<string, Value>> {
  const read = (t: string) => parseCsvObjects(readFileSync(files[t]!, 'utf8'));
  const asOfDay = dayOf(ms(AS_OF));
  const end = (asOfDay + 1) * DAY;
  const since = (n: number) => (asOfDay - n + 1) * DAY;
  const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

  interface Order {
    id: string;
    t: number;
    revenue: number;
    cost: number | null;
    channel: string;
  }
  const orders = new Map<string, Order[]>();
  const orderCustomer = new Map<string, string>();
  const firstAny = new Map<string, number>();
  for (const o of read('orders')) {
    const t = ms(o['ordered_at']!);
    const c = o['customer_id']!;
    firstAny.set(c, Math.min(firstAny.get(c) ?? Infinity, t));
    if (o['status'] !== 'completed' || t >= end) continue;
    const list = orders.get(c) ?? [];
    list.push({
      id: o['order_id']!,
      t,
      revenue: Number(o['revenue']),
      cost: num(o['cost']),
      channel: o['channel']!,
    });
    orders.set(c, list);
    orderCustomer.set(o['order_id']!, c);
  }
  const lines = new Map<string, Map<string, number>>();
  for (const l of read('order_items')) {
    const c = orderCustomer.get(l['order_id']!);
    if (c === undefined || !l['category']) continue;
    const m = lines.get(c) ?? new Map<string, number>();
    m.set(l['category'], (m.get(l['category']) ?? 0) + 1);
    lines.set(c, m);
  }
  const events = new Map<string, { t: number; type: string }[]>();
  for (const e of read('events')) {
    const list = events.get(e['customer_id']!) ?? [];
    list.push({ t: ms(e['occurred_at']!), type: e['event_type']! });
    events.set(e['customer_id']!, list);
  }
  const eventTypes = [...new Set([...events.values()].flat().map((e) => e.type))].sort();
  const feedback = new Map<string, { t: number; nps: number | null; csat: number | null }[]>();
  for (const f of read('feedback')) {
    const t = ms(f['responded_at']!);
    if (t >= end) continue;
    const list = feedback.get(f['customer_id']!) ?? [];
    list.push({ t, nps: num(f['nps_score']), csat: num(f['csat_score']) });
    feedback.set(f['customer_id']!, list);
  }
  const spend = read('marketing_spend').map((s) => ({
    from: dayOf(ms(s['period_start']!)),
    to: dayOf(ms(s['period_end']!)),
    channel: s['channel']!,
    spend: Number(s['spend']),
  }));

  /** Key with the highest count; ties to the alphabetically first. */
  const top = (counts: Map<string, number>): string | null =>
    [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
  const out = new Map<string, Record<string, Value>>();
  const acquired = new Map<string, { channel: string; month: string }>();
  for (const c of read('customers')) {
    const id = c['customer_id']!;
    const created = c['created_at'] ? ms(c['created_at']) : null;
    const list = (orders.get(id) ?? []).sort((a, b) => a.t - b.t);
    const exists =
      (created !== null && created < end) ||
      list.length > 0 ||
      (created === null && !((firstAny.get(id) ?? -Infinity) >= end));
    if (!exists) continue;
    const inWindow = (from: number, to = end) => list.filter((o) => o.t >= from && o.t < to);
    const sum = (os: Order[]) => os.reduce((s, o) => s + o.revenue, 0);
    const margin = (os: Order[]) =>
      os.every((o) => o.cost !== null) ? os.reduce((s, o) => s + o.revenue - o.cost!, 0) : null;
    const first = list[0];
    const last = list[list.length - 1];
    const days = [...new Set(list.map((o) => dayOf(o.t)))].sort((a, b) => a - b);
    const x = days.length - 1;
    const firstDayRevenue = sum(list.filter((o) => dayOf(o.t) === days[0]));
    const tx = first && last ? dayOf(last.t) - dayOf(first.t) : null;
    const bigT = first ? asOfDay - dayOf(first.t) : null;
    const ev = (events.get(id) ?? []).filter((e) => e.t >= since(365) && e.t < end);
    const count = (from: number, type?: string) =>
      ev.filter((e) => e.t >= from && (type === undefined || e.type === type)).length;
    const fb = (feedback.get(id) ?? []).sort((a, b) => b.t - a.t);
    const nps = fb.find((f) => f.nps !== null);
    const csat = fb.find((f) => f.csat !== null);
    let age: number | null = null;
    if (c['birth_date']) {
      const [by, bm, bd] = c['birth_date'].split('-').map(Number) as [number, number, number];
      const [y, m, d] = AS_OF.split('-').map(Number) as [number, number, number];
      age = y - by - (bm * 100 + bd > m * 100 + d ? 1 : 0);
    }
    const band =
      age === null
        ? 'unknown'
        : age < 18
          ? 'under 18'
          : age >= 65
            ? '65+'
            : (['18-24', '25-34', '35-44', '45-54', '55-64'][
                [25, 35, 45, 55, 65].findIndex((b) => age < b)
              ] ?? null);
    const channels = new Map<string, number>();
    for (const o of list) if (o.channel) channels.set(o.channel, (channels.get(o.channel) ?? 0) + 1);
    const cohortAt = first?.t ?? created;
    const acquiredAt = created !== null && created < end ? created : (first?.t ?? null);
    if (c['acquisition_channel'] && acquiredAt !== null)
      acquired.set(id, { channel: c['acquisition_channel'], month: isoDay(dayOf(acquiredAt)).slice(0, 7) });
    const row: Record<string, Value> = {
      orders_total: list.length,
      revenue_total: sum(list),
      margin_total: margin(list),
      orders_30d: inWindow(since(30)).length,
      orders_90d: inWindow(since(90)).length,
      orders_365d: inWindow(since(365)).length,
      revenue_30d: sum(inWindow(since(30))),
      revenue_90d: sum(inWindow(since(90))),
      revenue_365d: sum(inWindow(since(365))),
      margin_365d: margin(inWindow(since(365))),
      orders_prev_365d: inWindow(since(730), since(365)).length,
      revenue_prev_365d: sum(inWindow(since(730), since(365))),
      orders_period: inWindow(since(365)).length,
      revenue_period: sum(inWindow(since(365))),
      orders_prev_period: inWindow(since(730), since(365)).length,
      revenue_prev_period: sum(inWindow(since(730), since(365))),
      aov: list.length > 0 ? sum(list) / list.length : null,
      recency_days: last ? asOfDay - dayOf(last.t) : null,
      tenure_days: cohortAt !== null ? asOfDay - dayOf(cohortAt) : null,
      avg_days_between_orders: list.length >= 2 ? tx! / (list.length - 1) : null,
      frequency: list.length > 0 ? x : null,
      t_x_days: tx,
      T_days: bigT,
      t_x_weeks: tx === null ? null : tx / 7,
      T_weeks: bigT === null ? null : bigT / 7,
      t_x: tx === null ? null : tx / 7,
      T: bigT === null ? null : bigT / 7,
      monetary_mean: x > 0 ? (sum(list) - firstDayRevenue) / x : null,
      events_30d: count(since(30)),
      events_90d: count(since(90)),
      events_365d: ev.length,
      visits_365d: count(since(365), 'visit'),
      engagement_events_365d: ev.length - count(since(365), 'support_ticket'),
      nps_latest: nps?.nps ?? null,
      csat_latest: csat?.csat ?? null,
      age,
      age_band: band,
      cohort: cohortAt === null ? null : isoDay(dayOf(cohortAt)).slice(0, 7),
      preferred_channel: top(channels),
      preferred_category: top(lines.get(id) ?? new Map<string, number>()),
      categories_bought: lines.get(id)?.size ?? 0,
      cac: null,
    };
    for (const t of eventTypes) {
      row[`events_${t}_30d`] = count(since(30), t);
      row[`events_${t}_90d`] = count(since(90), t);
    }
    out.set(id, row);
  }
  // CAC: the channel's spend in the acquisition month (cut at the as-of date), pro-rated by days,
  // over the customers it acquired that month.
  const cohortSize = new Map<string, number>();
  for (const a of acquired.values())
    cohortSize.set(`${a.channel} ${a.month}`, (cohortSize.get(`${a.channel} ${a.month}`) ?? 0) + 1);
  for (const [id, a] of acquired) {
    const from = dayOf(ms(`${a.month}-01`));
    const next = new Date(from * DAY);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const to = Math.min(dayOf(next.getTime()) - 1, asOfDay);
    const parts = spend
      .filter((s) => s.channel === a.channel && s.from <= to && s.to >= from)
      .map((s) => (s.spend * (Math.min(s.to, to) - Math.max(s.from, from) + 1)) / (s.to - s.from + 1));
    out.get(id)!['cac'] =
      parts.length === 0
        ? null
        : parts.reduce((x, y) => x + y, 0) / cohortSize.get(`${a.channel} ${a.month}`)!;
  }
  return out;
}

let tmp: TempDir;
let engine: Engine;
let generated: GenerateResult;
let info: FeatureInfo;
let actual: Map<string, Row>;

beforeAll(async () => {
  tmp = makeTempDir('segtrack-features-');
  generated = await generate({ out: tmp.path('data'), customers: 2000, seed: 20240615 });
  engine = await openWorkspace(':memory:');
  const sources = Object.fromEntries(TABLES.map((t) => [t, { file: generated.files[t]! }]));
  await ingest(engine, configFromObject({ sources }, tmp.dir), { now: new Date('2027-01-01T00:00:00Z') });
  info = await buildFeatures(engine, { asOf: AS_OF });
  actual = new Map(
    (await engine.query(`SELECT * FROM features`)).map((r) => [String(r['customer_id'] as string), r]),
  );
});
afterAll(async () => {
  await engine.close();
  tmp.remove();
});

describe('features on generated data, checked against an independent TypeScript computation', () => {
  it('has one row per customer existing on the as-of date', () => {
    const expected = expectedFeatures(generated.files);
    expect(expected.size).toBeGreaterThan(1000);
    expect(expected.size).toBeLessThan(2000); // some sign up after the as-of date
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(info.customers).toBe(expected.size);
  });

  it('agrees on every numeric and derived column of every customer', () => {
    const expected = expectedFeatures(generated.files);
    // customer_key is an identifier (the workspace's number for the customer), not a measure.
    const compared = info.columns.filter(
      (c) =>
        (c.type === 'number' && c.name !== 'customer_key') ||
        ['age_band', 'cohort', 'preferred_channel', 'preferred_category'].includes(c.name),
    );
    // Every column the reference computes is compared, and it computes every number column.
    expect(compared.map((c) => c.name).sort()).toEqual(
      Object.keys(expected.values().next().value ?? {}).sort(),
    );
    const close = (a: Value, b: Value) =>
      typeof a === 'number' && typeof b === 'number'
        ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))
        : a === b;
    const mismatches: string[] = [];
    let nonNull = 0;
    for (const [id, want] of expected) {
      const got = actual.get(id)!;
      for (const c of compared) {
        if (got[c.name] !== null) nonNull++;
        if (!close(got[c.name] as Value, want[c.name]!))
          mismatches.push(
            `${id}.${c.name}: got ${JSON.stringify(got[c.name])}, want ${JSON.stringify(want[c.name])}`,
          );
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(nonNull).toBeGreaterThan(expected.size * compared.length * 0.5);
  });

  it('exercises the interesting cases: repeat buyers, same-day orders, CAC, events, categories, feedback', () => {
    const rows = [...actual.values()];
    const count = (f: (r: Row) => boolean) => rows.filter(f).length;
    expect(count((r) => Number(r['frequency']) > 0)).toBeGreaterThan(100);
    expect(count((r) => Number(r['frequency']) + 1 < Number(r['orders_total']))).toBeGreaterThan(0);
    expect(count((r) => r['cac'] !== null)).toBeGreaterThan(100);
    expect(count((r) => r['cac'] === null && r['acquisition_channel'] === 'organic')).toBeGreaterThan(0);
    expect(count((r) => Number(r['events_30d']) > 0)).toBeGreaterThan(100);
    expect(count((r) => r['preferred_category'] !== null)).toBeGreaterThan(100);
    expect(count((r) => r['nps_latest'] !== null)).toBeGreaterThan(10);
  });

  it("gives the same table when the first day's revenue is joined back in standard SQL", async () => {
    // The DuckDB dialect counts purchase days and the first day's revenue in one pass over the
    // orders; a dialect without that aggregate joins the first day back to the orders instead.
    class JoiningDialect extends DuckDBDialect {
      override distinctAndSumAtMin(): undefined {
        return undefined;
      }
    }
    const joining = new JoiningDialect();
    const viaJoin = new Proxy(engine, {
      get: (target, p) => (p === 'dialect' ? joining : (Reflect.get(target, p) as unknown)),
    });
    await buildFeatures(viaJoin, { asOf: AS_OF, table: 'features_joined' });
    const differing = await engine.query(
      `SELECT COUNT(*) AS n FROM (SELECT * FROM features EXCEPT SELECT * FROM features_joined) d`,
    );
    const [both] = await engine.query(
      `SELECT (SELECT COUNT(*) FROM features) AS a, (SELECT COUNT(*) FROM features_joined) AS b`,
    );
    expect(Number(both!['a'])).toBe(Number(both!['b']));
    expect(Number(differing[0]!['n'])).toBe(0);
    const [repeat] = await engine.query(
      `SELECT COUNT(*) AS n FROM features_joined WHERE monetary_mean IS NOT NULL`,
    );
    expect(Number(repeat!['n'])).toBeGreaterThan(100);
  });
});

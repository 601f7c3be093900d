import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { DuckDBEngine } from '../../src/engine/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { bgnbdExpectedRepeats } from '../../src/generate/bgnbd-expectation.js';
import { type GenerateResult, generate } from '../../src/generate/generate.js';
import type { PersonaSpec } from '../../src/generate/personas.js';
import { type CanonicalTableName, ORDER_STATUSES, columnNames } from '../../src/model/canonical.js';

const root = mkdtempSync(join(tmpdir(), 'segtrack-generate-'));
let engine: Engine;
beforeAll(async () => {
  engine = await DuckDBEngine.open(':memory:');
});
afterAll(async () => {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

const dir = (name: string) => join(root, name);
const csv = (r: GenerateResult, table: string) =>
  `read_csv(${engine.dialect.literal(r.files[table]!)}, header = true)`;
const one = async (sql: string) => Object.values((await engine.query(sql))[0]!)[0];
/** A result value as text (the values compared here are strings or numbers). */
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
/** Column name → type of a query's result. */
const describe_ = async (sql: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await engine.query(`DESCRIBE ${sql}`)).map((c) => [text(c['column_name']), text(c['column_type'])]),
  );

interface Truth {
  seed: number;
  personas: { name: string; share: number; params: Record<string, number> }[];
  customers: Record<string, string>;
  prospects: string[];
}
const readTruth = (r: GenerateResult) => JSON.parse(readFileSync(r.files['truth']!, 'utf8')) as Truth;

describe('generate: determinism', () => {
  it('writes byte-identical files for one seed, different files for another', async () => {
    const a = await generate({ out: dir('det-a'), customers: 3000, seed: 7 });
    const b = await generate({ out: dir('det-b'), customers: 3000, seed: 7 });
    const c = await generate({ out: dir('det-c'), customers: 3000, seed: 8 });
    const names = readdirSync(a.out).sort();
    expect(names).toEqual(
      [
        'customers.csv',
        'events.csv',
        'feedback.csv',
        'marketing_spend.csv',
        'order_items.csv',
        'orders.csv',
        'truth.json',
      ].sort(),
    );
    for (const f of names)
      expect(readFileSync(join(b.out, f)).equals(readFileSync(join(a.out, f))), f).toBe(true);
    expect(readFileSync(c.files['orders']!).equals(readFileSync(a.files['orders']!))).toBe(false);
    expect(readFileSync(c.files['customers']!).equals(readFileSync(a.files['customers']!))).toBe(false);
  });

  it('leaves the other tables unchanged when events or order lines are turned off', async () => {
    const a = await generate({ out: dir('all-on'), customers: 2000, seed: 5 });
    const b = await generate({ out: dir('ev-off'), customers: 2000, seed: 5, events: false });
    const c = await generate({ out: dir('items-off'), customers: 2000, seed: 5, orderItems: false });
    expect(b.files['events']).toBeUndefined();
    expect(c.files['order_items']).toBeUndefined();
    for (const t of ['customers', 'orders', 'order_items', 'feedback', 'marketing_spend'])
      expect(readFileSync(b.files[t]!).equals(readFileSync(a.files[t]!)), t).toBe(true);
    for (const t of ['customers', 'orders', 'events', 'feedback', 'marketing_spend'])
      expect(readFileSync(c.files[t]!).equals(readFileSync(a.files[t]!)), t).toBe(true);
  });
});

describe('generate: the files read back with DuckDB', () => {
  let r: GenerateResult;
  beforeAll(async () => {
    r = await generate({
      out: dir('valid'),
      customers: 10_000,
      seed: 42,
      start: '2024-01-01',
      end: '2025-12-31',
    });
  });

  it('uses only canonical column names, and the required ones', async () => {
    const tables: CanonicalTableName[] = [
      'customers',
      'orders',
      'order_items',
      'events',
      'marketing_spend',
      'feedback',
    ];
    for (const t of tables) {
      const cols = Object.keys(await describe_(`SELECT * FROM ${csv(r, t)}`));
      const canonical = columnNames(t);
      for (const c of cols) expect(canonical, `${t}.${c}`).toContain(c);
      expect(cols.length).toBeGreaterThan(2);
    }
    expect(await describe_(`SELECT * FROM ${csv(r, 'orders')}`)).toMatchObject({
      ordered_at: 'TIMESTAMP',
      revenue: 'DOUBLE',
      items: 'BIGINT',
    });
  });

  it('counts what it says it wrote, with unique ids', async () => {
    expect(await one(`SELECT count(*) FROM ${csv(r, 'customers')}`)).toBe(10_000);
    expect(await one(`SELECT count(DISTINCT customer_id) FROM ${csv(r, 'customers')}`)).toBe(10_000);
    expect(await one(`SELECT count(*) FROM ${csv(r, 'orders')}`)).toBe(r.orders);
    expect(await one(`SELECT count(*) - count(DISTINCT order_id) FROM ${csv(r, 'orders')}`)).toBe(0);
    expect(await one(`SELECT min(customer_id) FROM ${csv(r, 'customers')}`)).toBe('C0000001');
    expect(await one(`SELECT min(order_id) FROM ${csv(r, 'orders')}`)).toBe('O00000001');
  });

  it('has no order before its customer signed up, none for unknown customers, nothing after the end', async () => {
    const early = await one(
      `SELECT count(*) FROM ${csv(r, 'orders')} o JOIN ${csv(r, 'customers')} c USING (customer_id)
       WHERE o.ordered_at < c.created_at`,
    );
    expect(early).toBe(0);
    expect(
      await one(
        `SELECT count(*) FROM ${csv(r, 'orders')} o ANTI JOIN ${csv(r, 'customers')} c USING (customer_id)`,
      ),
    ).toBe(0);
    const last = await engine.query(`SELECT
        (SELECT max(created_at) FROM ${csv(r, 'customers')})::DATE::VARCHAR AS customers,
        (SELECT min(created_at) FROM ${csv(r, 'customers')})::DATE::VARCHAR AS first_customer,
        (SELECT max(ordered_at) FROM ${csv(r, 'orders')})::DATE::VARCHAR AS orders,
        (SELECT max(occurred_at) FROM ${csv(r, 'events')})::DATE::VARCHAR AS events,
        (SELECT max(responded_at) FROM ${csv(r, 'feedback')})::DATE::VARCHAR AS feedback,
        (SELECT max(period_end) FROM ${csv(r, 'marketing_spend')})::VARCHAR AS spend,
        (SELECT min(birth_date) > DATE '1900-01-01' AND max(birth_date) < DATE '2008-01-01' FROM ${csv(r, 'customers')}) AS adults`);
    expect(last[0]).toEqual({
      customers: '2025-12-31',
      first_customer: '2024-01-01',
      orders: '2025-12-31',
      events: '2025-12-31',
      feedback: '2025-12-31',
      spend: '2025-12-31',
      adults: true,
    });
    const noEventBeforeSignup = await one(
      `SELECT count(*) FROM ${csv(r, 'events')} e JOIN ${csv(r, 'customers')} c USING (customer_id)
       WHERE e.occurred_at < c.created_at OR e.occurred_at < TIMESTAMP '2025-01-01' - INTERVAL 1 DAY`,
    );
    expect(noEventBeforeSignup).toBe(0);
  });

  it('writes valid values: statuses, revenue and cost, scores, channels, consent', async () => {
    const rows = await engine.query(`SELECT
        bool_and(status IN (${ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})) AS statuses,
        avg(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
        avg(CASE WHEN status = 'refunded' THEN 1 ELSE 0 END) AS refunded,
        min(revenue) AS min_revenue, min(cost) AS min_cost,
        sum(cost) FILTER (WHERE revenue > 0) / sum(revenue) FILTER (WHERE revenue > 0) AS cost_ratio,
        count(*) FILTER (WHERE revenue = 0) AS free_samples,
        bool_and(currency = 'GBP') AS gbp, bool_and(channel IN ('web', 'app', 'store')) AS channels,
        bool_and(revenue = round(revenue, 2)) AS two_decimals, min(items) AS min_items
      FROM ${csv(r, 'orders')}`);
    const o = rows[0]!;
    expect(o['statuses']).toBe(true);
    expect(o['cancelled']).toBeGreaterThan(0.01);
    expect(o['cancelled']).toBeLessThan(0.03);
    expect(o['refunded']).toBeGreaterThan(0.004);
    expect(o['refunded']).toBeLessThan(0.02);
    expect(o['min_revenue']).toBe(0);
    expect(o['min_cost']).toBeGreaterThanOrEqual(0);
    expect(o['cost_ratio']).toBeGreaterThan(0.55);
    expect(o['cost_ratio']).toBeLessThan(0.7);
    expect(o['gbp']).toBe(true);
    expect(o['channels']).toBe(true);
    expect(o['two_decimals']).toBe(true);
    expect(o['min_items']).toBe(1);

    const f = (
      await engine.query(`SELECT min(nps_score) AS nmin, max(nps_score) AS nmax, min(csat_score) AS cmin,
        max(csat_score) AS cmax, count(DISTINCT customer_id) AS respondents,
        corr(nps_score, csat_score) AS corr FROM ${csv(r, 'feedback')}`)
    )[0]!;
    expect(f['nmin']).toBeGreaterThanOrEqual(0);
    expect(f['nmax']).toBeLessThanOrEqual(10);
    expect(f['cmin']).toBeGreaterThanOrEqual(1);
    expect(f['cmax']).toBeLessThanOrEqual(5);
    expect(Number(f['respondents']) / 10_000).toBeGreaterThan(0.12);
    expect(Number(f['respondents']) / 10_000).toBeLessThan(0.28);
    expect(f['corr']).toBeGreaterThan(0.5);

    const c = (
      await engine.query(`SELECT count(DISTINCT acquisition_channel) AS channels,
        avg(CASE WHEN consent_marketing IS NULL THEN 1 ELSE 0 END) AS consent_unknown,
        count(DISTINCT gender) AS genders, count(DISTINCT country) AS countries
      FROM ${csv(r, 'customers')}`)
    )[0]!;
    expect(c['channels']).toBe(6);
    expect(c['consent_unknown']).toBeGreaterThan(0.01);
    expect(c['consent_unknown']).toBeLessThan(0.08);
    expect(c['genders']).toBe(3);
    expect(Number(c['countries'])).toBeGreaterThan(3);
  });

  it('writes spend for paid channels only, consistent with acquisitions × CAC', async () => {
    const truth = JSON.parse(readFileSync(r.files['truth']!, 'utf8')) as {
      channel_cac: Record<string, number>;
    };
    const rows =
      await engine.query(`SELECT s.channel, sum(s.spend) AS spend, any_value(n.acquired) AS acquired
      FROM ${csv(r, 'marketing_spend')} s
      JOIN (SELECT acquisition_channel AS channel, count(*) AS acquired FROM ${csv(r, 'customers')} GROUP BY 1) n
        USING (channel)
      GROUP BY s.channel ORDER BY s.channel`);
    expect(rows.map((x) => x['channel'])).toEqual([
      'affiliate',
      'email',
      'paid_search',
      'paid_social',
      'referral',
    ]);
    for (const x of rows) {
      const cac = Number(x['spend']) / Number(x['acquired']);
      const trueCac = truth.channel_cac[text(x['channel'])]!;
      expect(Math.abs(cac / trueCac - 1), `${text(x['channel'])}: ${cac} vs ${trueCac}`).toBeLessThan(0.05);
    }
    expect(
      await one(
        `SELECT count(*) - count(DISTINCT (period_start, channel, campaign)) FROM ${csv(r, 'marketing_spend')}`,
      ),
    ).toBe(0);
  });

  it('splits the completed orders of the last 90 days into lines that add up to them', async () => {
    const rows = await engine.query(`WITH l AS (
        SELECT order_id, sum(quantity * price) AS value, sum(quantity) AS quantity, max(quantity) AS most
        FROM ${csv(r, 'order_items')} GROUP BY order_id)
      SELECT count(*) AS orders, count(l.order_id) AS with_lines,
        count(*) FILTER (WHERE l.order_id IS NOT NULL AND
          (abs(l.value - o.revenue) > 0.005 * l.most + 0.001 OR l.quantity <> o.items)) AS mismatched
      FROM (SELECT * FROM ${csv(r, 'orders')} WHERE status = 'completed') o
      LEFT JOIN l USING (order_id)
      WHERE o.ordered_at >= TIMESTAMP '2026-01-01' - INTERVAL 90 DAY`);
    const x = rows[0]!;
    expect(Number(x['orders'])).toBeGreaterThan(500);
    expect(x['with_lines']).toBe(x['orders']);
    expect(x['mismatched']).toBe(0);
    const outside = await one(`SELECT count(*) FROM ${csv(r, 'order_items')} l
      ANTI JOIN (SELECT * FROM ${csv(r, 'orders')} WHERE status = 'completed'
                 AND ordered_at >= TIMESTAMP '2026-01-01' - INTERVAL 90 DAY) o USING (order_id)`);
    expect(outside).toBe(0);
  });

  it('lists every customer in truth.json with a persona and the personas with their parameters', async () => {
    const truth = readTruth(r);
    expect(truth.seed).toBe(42);
    expect(truth.personas.map((p) => p.name)).toEqual([
      'champions',
      'loyal_regulars',
      'bargain_hunters',
      'big_one_off_spenders',
      'churners',
    ]);
    for (const p of truth.personas)
      for (const k of ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma'])
        expect(p.params[k], `${p.name}.${k}`).toBeGreaterThan(0);
    const ids = (await engine.query(`SELECT customer_id FROM ${csv(r, 'customers')}`)).map((x) =>
      text(x['customer_id']),
    );
    expect(Object.keys(truth.customers).sort()).toEqual(ids.sort());
    const names = new Set(truth.personas.map((p) => p.name));
    for (const persona of Object.values(truth.customers)) expect(names.has(persona)).toBe(true);
    // Shares match the drawn personas.
    for (const p of truth.personas) {
      const n = Object.values(truth.customers).filter((x) => x === p.name).length;
      expect(Math.abs(n / 10_000 - p.share), p.name).toBeLessThan(0.02);
    }
    // Prospects never order; everybody else who signed up in time does.
    expect(truth.prospects.length / 10_000).toBeGreaterThan(0.015);
    expect(truth.prospects.length / 10_000).toBeLessThan(0.045);
    const buyers = new Set(
      (await engine.query(`SELECT DISTINCT customer_id FROM ${csv(r, 'orders')}`)).map((x) =>
        text(x['customer_id']),
      ),
    );
    for (const id of truth.prospects) expect(buyers.has(id)).toBe(false);
  });

  it('makes the personas distinct in frequency and spend', async () => {
    const truth = readTruth(r);
    const values = Object.entries(truth.customers)
      .map(([id, p]) => `('${id}', '${p}')`)
      .join(', ');
    const rows = await engine.query(`WITH t(customer_id, persona) AS (VALUES ${values})
      SELECT persona, count(o.order_id)::DOUBLE / count(DISTINCT t.customer_id) AS orders, avg(o.revenue) AS aov
      FROM t LEFT JOIN (SELECT * FROM ${csv(r, 'orders')} WHERE status = 'completed') o USING (customer_id)
      GROUP BY persona`);
    const by = Object.fromEntries(
      rows.map((x) => [text(x['persona']), { orders: Number(x['orders']), aov: Number(x['aov']) }]),
    );
    expect(by['champions']!.orders).toBeGreaterThan(2 * by['loyal_regulars']!.orders);
    expect(by['bargain_hunters']!.orders).toBeGreaterThan(2 * by['churners']!.orders);
    expect(by['big_one_off_spenders']!.aov).toBeGreaterThan(2.5 * by['champions']!.aov);
    expect(by['champions']!.aov).toBeGreaterThan(1.5 * by['loyal_regulars']!.aov);
    expect(by['loyal_regulars']!.aov).toBeGreaterThan(2.5 * by['bargain_hunters']!.aov);
    expect(by['churners']!.orders).toBeLessThan(2.5);
  });
});

describe('generate: the simulator is the BG/NBD + gamma-gamma model', () => {
  it('matches E[X(T)] of FHL 2005 eq. (9) and the gamma-gamma mean spend for a single persona', async () => {
    const params = { r: 2, alpha: 10, a: 1.8, b: 8, p: 4, q: 9, gamma: 60 };
    const persona: PersonaSpec = { name: 'only', share: 1, params };
    const r = await generate({
      out: dir('bgnbd'),
      customers: 20_000,
      seed: 2024,
      personas: [persona],
      prospectShare: 0,
      events: false,
    });
    const end = Date.parse('2026-07-01T00:00:00Z') / 1000; // default end 2026-06-30, inclusive
    const rows = await engine.numericColumns(`SELECT count(*) - 1 AS repeats, epoch(min(ordered_at)) AS first
      FROM ${csv(r, 'orders')} WHERE status = 'completed' GROUP BY customer_id`);
    const repeats = rows['repeats']!;
    const first = rows['first']!;
    expect(repeats.length).toBeGreaterThan(19_900); // all but those whose first order fell after the end
    let actual = 0;
    let expected = 0;
    for (let i = 0; i < repeats.length; i++) {
      actual += repeats[i]!;
      expected += bgnbdExpectedRepeats(params, (end - first[i]!) / (7 * 86_400));
    }
    actual /= repeats.length;
    expected /= repeats.length;
    expect(
      Math.abs(actual / expected - 1),
      `mean repeat purchases ${actual}, model ${expected}`,
    ).toBeLessThan(0.03);

    // Gamma-gamma: each order's value z ~ Gamma(p, ν), ν ~ Gamma(q, γ): E[z] = pγ/(q − 1).
    const aov = Number(await one(`SELECT avg(revenue) FROM ${csv(r, 'orders')} WHERE status = 'completed'`));
    const meanSpend = (params.p * params.gamma) / (params.q - 1);
    expect(Math.abs(aov / meanSpend - 1), `mean order value ${aov}, model ${meanSpend}`).toBeLessThan(0.04);
  });

  it('reaches a target of orders per customer by scaling the purchase intensity', async () => {
    const r = await generate({
      out: dir('opc'),
      customers: 20_000,
      seed: 3,
      events: false,
      ordersPerCustomer: 12,
    });
    const completed = Number(
      await one(`SELECT count(*) FROM ${csv(r, 'orders')} WHERE status = 'completed'`),
    );
    expect(Math.abs(completed / 20_000 / 12 - 1), `${completed / 20_000} orders per customer`).toBeLessThan(
      0.05,
    );
    const truth = JSON.parse(readFileSync(r.files['truth']!, 'utf8')) as { intensity: number };
    expect(truth.intensity).toBeGreaterThan(1);
  });
});

describe('generate: parquet and options', () => {
  it('writes typed parquet files with the same rows as the CSV files, deterministically', async () => {
    const p = await generate({ out: dir('pq-a'), customers: 2000, seed: 11, format: 'parquet' });
    const q = await generate({ out: dir('pq-b'), customers: 2000, seed: 11, format: 'parquet' });
    const c = await generate({ out: dir('pq-csv'), customers: 2000, seed: 11 });
    const tables = ['customers', 'orders', 'order_items', 'events', 'marketing_spend', 'feedback'];
    expect(readdirSync(p.out).sort()).toEqual(
      tables
        .map((t) => `${t}.parquet`)
        .concat('truth.json')
        .sort(),
    );
    for (const t of tables) {
      expect(p.files[t]!.endsWith(`${t}.parquet`)).toBe(true);
      expect(readFileSync(q.files[t]!).equals(readFileSync(p.files[t]!)), t).toBe(true);
      const diff = await one(`SELECT count(*) FROM (
          (SELECT * FROM read_parquet(${engine.dialect.literal(p.files[t]!)}) EXCEPT ALL SELECT * FROM ${csv(c, t)})
          UNION ALL
          (SELECT * FROM ${csv(c, t)} EXCEPT ALL SELECT * FROM read_parquet(${engine.dialect.literal(p.files[t]!)})))`);
      expect(diff, t).toBe(0);
    }
    expect(
      await describe_(`SELECT * FROM read_parquet(${engine.dialect.literal(p.files['customers']!)})`),
    ).toMatchObject({ created_at: 'TIMESTAMP', birth_date: 'DATE', consent_marketing: 'BOOLEAN' });
  });

  it('reports every bad option as a user error', async () => {
    const err = await generate({
      out: dir('bad'),
      customers: -5,
      format: 'xml' as 'csv',
      start: '2024-02-30',
      seed: 1.5,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const codes = (err as UserError).problems.map((p) => p.code);
    expect(codes).toEqual(['invalid_option', 'invalid_option', 'invalid_option', 'invalid_option']);
    await expect(generate({ out: dir('bad2'), personas: [] })).rejects.toThrow(UserError);
    await expect(
      generate({
        out: dir('bad3'),
        personas: [{ name: 'x', share: 1, params: { r: 1, alpha: -1, a: 1, b: 1, p: 1, q: 2, gamma: 1 } }],
      }),
    ).rejects.toThrow(/alpha/);
    await expect(generate({ out: dir('bad4'), ordersPerCustomer: 0.5 })).rejects.toThrow(/out of reach/);
  });
});

/**
 * The customer feature table on hand-made workspaces: every column of a few customers against
 * values worked out by hand (comments show the arithmetic), who counts as a customer on the
 * as-of date, the options, and the edge cases (no orders, one customer, an empty workspace).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { Engine, Row, SqlValue } from '../../src/engine/engine.js';
import { buildFeatures, latestOrderDate, type FeatureInfo } from '../../src/features/build-features.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

/** Inserts rows (objects keyed by column name) into a table. */
async function insert(engine: Engine, table: string, rows: Record<string, SqlValue>[]): Promise<void> {
  for (const r of rows) {
    const cols = Object.keys(r);
    await engine.exec(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(r),
    );
  }
}

const order = (
  order_id: string,
  customer_id: string,
  ordered_at: string,
  revenue: number,
  cost: number | null,
  channel: string | null,
  status = 'completed',
): Record<string, SqlValue> => ({ order_id, customer_id, ordered_at, revenue, cost, channel, status });

const event = (customer_id: string, occurred_at: string, event_type: string) => ({
  customer_id,
  occurred_at,
  event_type,
});

/** The hand-made shop. As-of 2024-06-30: the 30/90/365-day windows start 2024-06-01, 2024-04-02, 2023-07-02. */
async function seedShop(engine: Engine): Promise<void> {
  const customer = (
    customer_id: string,
    created_at: string | null,
    more: Record<string, SqlValue> = {},
  ): Record<string, SqlValue> => ({ customer_id, created_at, ...more });
  await insert(engine, 'customers', [
    customer('A', '2023-01-15 10:00:00', {
      birth_date: '1990-07-01',
      gender: 'female',
      country: 'United Kingdom',
      region: 'London',
      city: 'London',
      acquisition_channel: 'paid_search',
      consent_marketing: true,
    }),
    customer('B', '2024-03-10 08:00:00', {
      age: 70,
      gender: 'male',
      acquisition_channel: 'organic',
      consent_marketing: false,
    }),
    customer('C', null), // no created_at, no orders: exists
    customer('D', '2024-07-05 00:00:00'), // created after the as-of date: not yet a customer
    customer('E', null), // no created_at, first order after the as-of date: not yet a customer
    customer('F', '2024-06-30 23:59:59', { birth_date: '2010-01-01' }), // the as-of day counts in full
    customer('G', '2024-08-01 00:00:00', { acquisition_channel: 'paid_social' }), // created later, but bought before
    customer('H', '2023-01-20 00:00:00', { acquisition_channel: 'paid_search', birth_date: '1960-06-30' }),
    customer('I', '2024-06-10 12:00:00', { acquisition_channel: 'paid_social', age: 17 }),
  ]);
  await insert(engine, 'orders', [
    order('a1', 'A', '2023-02-01 09:00:00', 100, 60, 'web'),
    order('a2', 'A', '2023-02-01 18:00:00', 50, 20, 'app'), // same day as a1: one purchase
    order('a3', 'A', '2023-08-15 12:00:00', 80, 50, 'web'),
    order('a4', 'A', '2024-05-20 12:00:00', 40, 10, 'web'),
    order('a5', 'A', '2024-06-15 12:00:00', 999, 1, 'web', 'cancelled'),
    order('a6', 'A', '2024-06-30 23:00:00', 30, null, 'app'), // last second of the as-of day; cost unknown
    order('a7', 'A', '2024-07-01 00:00:00', 500, 1, 'web'), // after the as-of date
    order('b1', 'B', '2024-06-30 10:00:00', 20, 5, 'store'),
    order('b2', 'B', '2024-06-30 11:00:00', 30, 5, 'app'),
    order('e1', 'E', '2024-07-02 00:00:00', 10, 1, 'web'),
    order('g1', 'G', '2024-05-01 09:00:00', 10, 4, 'web'),
  ]);
  await insert(engine, 'order_items', [
    { order_id: 'a1', category: 'books' },
    { order_id: 'a1', category: 'books' },
    { order_id: 'a1', category: 'toys' },
    { order_id: 'a4', category: 'toys' },
    { order_id: 'a5', category: 'garden' }, // cancelled
    { order_id: 'a5', category: 'garden' },
    { order_id: 'a5', category: 'garden' },
    { order_id: 'a7', category: 'garden' }, // after the as-of date
    { order_id: 'a7', category: 'garden' },
    { order_id: 'a7', category: 'garden' },
  ]);
  await insert(engine, 'events', [
    event('A', '2024-06-25 10:00:00', 'visit'),
    event('A', '2024-05-01 10:00:00', 'visit'),
    event('A', '2024-06-29 10:00:00', 'Add to Cart'),
    event('A', '2024-06-10 10:00:00', 'support_ticket'),
    event('A', '2023-12-01 10:00:00', 'email_open'),
    event('A', '2023-01-01 10:00:00', 'visit'), // older than 365 days
    event('A', '2024-07-01 10:00:00', 'visit'), // after the as-of date
    event('B', '2024-06-30 10:00:00', 'login'),
  ]);
  await insert(engine, 'feedback', [
    { customer_id: 'A', responded_at: '2024-01-10 10:00:00', nps_score: 9, csat_score: 4 },
    { customer_id: 'A', responded_at: '2024-06-01 10:00:00', nps_score: null, csat_score: 2 },
    { customer_id: 'A', responded_at: '2024-07-10 10:00:00', nps_score: 0, csat_score: 1 }, // after
  ]);
  await insert(engine, 'marketing_spend', [
    {
      period_start: '2023-01-01',
      period_end: '2023-01-31',
      channel: 'paid_search',
      campaign: 'brand',
      spend: 1000,
    },
    // 30 days, 16 of them in January: 300 × 16 / 30 = 160 for January.
    {
      period_start: '2023-01-16',
      period_end: '2023-02-14',
      channel: 'paid_search',
      campaign: 'generic',
      spend: 300,
    },
    {
      period_start: '2024-05-01',
      period_end: '2024-05-31',
      channel: 'paid_social',
      campaign: 'x',
      spend: 310,
    },
    // 61 days (June and July), 10 per day.
    {
      period_start: '2024-06-01',
      period_end: '2024-07-31',
      channel: 'paid_social',
      campaign: 'x',
      spend: 610,
    },
  ]);
}

let engine: Engine;
let info: FeatureInfo;
let rows: Map<string, Row>;

async function featureRows(table = 'features'): Promise<Map<string, Row>> {
  const list = await engine.query(`SELECT * FROM ${table} ORDER BY customer_id`);
  return new Map(list.map((r) => [String(r['customer_id'] as string), r]));
}

beforeAll(async () => {
  engine = await openWorkspace(':memory:');
  await seedShop(engine);
  info = await buildFeatures(engine, { asOf: '2024-06-30' });
  rows = await featureRows();
});
afterAll(async () => {
  await engine.close();
});

describe('features: who is a customer on the as-of date', () => {
  it('keeps customers created by the end of the as-of day, without created_at, or with an order by then', () => {
    expect([...rows.keys()]).toEqual(['A', 'B', 'C', 'F', 'G', 'H', 'I']);
    expect(info.customers).toBe(7);
    expect(info.table).toBe('features');
    expect(info.asOf).toBe('2024-06-30');
  });
});

describe('features: every column of hand-checked customers', () => {
  it('customer A: windows, margin, BTYD summary with a same-day purchase, events, feedback, preferences, CAC', () => {
    expect(rows.get('A')).toEqual({
      customer_id: 'A',
      created_at: '2023-01-15 10:00:00',
      first_order_at: '2023-02-01 09:00:00',
      last_order_at: '2024-06-30 23:00:00',
      orders_total: 5, // a1 a2 a3 a4 a6 (a5 cancelled, a7 after)
      revenue_total: 300, // 100 + 50 + 80 + 40 + 30
      margin_total: null, // a6 has no cost
      orders_30d: 1, // a6
      orders_90d: 2, // a4 a6
      orders_365d: 3, // a3 a4 a6
      revenue_30d: 30,
      revenue_90d: 70,
      revenue_365d: 150,
      margin_365d: null,
      orders_prev_365d: 2, // a1 a2 (2022-07-02 .. 2023-07-01)
      revenue_prev_365d: 150,
      orders_period: 3,
      revenue_period: 150,
      orders_prev_period: 2,
      revenue_prev_period: 150,
      aov: 60, // 300 / 5
      recency_days: 0,
      tenure_days: 515, // 2023-02-01 .. 2024-06-30
      avg_days_between_orders: 128.75, // 515 / (5 − 1)
      frequency: 3, // purchase days 2023-02-01, 2023-08-15, 2024-05-20, 2024-06-30
      t_x_days: 515,
      T_days: 515,
      t_x_weeks: 515 / 7,
      T_weeks: 515 / 7,
      t_x: 515 / 7,
      T: 515 / 7,
      monetary_mean: 50, // (80 + 40 + 30) / 3: the first day (100 + 50) left out
      events_add_to_cart_30d: 1,
      events_add_to_cart_90d: 1,
      events_email_open_30d: 0,
      events_email_open_90d: 0,
      events_login_30d: 0,
      events_login_90d: 0,
      events_support_ticket_30d: 1,
      events_support_ticket_90d: 1,
      events_visit_30d: 1,
      events_visit_90d: 2,
      events_30d: 3, // visit 06-25, Add to Cart 06-29, support_ticket 06-10
      events_90d: 4, // + visit 05-01
      events_365d: 5, // + email_open 2023-12-01
      visits_365d: 2,
      engagement_events_365d: 4, // all but the support ticket
      nps_latest: 9, // the 2024-06-01 answer has no NPS; the 2024-07-10 one is after
      nps_latest_at: '2024-01-10 10:00:00',
      csat_latest: 2,
      csat_latest_at: '2024-06-01 10:00:00',
      age: 33, // born 1990-07-01: 34th birthday is the day after
      age_band: '25-34',
      gender: 'female',
      country: 'United Kingdom',
      region: 'London',
      city: 'London',
      acquisition_channel: 'paid_search',
      consent_marketing: true,
      cohort: '2023-02',
      preferred_channel: 'web', // web 3 (a1 a3 a4), app 2 (a2 a6)
      preferred_category: 'books', // books 2, toys 2: tie, alphabetical
      categories_bought: 2,
      cac: 580, // January 2023 paid_search: (1000 + 160) / 2 customers (A, H)
      customer_key: 1, // keys are numbered in id order at ingestion
    });
  });

  it('customer B: two orders on one day, an organic customer without CAC', () => {
    expect(rows.get('B')).toMatchObject({
      created_at: '2024-03-10 08:00:00',
      orders_total: 2,
      revenue_total: 50,
      margin_total: 40,
      orders_30d: 2,
      margin_365d: 40,
      aov: 25,
      recency_days: 0,
      tenure_days: 0,
      avg_days_between_orders: 0,
      frequency: 0,
      t_x_days: 0,
      T_days: 0,
      t_x: 0,
      T: 0,
      monetary_mean: null,
      events_login_30d: 1,
      events_30d: 1,
      engagement_events_365d: 1,
      visits_365d: 0,
      age: 70,
      age_band: '65+',
      cohort: '2024-06',
      preferred_channel: 'app', // app 1, store 1: alphabetical
      preferred_category: null,
      categories_bought: 0,
      cac: null,
      consent_marketing: false,
    });
  });

  it('customer C: no orders, no created_at, no demographics', () => {
    expect(rows.get('C')).toMatchObject({
      created_at: null,
      first_order_at: null,
      last_order_at: null,
      orders_total: 0,
      revenue_total: 0,
      margin_total: 0,
      orders_365d: 0,
      revenue_365d: 0,
      margin_365d: 0,
      aov: null,
      recency_days: null,
      tenure_days: null,
      avg_days_between_orders: null,
      frequency: null,
      t_x_days: null,
      T_days: null,
      t_x: null,
      T: null,
      monetary_mean: null,
      events_365d: 0,
      nps_latest: null,
      age: null,
      age_band: 'unknown',
      cohort: null,
      preferred_channel: null,
      categories_bought: 0,
      cac: null,
    });
  });

  it('customers without orders take tenure and cohort from created_at; ages from birth dates', () => {
    // H: created 2023-01-20; born 1960-06-30, 64 on the as-of day.
    expect(rows.get('H')).toMatchObject({
      tenure_days: 527,
      cohort: '2023-01',
      age: 64,
      age_band: '55-64',
      cac: 580,
    });
    // F: created in the last second of the as-of day; born 2010-01-01.
    expect(rows.get('F')).toMatchObject({ tenure_days: 0, cohort: '2024-06', age: 14, age_band: 'under 18' });
    // I: age 17 recorded, no birth date; June 2024 paid_social: 30 days × 10 / 1 customer.
    expect(rows.get('I')).toMatchObject({ age: 17, age_band: 'under 18', cac: 300 });
  });

  it('a customer created after the as-of date who bought before it is acquired in the month of that order', () => {
    // G: created 2024-08-01, ordered 2024-05-01; May 2024 paid_social spend 310, one customer.
    expect(rows.get('G')).toMatchObject({ orders_total: 1, cohort: '2024-05', tenure_days: 60, cac: 310 });
  });
});

describe('features: columns and options', () => {
  it('lists every column of the table with its type, in table order', async () => {
    const described = await engine.query(`DESCRIBE features`);
    expect(info.columns.map((c) => c.name)).toEqual(described.map((r) => r['column_name']));
    const typeOf: Record<string, string> = {
      BIGINT: 'number',
      INTEGER: 'number',
      DOUBLE: 'number',
      VARCHAR: 'string',
      BOOLEAN: 'boolean',
      DATE: 'date',
      TIMESTAMP: 'timestamp',
    };
    for (const [i, c] of info.columns.entries())
      expect(`${c.name}: ${typeOf[described[i]?.['column_type'] as string]}`).toBe(`${c.name}: ${c.type}`);
    for (const c of info.columns) expect(c.description.length, c.name).toBeGreaterThan(10);
    expect(info.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'events_add_to_cart_30d',
        'events_visit_90d',
        'orders_period',
        'revenue_prev_period',
        'margin_365d',
      ]),
    );
  });

  it('periodDays sets only the *_period columns; timeUnit day gives t_x and T in days; table names the table', async () => {
    const other = await buildFeatures(engine, {
      asOf: '2024-06-30',
      table: 'f30',
      periodDays: 30,
      timeUnit: 'day',
    });
    expect(other.table).toBe('f30');
    const a = (await featureRows('f30')).get('A');
    // P = the last 30 days: a6; P−1 = 2024-05-02 .. 2024-05-31: a4.
    expect(a).toMatchObject({
      orders_period: 1,
      revenue_period: 30,
      orders_prev_period: 1,
      revenue_prev_period: 40,
    });
    expect(a).toMatchObject({ orders_365d: 3, orders_prev_365d: 2, t_x: 515, T: 515, t_x_weeks: 515 / 7 });
    // Another odd period: 100 days back is 2024-03-23; the 100 before that start 2023-12-14.
    await buildFeatures(engine, { asOf: '2024-06-30', table: 'f100', periodDays: 100 });
    expect((await featureRows('f100')).get('A')).toMatchObject({
      orders_period: 2,
      revenue_period: 70,
      orders_prev_period: 0,
      revenue_prev_period: 0,
    });
  });

  it('an earlier as-of date sees less, and cuts the CAC month at the as-of date', async () => {
    await buildFeatures(engine, { asOf: '2024-06-15', table: 'mid' });
    const mid = await featureRows('mid');
    expect([...mid.keys()]).toEqual(['A', 'B', 'C', 'G', 'H', 'I']);
    // June 2024 up to the 15th: 15 days × 10 for I alone.
    expect(mid.get('I')?.['cac']).toBe(150);
    // a1 a2 a3 a4 (a5 on the 15th is cancelled); the 2024-06-01 answer is the latest CSAT.
    expect(mid.get('A')).toMatchObject({
      orders_total: 4,
      frequency: 2,
      recency_days: 26,
      csat_latest: 2,
      nps_latest: 9,
    });
  });

  it('rebuilding replaces the table', async () => {
    const again = await buildFeatures(engine, { asOf: '2024-06-30' });
    expect(again.customers).toBe(7);
    expect(await featureRows()).toEqual(rows);
  });

  it('the default as-of date is the day of the latest order', async () => {
    expect(await latestOrderDate(engine)).toBe('2024-07-02');
  });

  it('refuses a bad date, a workspace table as target, a bad unit or period, all at once', async () => {
    const error = await buildFeatures(engine, {
      asOf: '2024-02-30',
      table: 'orders',
      // @ts-expect-error: a value from an untyped caller
      timeUnit: 'month',
      periodDays: 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).problems.map((p) => p.code)).toEqual([
      'invalid_as_of',
      'invalid_feature_table',
      'invalid_time_unit',
      'invalid_period',
    ]);
    expect(await engine.query(`SELECT COUNT(*) AS n FROM orders`)).toEqual([{ n: 11 }]);
  });
});

describe('features: edge cases', () => {
  it('an empty workspace gives an empty table with every fixed column', async () => {
    const empty = await openWorkspace(':memory:');
    try {
      expect(await latestOrderDate(empty)).toBeNull();
      const e = await buildFeatures(empty, { asOf: '2024-01-01' });
      expect(e.customers).toBe(0);
      expect(e.columns.some((c) => c.name.startsWith('events_') && c.name.endsWith('_90d'))).toBe(true);
      expect(e.columns.map((c) => c.name)).not.toContain('events_visit_30d');
      expect(await empty.query(`SELECT COUNT(*) AS n FROM features`)).toEqual([{ n: 0 }]);
    } finally {
      await empty.close();
    }
  });

  it('a single customer with a single order', async () => {
    const one = await openWorkspace(':memory:');
    try {
      await insert(one, 'customers', [{ customer_id: 'solo', created_at: '2024-01-01 00:00:00' }]);
      await insert(one, 'orders', [order('o1', 'solo', '2024-01-08 12:00:00', 42.5, null, null)]);
      const r = await buildFeatures(one, { asOf: (await latestOrderDate(one)) ?? '' });
      expect(r).toMatchObject({ customers: 1, asOf: '2024-01-08' });
      expect((await one.query(`SELECT * FROM features`))[0]).toMatchObject({
        customer_id: 'solo',
        orders_total: 1,
        revenue_total: 42.5,
        margin_total: null,
        aov: 42.5,
        frequency: 0,
        t_x: 0,
        T: 0,
        monetary_mean: null,
        avg_days_between_orders: null,
        recency_days: 0,
        tenure_days: 0,
        preferred_channel: null,
        cohort: '2024-01',
        events_30d: 0,
      });
    } finally {
      await one.close();
    }
  });

  it('many order channels and categories: preferences are still the most used, ties alphabetical', async () => {
    const many = await openWorkspace(':memory:');
    try {
      const orders = Array.from({ length: 40 }, (_, i) =>
        order(`m${i}`, 'm', '2024-01-01 00:00:00', 1, 0, `ch${String(i).padStart(2, '0')}`),
      );
      orders.push(order('m40', 'm', '2024-01-02 00:00:00', 1, 0, 'ch39'));
      orders.push(order('n1', 'n', '2024-01-02 00:00:00', 1, 0, 'ch07'));
      orders.push(order('n2', 'n', '2024-01-02 00:00:00', 1, 0, 'ch03'));
      await insert(many, 'orders', orders);
      await insert(many, 'customers', [
        { customer_id: 'm', created_at: null },
        { customer_id: 'n', created_at: null },
      ]);
      // One line in each of 40 categories for m, plus a second 'cat05'; n: one each of 'cat09', 'cat01'.
      const lines = orders
        .slice(0, 40)
        .map((o, i) => ({ order_id: o['order_id']!, category: `cat${String(i).padStart(2, '0')}` }));
      lines.push(
        { order_id: 'm0', category: 'cat05' },
        { order_id: 'n1', category: 'cat09' },
        { order_id: 'n2', category: 'cat01' },
      );
      await insert(many, 'order_items', lines);
      await buildFeatures(many, { asOf: '2024-01-31' });
      const got = await many.query(
        `SELECT customer_id, preferred_channel, preferred_category, categories_bought, frequency FROM features ORDER BY 1`,
      );
      expect(got).toEqual([
        {
          customer_id: 'm',
          preferred_channel: 'ch39',
          preferred_category: 'cat05',
          categories_bought: 40,
          frequency: 1,
        },
        {
          customer_id: 'n',
          preferred_channel: 'ch03',
          preferred_category: 'cat01',
          categories_bought: 2,
          frequency: 0,
        },
      ]);
    } finally {
      await many.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { gateFails, runQuality, type QualityCheck, type QualityReport } from '../../src/quality/quality.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

const NOW = '2024-06-30';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function workspace(): Promise<Engine> {
  engine = await openWorkspace(':memory:');
  return engine;
}

/** A small dataset with nothing wrong in it, dated just before {@link NOW}. */
async function cleanData(e: Engine): Promise<void> {
  await e.exec(`
    INSERT INTO customers (customer_id, created_at, birth_date, gender, country, city, acquisition_channel, consent_marketing, email) VALUES
      ('c1', '2023-01-05 10:00:00', '1980-05-01', 'f', 'GB', 'Leeds', 'search', TRUE, 'a@example.com'),
      ('c2', '2023-02-11 09:30:00', '1975-09-12', 'm', 'GB', 'York', 'social', FALSE, 'b@example.com'),
      ('c3', '2023-03-20 18:00:00', '1990-01-30', 'f', 'FR', 'Lyon', 'search', TRUE, 'c@example.com'),
      ('c4', '2024-01-02 08:00:00', '2001-12-24', 'm', 'DE', 'Bonn', 'email', TRUE, 'd@example.com');
    INSERT INTO orders (order_id, customer_id, ordered_at, revenue, cost, currency, items, status, channel) VALUES
      ('o1', 'c1', '2023-02-01 12:00:00', 40.0, 20.0, 'GBP', 2, 'completed', 'web'),
      ('o2', 'c1', '2024-06-20 12:00:00', 55.5, 30.0, 'GBP', 3, 'completed', 'web'),
      ('o3', 'c2', '2024-03-03 15:00:00', 12.0, 5.0, 'GBP', 1, 'cancelled', 'app'),
      ('o4', 'c3', '2024-05-05 11:00:00', 80.0, 41.0, 'GBP', 4, 'completed', 'store'),
      ('o5', 'c4', '2024-06-25 16:45:00', 25.0, 10.0, 'GBP', 1, NULL, 'web'),
      ('o6', 'c4', '2024-06-28 10:15:00', 31.0, 12.0, 'GBP', 1, 'refunded', 'web');
    INSERT INTO order_items (order_id, product_id, category, quantity, price) VALUES
      ('o1', 'p1', 'books', 2, 20.0), ('o2', 'p2', 'toys', 3, 18.5), ('o4', 'p1', 'books', 4, 20.0);
    INSERT INTO events (customer_id, occurred_at, event_type, properties) VALUES
      ('c1', '2024-06-19 11:00:00', 'visit', '{"page": "/"}'),
      ('c1', '2024-06-20 11:58:00', 'add_to_cart', NULL),
      ('c2', '2024-06-01 08:00:00', 'email_open', NULL),
      ('c3', '2024-06-29 20:00:00', 'login', NULL);
    INSERT INTO feedback (customer_id, responded_at, nps_score, csat_score) VALUES
      ('c1', '2024-06-21 09:00:00', 9, 5), ('c3', '2024-05-10 09:00:00', 6, 3);
    INSERT INTO marketing_spend (period_start, period_end, channel, campaign, spend) VALUES
      ('2024-05-01', '2024-05-31', 'search', 'brand', 1000), ('2024-05-01', '2024-05-31', 'social', NULL, 400),
      ('2024-06-01', '2024-06-30', 'Search', 'brand', 1100);
    INSERT INTO interventions (name, started_at, ended_at, treated_segment, control_segment, cost, description) VALUES
      ('summer-mail', '2024-06-01', '2024-06-15', 'rfm/At Risk', 'rfm/Hibernating', 500, 'mailing');
  `);
}

function find(report: QualityReport, id: string, table?: string, column?: string | null): QualityCheck[] {
  return report.checks.filter(
    (c) =>
      c.id === id &&
      (table === undefined || c.table === table) &&
      (column === undefined || c.column === column),
  );
}

function one(report: QualityReport, id: string, table?: string, column?: string | null): QualityCheck {
  const found = find(report, id, table, column);
  expect(
    found,
    `${id} ${table ?? ''} ${column ?? ''} in ${JSON.stringify(report.checks.map((c) => c.id))}`,
  ).toHaveLength(1);
  return found[0] as QualityCheck;
}

function flagged(report: QualityReport): QualityCheck[] {
  return report.checks.filter((c) => c.severity !== 'info');
}

describe('segtrack quality', () => {
  it('reports an empty workspace as a single info check', async () => {
    const e = await workspace();
    const report = await runQuality(e, { now: NOW });
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ id: 'workspace.no_data', severity: 'info', count: 0 });
    expect(report.summary).toEqual({ error: 0, warning: 0, info: 1 });
    expect(gateFails(report, 'warning')).toBe(false);
  });

  it('finds nothing but info on a clean dataset, and profiles every column', async () => {
    const e = await workspace();
    await cleanData(e);
    const report = await runQuality(e, { now: NOW });
    expect(flagged(report)).toEqual([]);
    expect(report.summary.error + report.summary.warning).toBe(0);
    expect(report.summary.info).toBe(report.checks.length);
    // The profile: one completeness check per column of every non-empty table.
    expect(find(report, 'completeness.missing', 'customers')).toHaveLength(14);
    expect(one(report, 'completeness.missing', 'customers', 'phone')).toMatchObject({
      severity: 'info',
      count: 4,
    });
    expect(one(report, 'completeness.missing', 'customers', 'phone').message).toContain('100.0 %');
    expect(one(report, 'completeness.missing', 'orders', 'order_id')).toMatchObject({
      severity: 'info',
      count: 0,
    });
    expect(one(report, 'profile.rows', 'orders')).toMatchObject({ count: 6 });
    expect(one(report, 'freshness.latest', 'orders', 'ordered_at')).toMatchObject({
      severity: 'info',
      count: 2,
    });
    expect(gateFails(report, 'warning')).toBe(false);
    expect(gateFails(report, 'error')).toBe(false);
  });

  it('flags a duplicate event', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(
      `INSERT INTO events (customer_id, occurred_at, event_type, properties) VALUES ('c1', '2024-06-19 11:00:00', 'visit', '{"page": "/"}')`,
    );
    const report = await runQuality(e, { now: NOW });
    const check = one(report, 'uniqueness.duplicate_events', 'events');
    expect(check).toMatchObject({ severity: 'warning', count: 1 });
    expect(check.examples).toEqual([
      {
        customer_id: 'c1',
        occurred_at: '2024-06-19 11:00:00',
        event_type: 'visit',
        properties: '{"page": "/"}',
        copies: 2,
      },
    ]);
  });

  it('flags an order placed before its customer was created', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(
      `INSERT INTO orders (order_id, customer_id, ordered_at, revenue, currency) VALUES ('o7', 'c4', '2023-12-30 10:00:00', 10, 'GBP')`,
    );
    const report = await runQuality(e, { now: NOW });
    const check = one(report, 'consistency.order_before_customer_created', 'orders', 'ordered_at');
    expect(check).toMatchObject({ severity: 'warning', count: 1 });
    expect(check.examples[0]).toMatchObject({
      order_id: 'o7',
      customer_id: 'c4',
      created_at: '2024-01-02 08:00:00',
    });
  });

  it('does not flag an order placed earlier on the day the customer was created', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(
      `INSERT INTO orders (order_id, customer_id, ordered_at, revenue, currency) VALUES ('o7', 'c4', '2024-01-02 07:00:00', 10, 'GBP')`,
    );
    const report = await runQuality(e, { now: NOW });
    expect(find(report, 'consistency.order_before_customer_created')).toEqual([]);
  });

  it('flags mixed currencies with the currencies and their counts', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(`UPDATE orders SET currency = 'EUR' WHERE order_id IN ('o3', 'o4')`);
    await e.exec(`UPDATE orders SET currency = 'usd' WHERE order_id = 'o5'`);
    const report = await runQuality(e, { now: NOW });
    const check = one(report, 'consistency.mixed_currencies', 'orders', 'currency');
    expect(check).toMatchObject({ severity: 'warning', count: 3 });
    expect(check.examples).toEqual([
      { currency: 'GBP', orders: 3 },
      { currency: 'EUR', orders: 2 },
      { currency: 'USD', orders: 1 },
    ]);
    expect(check.message).toContain('3 currencies');
    expect(check.message).toContain('not in GBP');
  });

  it('grades freshness by the age of the latest row', async () => {
    const e = await workspace();
    await cleanData(e);
    const warn = await runQuality(e, { now: '2024-08-15' });
    expect(one(warn, 'freshness.latest', 'orders', 'ordered_at')).toMatchObject({
      severity: 'warning',
      count: 48,
    });
    const stale = await runQuality(e, { now: '2026-01-01' });
    expect(one(stale, 'freshness.latest', 'orders', 'ordered_at')).toMatchObject({
      severity: 'error',
      count: 552,
    });
    expect(one(stale, 'freshness.latest', 'events', 'occurred_at').severity).toBe('error');
    expect(gateFails(stale, 'error')).toBe(true);
    // Measured against the as-of date instead, the same data is fresh.
    const asOf = await runQuality(e, { now: '2026-01-01', asOf: '2024-06-30' });
    expect(one(asOf, 'freshness.latest', 'orders', 'ordered_at')).toMatchObject({
      severity: 'info',
      count: 2,
    });
  });

  it('flags data dated after the reference date', async () => {
    const e = await workspace();
    await cleanData(e);
    const report = await runQuality(e, { now: '2024-06-24' });
    const check = one(report, 'freshness.after_reference', 'orders', 'ordered_at');
    expect(check).toMatchObject({ severity: 'warning', count: 2 });
    expect(check.examples.map((x) => x['order_id'])).toEqual(['o5', 'o6']);
    // The latest date is taken among the rows on or before the reference date.
    expect(one(report, 'freshness.latest', 'orders', 'ordered_at')).toMatchObject({
      severity: 'info',
      count: 4,
    });
  });

  it('flags events of unknown customers', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(`INSERT INTO events (customer_id, occurred_at, event_type) VALUES
      ('ghost', '2024-06-10 10:00:00', 'visit'), ('ghost', '2024-06-11 10:00:00', 'visit'), ('nobody', '2024-06-12 10:00:00', 'login')`);
    const report = await runQuality(e, { now: NOW });
    const check = one(report, 'integrity.unknown_customer', 'events', 'customer_id');
    expect(check).toMatchObject({ severity: 'warning', count: 3 });
    expect(check.message).toContain('2 customer_id values');
    expect(check.examples.map((x) => x['customer_id'])).toEqual(['ghost', 'ghost', 'nobody']);
    expect(find(report, 'integrity.unknown_customer', 'orders')).toEqual([]);
  });

  it('counts zero-value completed orders as info', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(`INSERT INTO orders (order_id, customer_id, ordered_at, revenue, status) VALUES
      ('o7', 'c2', '2024-06-01 10:00:00', 0, 'completed'), ('o8', 'c2', '2024-06-02 10:00:00', 0, 'cancelled')`);
    const report = await runQuality(e, { now: NOW });
    const check = one(report, 'validity.zero_value_orders', 'orders', 'revenue');
    expect(check).toMatchObject({ severity: 'info', count: 1 });
    expect(check.examples).toEqual([
      {
        order_id: 'o7',
        customer_id: 'c2',
        ordered_at: '2024-06-01 10:00:00',
        revenue: 0,
        status: 'completed',
      },
    ]);
    expect(flagged(report)).toEqual([]);
  });

  it('reports rejected rows by table and reason', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(`INSERT INTO rejected_rows VALUES
      (1, 'orders', 'orders.csv', 12, 'negative_revenue', 'revenue', '-5', 'revenue below 0 on a completed order'),
      (1, 'orders', 'orders.csv', 7, 'negative_revenue', 'revenue', '-1', 'revenue below 0 on a completed order'),
      (1, 'orders', 'orders.csv', 30, 'invalid_date', 'ordered_at', '31/02/2024', 'not a date')`);
    const report = await runQuality(e, { now: NOW });
    const check = one(report, 'quarantine.negative_revenue', 'orders', 'revenue');
    expect(check).toMatchObject({ severity: 'warning', count: 2 });
    expect(check.examples).toEqual([
      { file: 'orders.csv', row: 7, value: '-1', detail: 'revenue below 0 on a completed order' },
      { file: 'orders.csv', row: 12, value: '-5', detail: 'revenue below 0 on a completed order' },
    ]);
    expect(one(report, 'quarantine.invalid_date', 'orders', 'ordered_at').count).toBe(1);
  });

  it('reports quarantined rows even when nothing was loaded', async () => {
    const e = await workspace();
    await e.exec(
      `INSERT INTO rejected_rows VALUES (1, 'orders', 'o.csv', 2, 'missing_required', 'order_id', '', NULL)`,
    );
    const report = await runQuality(e, { now: NOW });
    expect(report.checks.map((c) => c.id)).toEqual(['workspace.no_data', 'quarantine.missing_required']);
  });

  it('flags missing required values as errors and mostly-empty relied-on columns as warnings', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(
      `INSERT INTO events (customer_id, occurred_at, event_type) VALUES ('c1', '2024-06-10 10:00:00', '  '), ('c2', '2024-06-10 10:00:00', 'null')`,
    );
    await e.exec(`UPDATE customers SET acquisition_channel = NULL WHERE customer_id <> 'c1'`);
    const report = await runQuality(e, { now: NOW });
    const missing = one(report, 'completeness.missing', 'events', 'event_type');
    expect(missing).toMatchObject({ severity: 'error', count: 1 });
    expect(missing.examples).toHaveLength(1);
    expect(one(report, 'validity.empty_event_type', 'events', 'event_type')).toMatchObject({
      severity: 'warning',
      count: 2,
    });
    expect(one(report, 'completeness.missing', 'customers', 'acquisition_channel')).toMatchObject({
      severity: 'warning',
      count: 3,
    });
    // Spend channels no customer was acquired through any more.
    expect(one(report, 'consistency.unmatched_spend_channel', 'marketing_spend', 'channel')).toMatchObject({
      severity: 'warning',
      count: 1,
    });
  });

  it('flags invalid values', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(`
      INSERT INTO orders (order_id, customer_id, ordered_at, revenue, cost, currency, status) VALUES
        ('x1', 'c1', '2024-06-01', 10, -1, 'GBP', 'completed'),
        ('x2', 'c1', '2024-06-02', 10, 2, 'GBPX', 'shipped'),
        ('x3', 'c1', '2024-06-03', -4, NULL, 'GBP', 'completed'),
        ('x4', 'c1', '2024-06-04', 10, 15, 'GBP', NULL);
      INSERT INTO customers (customer_id, created_at, age, birth_date, country, acquisition_channel, consent_marketing) VALUES
        ('c5', '2024-01-01', 130, '1900-01-01', 'GB', 'search', TRUE);
      INSERT INTO feedback (customer_id, responded_at, nps_score, csat_score) VALUES ('c2', '2024-06-01', 11, 0);
      INSERT INTO marketing_spend (period_start, period_end, channel, campaign, spend) VALUES ('2024-04-30', '2024-04-01', 'search', 'x', 5);
    `);
    const report = await runQuality(e, { now: NOW });
    const expectOne = (id: string, table: string, column: string | null, severity: string, count: number) =>
      expect(one(report, id, table, column), id).toMatchObject({ severity, count });
    expectOne('validity.negative_cost', 'orders', 'cost', 'warning', 1);
    expectOne('validity.currency_code', 'orders', 'currency', 'warning', 1);
    expectOne('validity.unknown_status', 'orders', 'status', 'warning', 1);
    expectOne('validity.negative_revenue', 'orders', 'revenue', 'error', 1);
    expectOne('consistency.cost_exceeds_revenue', 'orders', 'cost', 'warning', 1);
    expectOne('validity.age_out_of_range', 'customers', 'age', 'warning', 1);
    expectOne('validity.implausible_birth_date', 'customers', 'birth_date', 'warning', 1);
    expectOne('validity.score_out_of_range', 'feedback', 'nps_score', 'warning', 1);
    expectOne('validity.score_out_of_range', 'feedback', 'csat_score', 'warning', 1);
    expectOne('consistency.spend_period_reversed', 'marketing_spend', 'period_end', 'warning', 1);
  });

  it('flags unusually large orders', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(`INSERT INTO orders (order_id, customer_id, ordered_at, revenue)
      SELECT 'bulk' || range, 'c1', TIMESTAMP '2024-01-01' + range * INTERVAL '1 minute', 20 + range % 30 FROM range(3000)`);
    await e.exec(
      `INSERT INTO orders (order_id, customer_id, ordered_at, revenue) VALUES ('huge', 'c2', '2024-06-01', 99000)`,
    );
    const report = await runQuality(e, { now: NOW });
    const check = one(report, 'validity.large_orders', 'orders', 'revenue');
    expect(check).toMatchObject({ severity: 'warning', count: 1 });
    expect(check.examples[0]).toMatchObject({ order_id: 'huge', revenue: 99000 });
  });

  it('flags duplicate keys, duplicate orders and duplicate feedback', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(`
      INSERT INTO orders (order_id, customer_id, ordered_at, revenue) VALUES ('o1', 'c1', '2024-01-01', 1), ('o1', 'c1', '2024-01-02', 2);
      INSERT INTO orders (order_id, customer_id, ordered_at, revenue) VALUES ('o2-copy', 'c1', '2024-06-20 12:00:00', 55.5);
      INSERT INTO feedback (customer_id, responded_at, nps_score) VALUES ('c1', '2024-06-21 09:00:00', 3);
    `);
    const report = await runQuality(e, { now: NOW });
    const key = one(report, 'uniqueness.duplicate_key', 'orders', 'order_id');
    expect(key).toMatchObject({ severity: 'error', count: 2 });
    expect(key.examples).toEqual([{ order_id: 'o1', copies: 3 }]);
    const dup = one(report, 'consistency.duplicate_orders', 'orders', null);
    expect(dup).toMatchObject({ severity: 'warning', count: 1 });
    expect(dup.examples[0]).toMatchObject({ first_order_id: 'o2', last_order_id: 'o2-copy', copies: 2 });
    expect(one(report, 'uniqueness.duplicate_feedback', 'feedback')).toMatchObject({
      severity: 'warning',
      count: 1,
    });
  });

  it('flags order lines of unknown orders and counts auto-created customers', async () => {
    const e = await workspace();
    await cleanData(e);
    await e.exec(
      `INSERT INTO order_items (order_id, product_id, quantity, price) VALUES ('missing', 'p9', 1, 3)`,
    );
    await e.exec(`INSERT INTO customers (customer_id, auto_created) VALUES ('c9', TRUE), ('c8', TRUE)`);
    const report = await runQuality(e, { now: NOW });
    expect(one(report, 'integrity.unknown_order', 'order_items', 'order_id')).toMatchObject({
      severity: 'warning',
      count: 1,
    });
    const auto = one(report, 'integrity.auto_created_customers', 'customers');
    expect(auto).toMatchObject({ severity: 'info', count: 2 });
    expect(auto.examples).toEqual([{ customer_id: 'c8' }, { customer_id: 'c9' }]);
  });

  it('gates on the chosen level', () => {
    const check = (severity: QualityCheck['severity']): QualityCheck => ({
      id: 'x',
      table: 't',
      column: null,
      severity,
      count: 1,
      message: '',
      examples: [],
    });
    const report = (...s: QualityCheck['severity'][]): QualityReport => ({
      checks: s.map(check),
      summary: { error: 0, warning: 0, info: 0 },
    });
    expect(gateFails(report('info'), 'warning')).toBe(false);
    expect(gateFails(report('info', 'warning'), 'warning')).toBe(true);
    expect(gateFails(report('info', 'warning'), 'error')).toBe(false);
    expect(gateFails(report('error'), 'warning')).toBe(true);
    expect(gateFails(report('error'), 'error')).toBe(true);
    expect(gateFails(report(), 'error')).toBe(false);
  });

  it('rejects a malformed reference date as a user error', async () => {
    const e = await workspace();
    await expect(runQuality(e, { now: '30/06/2024' })).rejects.toMatchObject({ code: 'invalid_date' });
  });
});

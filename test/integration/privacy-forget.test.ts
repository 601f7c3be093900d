/**
 * Erasure, the audit log and retention (issue 6): after `segtrack forget`, no table of the
 * workspace refers to the customer (every text column scanned for the id, every key column for
 * the key), KPIs recomputed afterwards exclude them, a repeated erasure is a no-op, and each
 * sensitive action leaves an audit entry without personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Engine } from '../../src/engine/engine.js';
import { generate } from '../../src/generate/generate.js';
import { CANONICAL_TABLES } from '../../src/model/canonical.js';
import { remainingReferences } from '../../src/privacy/forget.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-forget-');
let config: string;
let workspace: string;
/** A customer with rows in every table that refers to customers. */
let victim: string;
let victimKey: number;
let before: Record<string, number>;
let victimRevenue: number;
let asOf: string;
/** The base before the erasure: customers and revenue in the features, and the revenue KPI. */
const base = { customers: 0, revenue: 0, revenueKpi: 0 };

async function withEngine<T>(work: (e: Engine) => Promise<T>): Promise<T> {
  const engine = await openWorkspace(workspace);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

async function n(engine: Engine, sql: string, params: string[] = []): Promise<number> {
  const [row] = await engine.query(sql, params);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

beforeAll(async () => {
  const generated = await generate({ out: tmp.path('data'), customers: 400, seed: 7 });
  workspace = tmp.path('ws.duckdb');
  config = tmp.write(
    'segtrack.yaml',
    stringify({
      workspace,
      sources: Object.fromEntries(
        CANONICAL_TABLES.filter((t) => generated.files[t] !== undefined).map((t) => [
          t,
          { file: generated.files[t] },
        ]),
      ),
      segments: [
        { name: 'rfm', type: 'rfm' },
        { name: 'life', type: 'lifecycle' },
      ],
    }),
  );
  const ingested = await runCli(['ingest', '--config', config]);
  expect(ingested.code, ingested.stderr).toBe(0);
  asOf = jsonOf<{ as_of: string }>(await runCli(['run', '--config', config, '--json'])).as_of;
  await withEngine(async (e) => {
    base.customers = await n(e, 'SELECT COUNT(*) FROM features');
    base.revenue = await n(e, 'SELECT SUM(revenue_total) FROM features');
    base.revenueKpi = await n(
      e,
      `SELECT value FROM snapshot_kpis WHERE scheme = '(all)' AND kpi = 'revenue'`,
    );
    const [row] = await e.query<{ customer_id: string; customer_key: number }>(
      `SELECT c.customer_id, c.customer_key FROM customers c
        WHERE EXISTS (SELECT 1 FROM order_items i JOIN orders o USING (order_id) WHERE o.customer_id = c.customer_id)
          AND EXISTS (SELECT 1 FROM events v WHERE v.customer_id = c.customer_id)
          AND EXISTS (SELECT 1 FROM feedback f WHERE f.customer_id = c.customer_id)
        ORDER BY c.customer_id LIMIT 1`,
    );
    expect(row, 'the generated data has a customer in every table').toBeDefined();
    victim = row!.customer_id;
    victimKey = Number(row!.customer_key);
    const id = [victim];
    before = {
      customers: await n(e, 'SELECT COUNT(*) FROM customers WHERE customer_id = $1', id),
      orders: await n(e, 'SELECT COUNT(*) FROM orders WHERE customer_id = $1', id),
      order_items: await n(
        e,
        'SELECT COUNT(*) FROM order_items WHERE order_id IN (SELECT order_id FROM orders WHERE customer_id = $1)',
        id,
      ),
      events: await n(e, 'SELECT COUNT(*) FROM events WHERE customer_id = $1', id),
      feedback: await n(e, 'SELECT COUNT(*) FROM feedback WHERE customer_id = $1', id),
      features: await n(e, 'SELECT COUNT(*) FROM features WHERE customer_id = $1', id),
      snapshot_members: await n(e, `SELECT COUNT(*) FROM snapshot_members WHERE customer_key = ${victimKey}`),
    };
    victimRevenue = await n(e, 'SELECT revenue_total FROM features WHERE customer_id = $1', id);
  });
  // A member listing, for the audit log.
  const listed = await runCli(['members', '--config', config, '--scheme', 'rfm']);
  expect(listed.code, listed.stderr).toBe(0);
});
afterAll(() => tmp.remove());

describe('segtrack forget', () => {
  it('deletes the customer from every table in one go and reports what it deleted', async () => {
    const result = jsonOf<{ erased: number; rows_deleted: Record<string, number>; verified: boolean }>(
      await runCli(['forget', '--config', config, '--customer', victim, '--json']),
    );
    expect(result.erased).toBe(1);
    expect(result.verified).toBe(true);
    expect(result.rows_deleted).toMatchObject(before);
    expect(before.orders).toBeGreaterThan(0);
    expect(before.snapshot_members).toBe(2); // one membership per scheme
  });

  it('leaves no row in any table holding the id or the key, and keeps the key as a tombstone', async () => {
    await withEngine(async (e) => {
      await e.exec(`CREATE TEMP TABLE ids AS SELECT $1 AS customer_id`, [victim]);
      expect(await remainingReferences(e, 'ids', [victimKey])).toBe(0);
      // The check can fail: another customer's id is found.
      await e.exec(`CREATE TEMP TABLE other AS SELECT customer_id FROM customers LIMIT 1`);
      expect(await remainingReferences(e, 'other', [])).toBeGreaterThan(0);
      const [tomb] = await e.query(`SELECT customer_id FROM customer_keys WHERE customer_key = ${victimKey}`);
      expect(tomb).toEqual({ customer_id: null });
    });
  });

  it('excludes them from KPIs computed afterwards', async () => {
    const run = jsonOf<{ snapshot_id: number }>(
      await runCli(['run', '--config', config, '--as-of', asOf, '--json']),
    );
    await withEngine(async (e) => {
      expect(await n(e, 'SELECT COUNT(*) FROM features')).toBe(base.customers - 1);
      expect(await n(e, 'SELECT SUM(revenue_total) FROM features')).toBeCloseTo(
        base.revenue - victimRevenue,
        6,
      );
      const kpi = (name: string) =>
        n(
          e,
          `SELECT value FROM snapshot_kpis WHERE snapshot_id = ${run.snapshot_id} AND scheme = '(all)' AND kpi = '${name}'`,
        );
      expect(await kpi('customers')).toBe(base.customers - 1);
      expect(await kpi('revenue')).toBeLessThan(base.revenueKpi);
    });
  });

  it('is a no-op the second time, and says so', async () => {
    const again = jsonOf<{ erased: number; not_found: number; rows_deleted: Record<string, number> }>(
      await runCli(['forget', '--config', config, '--customer', victim, '--json']),
    );
    expect(again.erased).toBe(0);
    expect(again.not_found).toBe(1);
    expect(Object.values(again.rows_deleted).every((x) => x === 0)).toBe(true);
  });

  it('refuses without ids, with a hint', async () => {
    const r = await runCli(['forget', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--customer ID');
  });
});

describe('the audit log', () => {
  it('has an entry for the member listing, the erasures and the config change, without the id', async () => {
    // A changed configuration: one more scheme.
    const changed = tmp.write(
      'changed.yaml',
      stringify({
        workspace,
        sources: {},
        segments: [{ name: 'life', type: 'lifecycle' }],
      }),
    );
    expect((await runCli(['run', '--config', changed])).code).not.toBe(2);
    const log = jsonOf<{
      entries: { action: string; actor: string; target: string | null; detail: unknown }[];
    }>(await runCli(['audit', '--config', config, '--json']));
    const actions = log.entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['members', 'forget', 'config_change']));
    expect(actions.filter((a) => a === 'forget').length).toBe(2);
    for (const e of log.entries) expect(e.actor).toMatch(/^local:/);
    expect(JSON.stringify(log.entries)).not.toContain(victim);
    expect(log.entries.find((e) => e.action === 'forget' && e.target !== null)?.target).toBe(
      `key:${victimKey}`,
    );
    const onlyForget = jsonOf<{ entries: { action: string }[] }>(
      await runCli(['audit', '--config', config, '--action', 'forget', '--json']),
    );
    expect(onlyForget.entries.map((e) => e.action)).toEqual(['forget', 'forget']);
  });
});

describe('retention', () => {
  it('purges events and orders past their retention on each run, and records it', async () => {
    const kept = tmp.write(
      'retention.yaml',
      stringify({
        workspace,
        sources: {},
        segments: [{ name: 'life', type: 'lifecycle' }],
        privacy: { retain_events_days: 90, retain_orders_days: 400 },
      }),
    );
    const counts = (e: Engine) =>
      Promise.all([
        n(e, `SELECT COUNT(*) FROM events WHERE occurred_at < CURRENT_DATE - INTERVAL 90 DAY`),
        n(e, `SELECT COUNT(*) FROM orders WHERE ordered_at < CURRENT_DATE - INTERVAL 400 DAY`),
        n(e, 'SELECT COUNT(*) FROM events'),
      ]);
    const [oldEvents, oldOrders, allEvents] = await withEngine(counts);
    expect(oldEvents).toBeGreaterThan(0);
    expect(oldOrders).toBeGreaterThan(0);
    const run = jsonOf<{ timings_ms: Record<string, number> }>(
      await runCli(['run', '--config', kept, '--json']),
    );
    expect(run.timings_ms['retention']).toBeGreaterThanOrEqual(0);
    const [afterEvents, afterOrders, remaining] = await withEngine(counts);
    expect([afterEvents, afterOrders]).toEqual([0, 0]);
    expect(remaining).toBe(allEvents - oldEvents);
    await withEngine(async (e) => {
      expect(
        await n(e, 'SELECT COUNT(*) FROM order_items WHERE order_id NOT IN (SELECT order_id FROM orders)'),
      ).toBe(0);
    });
    const log = jsonOf<{ entries: { action: string; detail: { rows_deleted: Record<string, number> } }[] }>(
      await runCli(['audit', '--config', kept, '--action', 'retention_purge', '--json']),
    );
    expect(log.entries.length).toBe(1);
    expect(log.entries[0]!.detail.rows_deleted['events']).toBe(oldEvents);
  });
});

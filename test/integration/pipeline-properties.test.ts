/**
 * Property test of the pipeline (issue 3): on random small workspaces — 0 to 40 customers, some
 * without created_at, random orders (same-day and same-instant ones, cancelled, refunded, without a
 * status, zero-value), customers without orders, random event types — and a random as-of date,
 * every customer that exists on the as-of date lands in exactly one segment of every scheme, the
 * segment sizes add up to the total, and revenue and orders summed over a scheme's segments equal
 * the base totals, which equal a plain TypeScript sum over the generated rows.
 */
import { mkdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import { ingest } from '../../src/ingest/ingest.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const DAY = 86_400_000;
const ORIGIN = Date.UTC(2024, 0, 1);
const CHANNELS = ['paid_search', 'organic', 'email', ''];
const EVENT_TYPES = ['visit', 'email_open', 'support_ticket', 'Add to Cart', 'login', 'Login!'];
const STATUSES = ['completed', 'completed', 'completed', 'cancelled', 'refunded', ''];

const SCHEMES = [
  { name: 'rfm', type: 'rfm' },
  { name: 'lifecycle', type: 'lifecycle' },
  { name: 'channel', type: 'dimension', column: 'acquisition_channel' },
  { name: 'orders_band', type: 'dimension', column: 'orders_total' },
  {
    name: 'value',
    type: 'rules',
    rules: [
      { segment: 'Big', where: 'revenue_365d >= 300' },
      { segment: 'Visitors', where: 'visits_365d >= 1 and orders_365d = 0' },
      { segment: 'Nobody', where: 'revenue_total < 0' },
    ],
  },
];

interface Order {
  day: number;
  second: number;
  sameDay: boolean;
  revenue: number;
  status: string;
}
interface CustomerSpec {
  createdDay: number | null;
  channel: string;
  orders: Order[];
  events: { day: number; type: string }[];
}

const orderArb = fc.record({
  day: fc.integer({ min: 0, max: 800 }),
  second: fc.integer({ min: 0, max: 86_399 }),
  sameDay: fc.boolean(),
  revenue: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 50_000 }).map((c) => c / 100),
  ),
  status: fc.constantFrom(...STATUSES),
});
const customerArb: fc.Arbitrary<CustomerSpec> = fc.record({
  createdDay: fc.option(fc.integer({ min: 0, max: 700 }), { freq: 6 }),
  channel: fc.constantFrom(...CHANNELS),
  orders: fc.array(orderArb, { maxLength: 6, size: 'max' }),
  events: fc.array(
    fc.record({ day: fc.integer({ min: 0, max: 800 }), type: fc.constantFrom(...EVENT_TYPES) }),
    { maxLength: 5 },
  ),
});
const workspaceArb = fc.record({
  customers: fc.array(customerArb, { maxLength: 40, size: 'max' }),
  asOfDay: fc.integer({ min: -30, max: 830 }),
});

const stamp = (day: number, second = 0) =>
  new Date(ORIGIN + day * DAY + second * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** The rows of a workspace: orders start on or after the customer's creation; same-day ones share a day. */
function rows(ws: { customers: CustomerSpec[] }) {
  const customers = ['customer_id,created_at,acquisition_channel'];
  const orders = ['order_id,customer_id,ordered_at,revenue,status'];
  const events = ['customer_id,occurred_at,event_type'];
  const parsed: {
    id: string;
    created: number | null;
    orders: { t: number; revenue: number; status: string }[];
  }[] = [];
  let orderNo = 0;
  ws.customers.forEach((c, i) => {
    const id = `C${String(i).padStart(3, '0')}`;
    const created = c.createdDay === null ? null : ORIGIN + c.createdDay * DAY + 3600_000;
    customers.push(`${id},${c.createdDay === null ? '' : stamp(c.createdDay, 3600)},${c.channel}`);
    const list: { t: number; revenue: number; status: string }[] = [];
    let previous: number | undefined;
    for (const o of c.orders) {
      let day = Math.max(o.day, c.createdDay ?? 0);
      if (o.sameDay && previous !== undefined) day = previous;
      // Orders on the creation day come after the creation time.
      const second = c.createdDay !== null && day === c.createdDay ? Math.max(o.second, 3600) : o.second;
      previous = day;
      const t = ORIGIN + day * DAY + second * 1000;
      orders.push(
        `O${String(++orderNo).padStart(4, '0')},${id},${stamp(day, second)},${o.revenue.toFixed(2)},${o.status}`,
      );
      list.push({ t, revenue: o.revenue, status: o.status === '' ? 'completed' : o.status });
    }
    for (const e of c.events) events.push(`${id},${stamp(e.day, 7200)},${e.type}`);
    parsed.push({ id, created, orders: list });
  });
  return {
    customers: `${customers.join('\n')}\n`,
    orders: `${orders.join('\n')}\n`,
    events: `${events.join('\n')}\n`,
    parsed,
  };
}

const tmp = makeTempDir('segtrack-pipeline-props-');
afterAll(() => tmp.remove());
let runNo = 0;

describe('pipeline properties on random small workspaces', () => {
  it('puts every existing customer in exactly one segment of each scheme, preserving totals', async () => {
    await fc.assert(
      fc.asyncProperty(workspaceArb, async (ws) => {
        const dir = tmp.path(`run-${++runNo}`);
        mkdirSync(dir, { recursive: true });
        const r = rows(ws);
        const sources = {
          customers: { file: tmp.write(`run-${runNo}/customers.csv`, r.customers) },
          orders: { file: tmp.write(`run-${runNo}/orders.csv`, r.orders) },
          events: { file: tmp.write(`run-${runNo}/events.csv`, r.events) },
        };
        const asOf = new Date(ORIGIN + ws.asOfDay * DAY).toISOString().slice(0, 10);
        const end = ORIGIN + (ws.asOfDay + 1) * DAY;
        const since365 = end - 365 * DAY;

        // Independently: who exists on the as-of date, and their completed orders of the last 365 days.
        const existing = r.parsed.filter((c) => {
          const completed = c.orders.filter((o) => o.status === 'completed' && o.t < end);
          // Without created_at: unless the first order, of any status, comes after the as-of date.
          const firstAny = Math.min(Infinity, ...c.orders.map((o) => o.t));
          return (
            (c.created !== null && c.created < end) ||
            completed.length > 0 ||
            (c.created === null && (c.orders.length === 0 || firstAny < end))
          );
        });
        const inP = existing.flatMap((c) =>
          c.orders.filter((o) => o.status === 'completed' && o.t >= since365 && o.t < end),
        );
        const revenue = inP.reduce((a, o) => a + o.revenue, 0);

        const engine = await openWorkspace(':memory:');
        try {
          const config = configFromObject({ sources, segments: SCHEMES }, dir);
          await ingest(engine, config, { now: new Date('2030-01-01T00:00:00Z') });
          const run = await runPipeline(engine, config, { asOf });
          const ids = existing.map((c) => c.id).sort();
          expect(run.customers).toBe(ids.length);
          const features = await engine.query<{ customer_id: string }>(
            `SELECT customer_id FROM features ORDER BY 1`,
          );
          expect(features.map((f) => f.customer_id)).toEqual(ids);

          for (const s of SCHEMES) {
            const members = await engine.query<{ customer_id: string; segment: string }>(
              `SELECT customer_id, segment FROM snapshot_members JOIN customer_keys USING (customer_key) WHERE snapshot_id = $1 AND scheme = $2 ORDER BY customer_id`,
              [run.snapshot_id, s.name],
            );
            // Every existing customer once, nobody else.
            expect(
              members.map((m) => m.customer_id),
              s.name,
            ).toEqual(ids);
            const segments = await engine.query<{ segment: string; customers: number }>(
              `SELECT segment, customers FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2`,
              [run.snapshot_id, s.name],
            );
            const names = segments.map((g) => g.segment);
            expect(new Set(names).size, `${s.name}: ${names.join(', ')}`).toBe(names.length);
            for (const g of segments)
              expect(Number(g.customers), `${s.name}/${g.segment}`).toBe(
                members.filter((m) => m.segment === g.segment).length,
              );
            for (const m of members) expect(names, `${s.name}: ${m.customer_id}`).toContain(m.segment);
            expect(segments.reduce((a, g) => a + Number(g.customers), 0)).toBe(ids.length);

            const kpis = await engine.query<{
              segment: string;
              kpi: string;
              value: number | null;
              available: boolean;
            }>(
              `SELECT segment, kpi, value, available FROM snapshot_kpis
                WHERE snapshot_id = $1 AND scheme IN ($2, '(all)') AND kpi IN ('revenue', 'orders')`,
              [run.snapshot_id, s.name],
            );
            for (const [kpi, want] of [
              ['revenue', revenue],
              ['orders', inP.length],
            ] as const) {
              const base = kpis.find((k) => k.segment === 'All customers' && k.kpi === kpi)!;
              const parts = kpis.filter((k) => k.segment !== 'All customers' && k.kpi === kpi);
              expect(parts.length, `${s.name} ${kpi}`).toBe(segments.length);
              // Without any completed order the KPI is unavailable (null) everywhere; then there is nothing to sum.
              const total = parts.reduce((a, k) => a + (k.value ?? 0), 0);
              expect(
                Math.abs(total - want),
                `${s.name} ${kpi}: Σ segments ${total}, want ${want}`,
              ).toBeLessThan(1e-6);
              expect(Math.abs((base.value ?? 0) - want), `${s.name} ${kpi}: base ${base.value}`).toBeLessThan(
                1e-6,
              );
              if (base.available) expect(base.value).not.toBeNull();
            }
          }
        } finally {
          await engine.close();
        }
      }),
      {
        seed: 20_250_302,
        numRuns: 25,
        // An empty workspace, and one customer with same-instant orders of which one is cancelled.
        examples: [
          [{ customers: [], asOfDay: 100 }],
          [
            {
              customers: [
                {
                  createdDay: 10,
                  channel: '',
                  orders: [
                    { day: 20, second: 5, sameDay: false, revenue: 12.5, status: 'completed' },
                    { day: 20, second: 5, sameDay: true, revenue: 0, status: '' },
                    { day: 20, second: 5, sameDay: true, revenue: 7, status: 'cancelled' },
                  ],
                  events: [{ day: 19, type: 'visit' }],
                },
              ],
              asOfDay: 30,
            },
          ],
        ],
      },
    );
  }, 60_000);
});

/**
 * Property test of the migration matrix: on random small workspaces (0 to 30 customers, some
 * without created_at, random orders of every status, as in pipeline-properties.test.ts), run the
 * real pipeline as of two random dates, optionally erase random customers between or after the
 * runs, and check, for every scheme, against the stored `snapshot_segments` and an independent
 * TypeScript count over the generated rows:
 * - each `from` row (with "(gone)") adds up to the segment's stored size in `from`, and each `to`
 *   column (with "(new)" and "(erased)") to its stored size in `to`;
 * - "(new)", "(gone)" and "(erased)" hold exactly the customers they should;
 * - the cells' revenue adds up to the revenue of the customers of the `to` snapshot in its KPI
 *   period, and per column to the stored `revenue` KPI when nobody was erased since;
 * - suppressed at a random threshold: no shown cell is small, shown cells keep their figures,
 *   and every row and column has no hidden cell or at least two holding ≥ t customers together.
 */
import { mkdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { ingest } from '../../src/ingest/ingest.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { forgetCustomers } from '../../src/privacy/forget.js';
import { rawMigration, shownMigration, type MigrationCell } from '../../src/tracking/migration.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const DAY = 86_400_000;
const ORIGIN = Date.UTC(2024, 0, 1);
const STATUSES = ['completed', 'completed', 'completed', 'cancelled', 'refunded', ''];
const SCHEMES = [
  { name: 'rfm', type: 'rfm' },
  { name: 'lifecycle', type: 'lifecycle' },
  {
    name: 'value',
    type: 'rules',
    rules: [
      { segment: 'Big', where: 'revenue_365d >= 300' },
      { segment: 'Buyer', where: 'orders_total >= 1' },
    ],
  },
];

interface CustomerSpec {
  createdDay: number | null;
  orders: { day: number; second: number; revenue: number; status: string }[];
  erased: boolean;
}
const customerArb: fc.Arbitrary<CustomerSpec> = fc.record({
  createdDay: fc.option(fc.integer({ min: 0, max: 600 }), { freq: 6 }),
  orders: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 700 }),
      second: fc.integer({ min: 0, max: 86_399 }),
      revenue: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 50_000 }).map((c) => c / 100),
      ),
      status: fc.constantFrom(...STATUSES),
    }),
    { maxLength: 5 },
  ),
  erased: fc.boolean(),
});
const workspaceArb = fc.record({
  customers: fc.array(customerArb, { maxLength: 30 }),
  fromDay: fc.integer({ min: 0, max: 650 }),
  gap: fc.integer({ min: 1, max: 200 }),
  /** When the customers marked `erased` are erased: never, between the two runs, after both. */
  erasure: fc.constantFrom('none', 'between', 'after'),
  threshold: fc.integer({ min: 2, max: 12 }),
});

const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

interface Parsed {
  id: string;
  created: number | null;
  orders: { t: number; revenue: number; status: string }[];
  erased: boolean;
}

function files(customers: CustomerSpec[]): { customers: string; orders: string; parsed: Parsed[] } {
  const c = ['customer_id,created_at'];
  const o = ['order_id,customer_id,ordered_at,revenue,status'];
  const parsed: Parsed[] = [];
  let n = 0;
  customers.forEach((spec, i) => {
    const id = `C${String(i).padStart(3, '0')}`;
    const created = spec.createdDay === null ? null : ORIGIN + spec.createdDay * DAY + 3600_000;
    c.push(`${id},${created === null ? '' : stamp(created)}`);
    const orders = spec.orders.map((x) => {
      // Orders come after the customer's creation.
      const t = Math.max(ORIGIN + x.day * DAY + x.second * 1000, created ?? 0);
      o.push(`O${String(++n).padStart(4, '0')},${id},${stamp(t)},${x.revenue.toFixed(2)},${x.status}`);
      return { t, revenue: x.revenue, status: x.status === '' ? 'completed' : x.status };
    });
    parsed.push({ id, created, orders, erased: spec.erased });
  });
  return { customers: `${c.join('\n')}\n`, orders: `${o.join('\n')}\n`, parsed };
}

/** Who exists on a date (src/features/CONTEXT.md, "Who is in the table"), computed independently. */
function exists(c: Parsed, end: number): boolean {
  const completed = c.orders.some((o) => o.status === 'completed' && o.t < end);
  const firstAny = Math.min(Infinity, ...c.orders.map((o) => o.t));
  return (
    (c.created !== null && c.created < end) ||
    completed ||
    (c.created === null && (c.orders.length === 0 || firstAny < end))
  );
}

async function storedSizes(engine: Engine, id: number, scheme: string): Promise<Map<string, number>> {
  const rows = await engine.query<{ segment: string; customers: number }>(
    `SELECT segment, customers FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2`,
    [id, scheme],
  );
  return new Map(rows.map((r) => [r.segment, Number(r.customers)]));
}

async function storedRevenue(engine: Engine, id: number, scheme: string): Promise<Map<string, number>> {
  const rows = await engine.query<{ segment: string; value: number | null }>(
    `SELECT segment, value FROM snapshot_kpis WHERE snapshot_id = $1 AND scheme = $2 AND kpi = 'revenue'`,
    [id, scheme],
  );
  return new Map(rows.map((r) => [r.segment, r.value ?? 0]));
}

const sum = (cells: MigrationCell[], f: (c: MigrationCell) => number | null) =>
  cells.reduce((a, c) => a + (f(c) ?? 0), 0);

const tmp = makeTempDir('segtrack-migration-props-');
afterAll(() => tmp.remove());
let runNo = 0;

describe('migration matrix properties on random small workspaces', () => {
  it('reconciles with the stored segment sizes and an independent count, and suppresses safely', async () => {
    await fc.assert(
      fc.asyncProperty(workspaceArb, async (ws) => {
        const dir = tmp.path(`run-${++runNo}`);
        mkdirSync(dir, { recursive: true });
        const f = files(ws.customers);
        const sources = {
          customers: { file: tmp.write(`run-${runNo}/customers.csv`, f.customers) },
          orders: { file: tmp.write(`run-${runNo}/orders.csv`, f.orders) },
        };
        const day = (n: number) => new Date(ORIGIN + n * DAY).toISOString().slice(0, 10);
        const fromEnd = ORIGIN + (ws.fromDay + 1) * DAY;
        const toEnd = fromEnd + ws.gap * DAY;
        const marked = f.parsed.filter((c) => c.erased).map((c) => c.id);
        const engine = await openWorkspace(':memory:');
        try {
          const config = configFromObject({ sources, segments: SCHEMES }, dir);
          await ingest(engine, config, { now: new Date('2030-01-01T00:00:00Z') });
          await runPipeline(engine, config, { asOf: day(ws.fromDay) });
          if (ws.erasure === 'between') await forgetCustomers(engine, marked);
          await runPipeline(engine, config, { asOf: day(ws.fromDay + ws.gap) });
          if (ws.erasure === 'after') await forgetCustomers(engine, marked);

          // Independently: who is in each snapshot, and who of them is erased.
          const erased = (c: Parsed) => ws.erasure !== 'none' && c.erased;
          const inFrom = f.parsed.filter((c) => exists(c, fromEnd));
          const inTo = f.parsed.filter((c) => exists(c, toEnd) && !(ws.erasure === 'between' && c.erased));
          const fromIds = new Set(inFrom.map((c) => c.id));
          const wantNew = inTo.filter((c) => !fromIds.has(c.id) && !erased(c)).length;
          const wantGone = inFrom.filter((c) => erased(c)).length;
          const wantErased = ws.erasure === 'after' ? inTo.filter((c) => c.erased).length : 0;
          const since = toEnd - 365 * DAY;
          const wantRevenue = inTo
            .filter((c) => !erased(c))
            .flatMap((c) => c.orders)
            .filter((o) => o.status === 'completed' && o.t >= since && o.t < toEnd)
            .reduce((a, o) => a + o.revenue, 0);

          for (const s of SCHEMES) {
            const raw = await rawMigration(engine, { scheme: s.name });
            const info = `${s.name} ${ws.erasure} ${day(ws.fromDay)}→+${ws.gap}d`;
            expect([raw.from.snapshot_id, raw.to.snapshot_id], info).toEqual([1, 2]);
            const fromSizes = await storedSizes(engine, 1, s.name);
            const toSizes = await storedSizes(engine, 2, s.name);
            // Rows: the `from` segments, then (new) and (erased); each from row adds up to its size.
            for (const [segment, size] of fromSizes) {
              const row = raw.cells.filter(
                (c) => c.from === segment && c.flow !== 'entry' && c.flow !== 'erased',
              );
              expect(
                sum(row, (c) => c.customers),
                `${info} row ${segment}`,
              ).toBe(size);
            }
            for (const [segment, size] of toSizes) {
              const column = raw.cells.filter((c) => c.to === segment && c.flow !== 'exit');
              expect(
                sum(column, (c) => c.customers),
                `${info} column ${segment}`,
              ).toBe(size);
            }
            expect(raw.fromSizes.map((x) => x.segment).sort()).toEqual([...fromSizes.keys()].sort());
            expect(raw.toSizes.map((x) => x.segment).sort()).toEqual([...toSizes.keys()].sort());
            const of = (flow: MigrationCell['flow']) => raw.cells.filter((c) => c.flow === flow);
            expect(
              sum(of('entry'), (c) => c.customers),
              `${info} (new)`,
            ).toBe(wantNew);
            expect(
              sum(of('exit'), (c) => c.customers),
              `${info} (gone)`,
            ).toBe(wantGone);
            expect(
              sum(of('erased'), (c) => c.customers),
              `${info} (erased)`,
            ).toBe(wantErased);
            expect(of('erased').length > 0, `${info} (erased) row`).toBe(wantErased > 0);

            // Revenue: the `to` customers who can be followed, in the `to` KPI period.
            const inColumns = raw.cells.filter((c) => c.flow !== 'exit');
            expect(Math.abs(sum(inColumns, (c) => c.revenue) - wantRevenue), info).toBeLessThan(1e-6);
            if (ws.erasure !== 'after') {
              const stored = await storedRevenue(engine, 2, s.name);
              for (const [segment, value] of stored) {
                const column = inColumns.filter((c) => c.to === segment);
                expect(
                  Math.abs(sum(column, (c) => c.revenue) - value),
                  `${info} revenue ${segment}`,
                ).toBeLessThan(1e-6);
              }
            }
            if (ws.erasure === 'none') {
              const before = await storedRevenue(engine, 1, s.name);
              for (const [segment, value] of before) {
                const row = raw.cells.filter((c) => c.from === segment && c.flow !== 'entry');
                expect(
                  Math.abs(sum(row, (c) => c.revenue_before) - value),
                  `${info} revenue before ${segment}`,
                ).toBeLessThan(1e-6);
              }
            }

            // Suppressed at the random threshold.
            const t = ws.threshold;
            const shown = shownMigration(raw, t);
            shown.matrix.forEach((c, i) => {
              const truth = raw.cells[i]!;
              expect([c.from, c.to, c.flow]).toEqual([truth.from, truth.to, truth.flow]);
              if (c.suppressed) {
                expect([c.customers, c.revenue, c.revenue_before], info).toEqual([null, null, null]);
                expect(truth.customers, info).toBeGreaterThan(0);
              } else {
                expect(c, info).toEqual(truth);
                expect(truth.customers === 0 || truth.customers! >= t, `${info} ${c.from}→${c.to}`).toBe(
                  true,
                );
              }
            });
            const lines = [
              ...new Set(
                shown.matrix.map((c) => `row ${c.flow === 'entry' || c.flow === 'erased' ? c.flow : c.from}`),
              ),
              ...new Set(shown.matrix.map((c) => `col ${c.flow === 'exit' ? c.flow : c.to}`)),
            ];
            for (const line of lines) {
              const members = shown.matrix
                .map((c, i) => ({ c, truth: raw.cells[i]! }))
                .filter(({ c }) =>
                  line.startsWith('row ')
                    ? line === `row ${c.flow === 'entry' || c.flow === 'erased' ? c.flow : c.from}`
                    : line === `col ${c.flow === 'exit' ? c.flow : c.to}`,
                );
              const hidden = members.filter(({ c }) => c.suppressed);
              if (hidden.length === 0) continue;
              const together = hidden.reduce((a, { truth }) => a + truth.customers!, 0);
              const allHidden = members.every(({ c, truth }) => c.suppressed || truth.customers === 0);
              expect((hidden.length >= 2 && together >= t) || allHidden, `${info} t=${t} ${line}`).toBe(true);
            }
          }
        } finally {
          await engine.close();
        }
      }),
      {
        seed: 20_250_307,
        numRuns: 40,
        examples: [
          // Nobody at all; and one customer, erased after both runs.
          [{ customers: [], fromDay: 100, gap: 30, erasure: 'none', threshold: 10 }],
          [
            {
              customers: [
                {
                  createdDay: 5,
                  orders: [{ day: 10, second: 0, revenue: 20, status: 'completed' }],
                  erased: true,
                },
              ],
              fromDay: 50,
              gap: 10,
              erasure: 'after',
              threshold: 10,
            },
          ],
          // Orders on the first day of the `to` KPI period (day 66 for as-of day 430) and on the
          // last day before it: the period's edges.
          [
            {
              customers: [
                {
                  createdDay: 0,
                  orders: [
                    { day: 66, second: 0, revenue: 11, status: 'completed' },
                    { day: 65, second: 86_399, revenue: 7, status: 'completed' },
                    { day: 430, second: 86_399, revenue: 5, status: '' },
                  ],
                  erased: false,
                },
              ],
              fromDay: 400,
              gap: 30,
              erasure: 'none',
              threshold: 10,
            },
          ],
        ],
      },
    );
  }, 120_000);
});

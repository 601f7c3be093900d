/**
 * A workspace for the `segtrack compare` tests: generated customers and orders (BG/NBD
 * purchases, src/generate) from 2024-01-01 to 2025-06-30, ingested and run as of 2025-03-31 with a
 * lifecycle scheme, plus helpers to plant a treatment effect (extra completed orders) and to
 * write the group files.
 */
import { expect } from 'vitest';
import { stringify } from 'yaml';
import type { Rng } from '../../src/core/rng.js';
import type { Engine } from '../../src/engine/engine.js';
import { generate } from '../../src/generate/generate.js';
import { CANONICAL_TABLES } from '../../src/model/canonical.js';
import { runCli } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

/** The start of every planted treatment: the post window is 2025-04-01 … 2025-04-28. */
export const START = '2025-04-01';
/** The snapshot the segments are read from (the day before the start). */
export const AS_OF = '2025-03-31';

export interface CompareWorkspace {
  tmp: TempDir;
  workspace: string;
  /** A config file for the workspace (with the privacy settings it was built with). */
  config: string;
  /** Writes another config for the same workspace, with other privacy settings. */
  configWith(name: string, privacy: Record<string, unknown>): string;
}

/** Generates, ingests and runs (as of {@link AS_OF}) a workspace of `customers` customers. */
export async function buildCompareWorkspace(
  prefix: string,
  customers: number,
  seed: number,
  privacy: Record<string, unknown> = {},
): Promise<CompareWorkspace> {
  const tmp = makeTempDir(prefix);
  const generated = await generate({
    out: tmp.path('data'),
    customers,
    seed,
    start: '2024-01-01',
    end: '2025-06-30',
    events: false,
    orderItems: false,
  });
  const workspace = tmp.path('ws.duckdb');
  const sources = Object.fromEntries(
    CANONICAL_TABLES.filter((t) => generated.files[t] !== undefined).map((t) => [
      t,
      { file: generated.files[t]! },
    ]),
  );
  const configWith = (name: string, privacy: Record<string, unknown>) =>
    tmp.write(
      `${name}.yaml`,
      stringify({ workspace, sources, segments: [{ name: 'life', type: 'lifecycle' }], privacy }),
    );
  const config = configWith('segtrack', privacy);
  const ingest = await runCli(['ingest', '--config', config]);
  expect(ingest.code, ingest.stderr).toBe(0);
  const run = await runCli(['run', '--config', config, '--as-of', AS_OF]);
  expect(run.code, run.stderr).toBe(0);
  return { tmp, workspace, config, configWith };
}

/** Customer ids of a segment of the lifecycle scheme in the first snapshot, sorted. */
export async function segmentIds(engine: Engine, segment: string): Promise<string[]> {
  const rows = await engine.query<{ id: string }>(
    `SELECT k.customer_id AS id FROM snapshot_members m JOIN customer_keys k USING (customer_key)
      WHERE m.snapshot_id = 1 AND m.scheme = 'life' AND m.segment = $1 ORDER BY id`,
    [segment],
  );
  return rows.map((r) => r.id);
}

/** Splits ids into a random half (treated) and the rest (control), by a seeded shuffle. */
export function randomHalves(ids: readonly string[], rng: Rng): { treated: string[]; control: string[] } {
  const shuffled = rng.shuffle([...ids]);
  const half = Math.floor(shuffled.length / 2);
  return { treated: shuffled.slice(0, half).sort(), control: shuffled.slice(half).sort() };
}

/** An extra completed order to plant. */
export interface PlantedOrder {
  customer_id: string;
  /** Day offset from {@link START} (negative: before the start). */
  day: number;
  revenue: number;
}

/**
 * Plants a treatment: each of `ids` gets, with probability `probability`, one completed order
 * worth `revenue` on a random day of the post window (28 days from {@link START}). The true
 * effect on revenue per customer is probability × revenue.
 */
export function postWindowOrders(
  ids: readonly string[],
  rng: Rng,
  probability: number,
  revenue: number,
): PlantedOrder[] {
  const out: PlantedOrder[] = [];
  for (const id of ids)
    if (rng.bernoulli(probability)) out.push({ customer_id: id, day: rng.int(28), revenue });
  return out;
}

/**
 * Inserts planted orders (ids `planted-…`); {@link removePlanted} takes them out again. Values go
 * through the dialect's quoting function.
 */
export async function plant(engine: Engine, orders: readonly PlantedOrder[]): Promise<void> {
  const d = engine.dialect;
  const [row] = await engine.query(`SELECT COUNT(*) AS n FROM orders WHERE order_id LIKE 'planted-%'`);
  let next = Number(row?.['n'] ?? 0);
  for (let i = 0; i < orders.length; i += 500) {
    const values = orders.slice(i, i + 500).map((o) => {
      const at = new Date(Date.parse(`${START}T12:00:00Z`) + o.day * 86_400_000).toISOString().slice(0, 19);
      return `(${d.literal(`planted-${next++}`)}, ${d.literal(o.customer_id)}, CAST(${d.literal(at)} AS TIMESTAMP), ${d.literal(o.revenue)}, 'completed')`;
    });
    if (values.length > 0)
      await engine.exec(
        `INSERT INTO orders (order_id, customer_id, ordered_at, revenue, status) VALUES ${values.join(', ')}`,
      );
  }
}

/** Removes every planted order. */
export async function removePlanted(engine: Engine): Promise<void> {
  await engine.exec(`DELETE FROM orders WHERE order_id LIKE 'planted-%'`);
}

/** Writes a CSV file of customer ids (header `customer_id`) and returns its path. */
export function writeIds(tmp: TempDir, name: string, ids: readonly string[]): string {
  return tmp.write(name, `customer_id\n${ids.map((id) => `"${id.replaceAll('"', '""')}"`).join('\n')}\n`);
}

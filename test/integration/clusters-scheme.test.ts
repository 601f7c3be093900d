/**
 * The kmeans scheme in the pipeline (issue 5): membership computed in the engine equals the
 * in-process labels; same seed and data give the same clusters, names and ids; ids and names
 * survive a second snapshot, and changes of k are reported as new / gone clusters; the
 * `segtrack clusters` and `segtrack drivers` commands; drivers on data with a known answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSchemeMeta } from '../../src/clusters/cluster-scheme-fit.js';
import { fitClusterScheme } from '../../src/clusters/cluster-scheme-fit.js';
import { kpiDrivers } from '../../src/clusters/drivers.js';
import { readPreviousFit } from '../../src/clusters/previous-fit.js';
import { configFromObject } from '../../src/config/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { generate, type GenerateResult } from '../../src/generate/generate.js';
import { ingest } from '../../src/ingest/ingest.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const FEATURES = ['recency_days', 'orders_365d', 'revenue_365d', 'aov'];
const DATES = ['2026-03-31', '2026-06-30'];

let tmp: TempDir;
let data: GenerateResult;

function config(k: number | 'auto') {
  const sources = Object.fromEntries(['customers', 'orders'].map((t) => [t, { file: data.files[t]! }]));
  return configFromObject(
    {
      sources,
      segments: [
        {
          name: 'clusters',
          type: 'kmeans',
          features: FEATURES,
          k,
          k_range: k === 'auto' ? [2, 6] : undefined,
        },
      ],
      kpis: { include: ['customers', 'revenue', 'aov'] },
    },
    tmp.dir,
  );
}

async function workspace(path: string): Promise<Engine> {
  const engine = await openWorkspace(path);
  await ingest(engine, config('auto'), { now: new Date('2027-01-01T00:00:00Z') });
  return engine;
}

async function schemeMeta(engine: Engine, snapshotId: number): Promise<ClusterSchemeMeta> {
  const [row] = await engine.query<{ meta: string }>(
    `SELECT meta FROM snapshot_schemes WHERE snapshot_id = $1 AND scheme = 'clusters'`,
    [snapshotId],
  );
  return JSON.parse(row!.meta) as ClusterSchemeMeta;
}

async function members(engine: Engine, snapshotId: number): Promise<string[]> {
  const rows = await engine.query<{ customer_id: string; segment: string }>(
    `SELECT customer_id, segment FROM snapshot_members JOIN customer_keys USING (customer_key) WHERE snapshot_id = $1 AND scheme = 'clusters' ORDER BY customer_id`,
    [snapshotId],
  );
  return rows.map((r) => `${r.customer_id}:${r.segment}`);
}

let a: Engine;
let b: Engine;
const snapsA: number[] = [];
const snapsB: number[] = [];

beforeAll(async () => {
  tmp = makeTempDir('segtrack-clusters-scheme-');
  data = await generate({
    out: tmp.path('data'),
    customers: 3000,
    seed: 31,
    events: false,
    orderItems: false,
  });
  a = await workspace(tmp.path('a.duckdb'));
  b = await workspace(tmp.path('b.duckdb'));
  for (const asOf of DATES) {
    snapsA.push((await runPipeline(a, config('auto'), { asOf })).snapshot_id);
    snapsB.push((await runPipeline(b, config('auto'), { asOf })).snapshot_id);
  }
});
afterAll(async () => {
  await a.close();
  await b.close();
  tmp.remove();
});

describe('kmeans scheme', () => {
  it('assigns every customer exactly once, in the engine, as the in-process fit does', async () => {
    const [n] = await a.query<{ n: number; c: number }>(
      `SELECT count(*) AS n, count(DISTINCT customer_key) AS c FROM snapshot_members WHERE snapshot_id = $1 AND scheme = 'clusters'`,
      [snapsA[1]!],
    );
    const [f] = await a.query<{ n: number }>('SELECT count(*) AS n FROM features');
    expect(Number(n!.n)).toBe(Number(f!.n));
    expect(Number(n!.c)).toBe(Number(f!.n));
    // The same fit again (features are as of the last date), its SQL against its labels.
    const previous = await readPreviousFit(a, 'clusters', DATES[0]!);
    const fit = await fitClusterScheme(a, 'features', {
      features: FEATURES.map((name) => ({ name })),
      k: 'auto',
      kRange: [2, 6],
      previous,
    });
    const sqlRows = await a.query<{ segment: string }>(
      `SELECT segment FROM (${fit.sql}) ORDER BY customer_id`,
    );
    const inProcess = Array.from(fit.labels, (l) => fit.segmentOfLabel[l]!);
    expect(sqlRows.map((r) => r.segment)).toEqual(inProcess);
    // And it is what the pipeline stored.
    expect(await members(a, snapsA[1]!)).toEqual(
      (await a.query<{ customer_id: string }>('SELECT customer_id FROM features ORDER BY customer_id')).map(
        (r, i) => `${r.customer_id}:${inProcess[i]!}`,
      ),
    );
  });

  it('stores profiles, names, the k-choice report, centres and the transform in the meta', async () => {
    const m = await schemeMeta(a, snapsA[0]!);
    expect(m.k.mode).toBe('auto');
    expect(m.k.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
    expect(m.k.reason).toMatch(/^k = \d+ was chosen/);
    expect(m.clusters.length).toBe(m.k.chosen);
    expect(new Set(m.clusters.map((c) => c.name)).size).toBe(m.clusters.length);
    expect(m.clusters.reduce((s, c) => s + c.size, 0)).toBe(m.customers);
    for (const c of m.clusters) {
      expect(c.centroid).toHaveLength(FEATURES.length);
      expect(c.profile.map((p) => p.feature)).toEqual(FEATURES);
      expect(c.name).toMatch(/customers/);
    }
    expect(m.transform.features.map((f) => f.name)).toEqual(FEATURES);
    expect(Object.keys(m.missing)).toEqual(FEATURES);
    expect(m.missing['aov']).toBeGreaterThan(0); // the generator's prospects never ordered
    expect(m.features.find((f) => f.name === 'revenue_365d')!.log1p).toBe(true);
  });

  it('is deterministic: same data and seed, same clusters, names, ids and members', async () => {
    for (const [i, id] of snapsA.entries()) {
      const ma = await schemeMeta(a, id);
      const mb = await schemeMeta(b, snapsB[i]!);
      expect(mb.clusters).toEqual(ma.clusters);
      expect(mb.identity).toEqual(ma.identity);
      expect(await members(b, snapsB[i]!)).toEqual(await members(a, id));
    }
  });

  it('keeps cluster ids and names across snapshots and reports drift', async () => {
    const first = await schemeMeta(a, snapsA[0]!);
    const second = await schemeMeta(a, snapsA[1]!);
    expect(first.identity.previous_snapshot_id).toBeNull();
    expect(first.clusters.every((c) => c.status === 'new')).toBe(true);
    expect(second.identity.previous_snapshot_id).toBe(snapsA[0]);
    expect(second.identity.kept.length).toBeGreaterThan(0);
    for (const id of second.identity.kept) {
      const before = first.clusters.find((c) => c.id === id)!;
      const after = second.clusters.find((c) => c.id === id)!;
      expect(after.name).toBe(before.name);
      expect(after.drift).toBeGreaterThanOrEqual(0);
    }
    expect(second.identity.drift.map((x) => x.id)).toEqual(second.identity.kept);
  });

  it('reports new clusters when k grows and gone ones when it shrinks', async () => {
    const before = await schemeMeta(a, snapsA[1]!);
    const k = before.k.chosen;
    const grown = await runPipeline(a, config(k + 1), { asOf: DATES[1]! });
    const g = await schemeMeta(a, grown.snapshot_id);
    expect(g.identity.previous_snapshot_id).toBe(snapsA[1]);
    expect(g.identity.new.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...g.identity.new)).toBeGreaterThanOrEqual(before.identity.next_id);
    expect(g.identity.kept.length + g.identity.new.length).toBe(k + 1);
    const shrunk = await runPipeline(a, config(2), { asOf: DATES[1]! });
    const s = await schemeMeta(a, shrunk.snapshot_id);
    expect(s.identity.previous_snapshot_id).toBe(grown.snapshot_id);
    expect(s.identity.gone.length).toBeGreaterThanOrEqual(k - 1);
    const names = new Set(s.clusters.map((c) => c.name));
    for (const gone of s.identity.gone) expect(s.clusters.some((c) => c.id === gone.id)).toBe(false);
    expect(names.size).toBe(2);
  });

  it('segtrack clusters and segtrack drivers print JSON and tables', async () => {
    const path = tmp.path('cli.duckdb');
    const engine = await workspace(path);
    await runPipeline(engine, config(3), { asOf: DATES[1]! });
    await engine.close();
    const j = jsonOf<{
      k: number;
      customers: number;
      clusters: {
        id: number;
        name: string;
        customers: number;
        kpis: Record<string, { value: number | null }>;
      }[];
      identity: unknown;
    }>(await runCli(['--workspace', path, '--json', 'clusters', '--scheme', 'clusters']));
    expect(j.k).toBe(3);
    expect(j.clusters.map((c) => c.id)).toEqual([1, 2, 3]);
    // Each cluster carries its row of the snapshot's KPI table.
    for (const c of j.clusters) expect(c.kpis['customers']?.value).toBe(c.customers);
    expect(j.clusters.reduce((a, c) => a + (c.kpis['revenue']?.value ?? 0), 0)).toBeGreaterThan(0);
    const text = await runCli(['--workspace', path, 'clusters', '--scheme', 'clusters']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Choosing k (fixed)');
    const drv = jsonOf<{
      correlations: { feature: string; rho: number }[];
      scheme: { best: { segment: string } };
    }>(
      await runCli([
        '--workspace',
        path,
        '--json',
        'drivers',
        '--kpi',
        'revenue_365d',
        '--scheme',
        'clusters',
      ]),
    );
    expect(drv.correlations.length).toBeGreaterThan(5);
    expect(drv.scheme.best.segment).toBeTypeOf('string');
    const bad = await runCli(['--workspace', path, 'drivers', '--kpi', 'revenue_356d']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('revenue_365d');
  });
});

describe('drivers', () => {
  it('orders features by rank correlation on data with a known answer', async () => {
    const engine = await openWorkspace(':memory:');
    try {
      const n = 2000;
      const ids: string[] = [];
      const cols: Record<string, number[]> = { strong: [], weak: [], inverse: [], noise: [], y: [] };
      // A small deterministic generator: y rises with `strong`, falls with `inverse`, barely with `weak`.
      let s = 7;
      const u = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let i = 0; i < n; i++) {
        const x = u();
        const z = u();
        const e = u();
        ids.push(`C${String(i).padStart(5, '0')}`);
        cols['strong']!.push(x);
        cols['inverse']!.push(-z);
        cols['weak']!.push(e);
        cols['noise']!.push(u());
        cols['y']!.push(Math.exp(3 * x) + z + 0.3 * e);
      }
      await engine.exec(
        'CREATE TABLE drv (customer_id VARCHAR, strong DOUBLE, weak DOUBLE, inverse DOUBLE, noise DOUBLE, y DOUBLE)',
      );
      await engine.append('drv', [
        { name: 'customer_id', type: 'string', values: ids },
        ...Object.entries(cols).map(([name, values]) => ({ name, type: 'double' as const, values })),
      ]);
      const r = await kpiDrivers(engine, { table: 'drv', target: 'y' });
      expect(r.correlations.map((c) => c.feature)).toEqual(['strong', 'inverse', 'weak', 'noise']);
      expect(r.correlations[0]!.direction).toBe('higher');
      expect(r.correlations[1]!.direction).toBe('lower');
      expect(Math.abs(r.correlations[3]!.rho)).toBeLessThan(0.1);
    } finally {
      await engine.close();
    }
  });
});

describe('re-running a snapshot', () => {
  it('matches the earlier snapshot again, not the one it replaces', async () => {
    const original = await schemeMeta(b, snapsB[1]!);
    const rerun = await runPipeline(b, config('auto'), { asOf: DATES[1]! });
    const again = await schemeMeta(b, rerun.snapshot_id);
    expect(original.identity.previous_snapshot_id).toBe(snapsB[0]);
    expect(again.identity.previous_snapshot_id).toBe(snapsB[0]);
    expect(again.clusters.map((c) => [c.id, c.name])).toEqual(original.clusters.map((c) => [c.id, c.name]));
  });
});

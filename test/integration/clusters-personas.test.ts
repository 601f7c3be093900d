/**
 * Issue 5 acceptance: clustering recovers the personas planted by the generator, measured by the
 * adjusted Rand index against `truth.json`, on real generated files ingested into DuckDB.
 *
 * Two persona sets:
 * - WELL_SEPARATED (below): four personas whose spend per order (£20 / £80 / £320 / £1,200, tight
 *   gamma-gamma heterogeneity: p = 20, q = 40) and age (22 / 40 / 58 / 76, sd 3) differ clearly.
 *   On every seed, automatic k on `aov` alone (log1p chosen by the skewness rule) must pick 4 with
 *   ARI ≥ 0.8, and k = 4 on `aov` + `age` must reach ARI ≥ 0.8. (Automatic k on `aov` + `age` picks
 *   5: the ~6 % of customers without an age, imputed with the median, form a group of their own.)
 * - The generator's DEFAULT_PERSONAS overlap by design (a churner with one £35 order and a
 *   bargain hunter with one £18 order look alike): the best feature set found (log aov, log
 *   monetary_mean, age, log orders_total, log recency) reached ARI 0.36–0.42 with k = 5 on three
 *   seeds of 4,000 customers (see README-section.md). ARI ≥ 0.8 is not reachable there with any
 *   feature subset we tried; the test pins the measured level (≥ 0.3) so a regression shows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/clusters/ari.js';
import { fitClusterScheme } from '../../src/clusters/cluster-scheme-fit.js';
import { configFromObject } from '../../src/config/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildFeatures } from '../../src/features/build-features.js';
import { generate } from '../../src/generate/generate.js';
import type { PersonaSpec } from '../../src/generate/personas.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

/** Gamma-gamma scale for a mean spend per order m: p·γ/(q − 1) = m. */
const gammaFor = (mean: number, p = 20, q = 40) => (mean * (q - 1)) / p;
const persona = (name: string, share: number, spend: number, alpha: number, age: number): PersonaSpec => ({
  name,
  share,
  params: { r: 4, alpha, a: 1, b: 30, p: 20, q: 40, gamma: gammaFor(spend) },
  profile: { ageMean: age, ageSd: 3 },
});
const WELL_SEPARATED: PersonaSpec[] = [
  persona('young_bargain', 0.35, 20, 10, 22),
  persona('family_regular', 0.3, 80, 40, 40),
  persona('affluent', 0.2, 320, 20, 58),
  persona('senior_rare', 0.15, 1200, 160, 76),
];
const SEEDS = [11, 12, 13];
const CUSTOMERS = 4000;

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir('segtrack-clusters-personas-');
});
afterAll(() => tmp.remove());

/** Generates, ingests and builds features; returns the engine and each customer's true persona. */
async function workspace(
  seed: number,
  personas?: PersonaSpec[],
): Promise<{ engine: Engine; truth: Map<string, string>; names: string[] }> {
  const g = await generate({
    out: tmp.path(`data-${seed}-${personas ? 'sep' : 'default'}`),
    customers: CUSTOMERS,
    seed,
    prospectShare: 0,
    events: false,
    orderItems: false,
    ...(personas ? { personas } : {}),
  });
  const engine = await openWorkspace(':memory:');
  const sources = Object.fromEntries(['customers', 'orders'].map((t) => [t, { file: g.files[t]! }]));
  await ingest(engine, configFromObject({ sources }, tmp.dir), { now: new Date('2027-01-01T00:00:00Z') });
  await buildFeatures(engine, { asOf: '2026-06-30' });
  const t = JSON.parse(readFileSync(g.files['truth']!, 'utf8')) as {
    personas: { name: string }[];
    customers: Record<string, string>;
  };
  return { engine, truth: new Map(Object.entries(t.customers)), names: t.personas.map((p) => p.name) };
}

async function ari(
  engine: Engine,
  truth: Map<string, string>,
  names: string[],
  labels: Int32Array,
): Promise<number> {
  const ids = await engine.query<{ customer_id: string }>(
    'SELECT customer_id FROM features ORDER BY customer_id',
  );
  expect(ids.length).toBe(labels.length);
  return adjustedRandIndex(
    labels,
    ids.map((r) => names.indexOf(truth.get(r.customer_id)!)),
  );
}

describe('clusters recover planted personas (ARI against truth.json)', () => {
  it.each(SEEDS)('well-separated personas, seed %i: auto k = 4 and ARI ≥ 0.8', async (seed) => {
    const { engine, truth, names } = await workspace(seed, WELL_SEPARATED);
    try {
      expect(new Set(names).size).toBe(4);
      // Spend per order alone: automatic k finds the four personas.
      const auto = await fitClusterScheme(engine, 'features', { features: [{ name: 'aov' }], k: 'auto' });
      const autoAri = await ari(engine, truth, names, auto.labels);
      // Spend and age (age is missing for ~6 % of customers and imputed with the median).
      const both = await fitClusterScheme(engine, 'features', {
        features: [{ name: 'aov' }, { name: 'age' }],
        k: 4,
      });
      const bothAri = await ari(engine, truth, names, both.labels);
      console.info(
        `seed ${seed}: aov, auto k = ${auto.meta.k.chosen}, ARI ${autoAri.toFixed(3)} (${auto.meta.k.reason}); ` +
          `aov + age, k = 4: ARI ${bothAri.toFixed(3)}, age imputed for ${both.meta.missing['age']}`,
      );
      expect(auto.meta.features[0]!.log1p, auto.meta.features[0]!.log1p_reason).toBe(true);
      expect(both.meta.features[1]!.log1p, both.meta.features[1]!.log1p_reason).toBe(false);
      expect(auto.meta.k.chosen).toBe(4);
      expect(autoAri).toBeGreaterThanOrEqual(0.8);
      expect(bothAri).toBeGreaterThanOrEqual(0.8);
    } finally {
      await engine.close();
    }
  });

  it('default (overlapping) personas: the measured level is kept', async () => {
    const { engine, truth, names } = await workspace(SEEDS[0]!);
    try {
      const fit = await fitClusterScheme(engine, 'features', {
        features: [
          { name: 'aov', log1p: true },
          { name: 'monetary_mean', log1p: true },
          { name: 'age' },
          { name: 'orders_total', log1p: true },
          { name: 'recency_days', log1p: true },
        ],
        k: 5,
      });
      const score = await ari(engine, truth, names, fit.labels);
      console.info(`default personas, seed ${SEEDS[0]}: k = 5, ARI ${score.toFixed(3)}`);
      expect(score).toBeGreaterThanOrEqual(0.3);
      // Missing values (monetary_mean of one-order customers) are imputed and reported.
      expect(fit.meta.missing['monetary_mean']).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});

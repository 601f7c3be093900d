import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/clusters/ari.js';
import { kmeans } from '../../src/clusters/kmeans.js';
import { matrixFromRows, type Matrix } from '../../src/clusters/matrix.js';
import { prepareFeatures } from '../../src/clusters/prepare.js';
import { silhouetteScore } from '../../src/clusters/silhouette.js';

/** scikit-learn 1.2.1's results on fixtures/blobs.csv (see fixtures/README.md for how). */
interface Reference {
  sklearn: string;
  kmeans: {
    k: number;
    inertia: number;
    n_iter: number;
    silhouette: number;
    labels: number[];
    centroids: number[][];
  }[];
  standard_scaler: { mean: number[]; scale: number[] };
  adjusted_rand_score: { a: number[]; b: number[]; ari: number }[];
}

const dir = new URL('./fixtures/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('sklearn-kmeans.json', dir), 'utf8')) as Reference;

function loadBlobs(): Matrix {
  const lines = readFileSync(new URL('blobs.csv', dir), 'utf8').trim().split('\n').slice(1);
  return matrixFromRows(lines.map((l) => l.split(',').map(Number)));
}

/** |a/b − 1|, printed with its inputs on failure. */
function expectRelClose(actual: number, expected: number, relTol: number, label: string): void {
  const rel = Math.abs(actual / expected - 1);
  expect(
    rel,
    `${label}: ours ${actual}, scikit-learn ${expected}, relative difference ${rel}`,
  ).toBeLessThanOrEqual(relTol);
}

describe(`agreement with scikit-learn ${ref.sklearn}`, () => {
  const m = loadBlobs();

  const byK = (k: number): Reference['kmeans'][number] => ref.kmeans.find((x) => x.k === k)!;
  const ks = ref.kmeans.map((r) => r.k);

  it.each(ks)('k = %i: inertia within 0.5 %% of scikit-learn’s', async (k) => {
    const r = byK(k);
    const ours = await kmeans(m, { k, seed: 0, nInit: 10, threads: 1 });
    expectRelClose(ours.inertia, r.inertia, 0.005, `k = ${k} inertia`);
  });

  it('k = 4 (the planted blobs): nearly the same partition and centroids', async () => {
    // Both stop on the tolerance, a little before an exact fixed point, so a few rows on the
    // border of the two overlapping blobs may differ.
    const r = byK(4);
    const ours = await kmeans(m, { k: 4, seed: 0, nInit: 10 });
    const ari = adjustedRandIndex(ours.labels, r.labels);
    expect(ari, `ARI ${ari}`).toBeGreaterThanOrEqual(0.98);
    // Match each of scikit-learn's centroids to our nearest one.
    for (const c of r.centroids) {
      let best = Infinity;
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let q = 0; q < m.d; q++) s += (ours.centroids[j * m.d + q]! - c[q]!) ** 2;
        best = Math.min(best, s);
      }
      expect(Math.sqrt(best), `centroid ${c.join(', ')}`).toBeLessThan(0.05);
    }
  });

  it.each(ks)('k = %i: silhouette of scikit-learn’s labels matches silhouette_score', (k) => {
    expectRelClose(silhouetteScore(m, byK(k).labels, k), byK(k).silhouette, 1e-9, `k = ${k} silhouette`);
  });

  it('standardisation matches StandardScaler', () => {
    const { params } = prepareFeatures(
      m,
      ref.standard_scaler.mean.map((_, q) => ({ name: `f${q}` })),
    );
    params.features.forEach((f, q) => {
      expectRelClose(f.mean, ref.standard_scaler.mean[q]!, 1e-9, `mean f${q}`);
      expectRelClose(f.sd, ref.standard_scaler.scale[q]!, 1e-9, `sd f${q}`);
    });
  });

  it('adjusted Rand index matches adjusted_rand_score', () => {
    for (const c of ref.adjusted_rand_score)
      expect(adjustedRandIndex(c.a, c.b), JSON.stringify(c)).toBeCloseTo(c.ari, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/clusters/ari.js';
import { makeBlobs } from '../../src/clusters/blobs.js';
import { kmeans } from '../../src/clusters/kmeans.js';
import { matrixFromRows } from '../../src/clusters/matrix.js';
import { WorkerPool } from '../../src/clusters/worker-pool.js';
import { UserError } from '../../src/core/errors.js';

/** Σ‖x − c_label‖² computed naively, to check the engine's inertia. */
function naiveInertia(values: Float64Array, d: number, labels: Int32Array, centroids: Float64Array): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i]!;
    for (let q = 0; q < d; q++) s += (values[i * d + q]! - centroids[a * d + q]!) ** 2;
  }
  return s;
}

describe('kmeans', () => {
  it('recovers well-separated Gaussian blobs (ARI ≥ 0.95)', async () => {
    const { matrix, labels } = makeBlobs({ n: 20_000, d: 5, k: 6, seed: 3, sd: 1, box: 12 });
    const r = await kmeans(matrix, { k: 6, seed: 1, nInit: 3 });
    const ari = adjustedRandIndex(r.labels, labels);
    expect(ari, `ARI ${ari}`).toBeGreaterThanOrEqual(0.95);
    expect(r.converged).toBe(true);
    expect(Array.from(r.sizes).reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(r.inertia / naiveInertia(matrix.values, 5, r.labels, r.centroids) - 1).toBeLessThan(1e-12);
  });

  it('labels every row with its nearest centroid and centroids are the means of their rows', async () => {
    const { matrix } = makeBlobs({ n: 5_000, d: 4, k: 5, seed: 9, sd: 3 });
    const r = await kmeans(matrix, { k: 5, seed: 2, tol: 0 });
    const { d } = matrix;
    for (let i = 0; i < matrix.n; i++) {
      let best = Infinity;
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let q = 0; q < d; q++) s += (matrix.values[i * d + q]! - r.centroids[j * d + q]!) ** 2;
        best = Math.min(best, s);
      }
      let own = 0;
      for (let q = 0; q < d; q++)
        own += (matrix.values[i * d + q]! - r.centroids[r.labels[i]! * d + q]!) ** 2;
      expect(own).toBeLessThanOrEqual(best * (1 + 1e-12));
    }
    const sums = new Float64Array(5 * d);
    for (let i = 0; i < matrix.n; i++)
      for (let q = 0; q < d; q++) sums[r.labels[i]! * d + q]! += matrix.values[i * d + q]!;
    for (let j = 0; j < 5; j++)
      for (let q = 0; q < d; q++)
        expect(sums[j * d + q]! / r.sizes[j]!).toBeCloseTo(r.centroids[j * d + q]!, 9);
  });

  it('is deterministic: the same seed gives identical labels and centroids', async () => {
    const { matrix } = makeBlobs({ n: 10_000, d: 6, k: 4, seed: 5, sd: 4 });
    const a = await kmeans(matrix, { k: 7, seed: 11, nInit: 2, threads: 1 });
    const b = await kmeans(matrix, { k: 7, seed: 11, nInit: 2, threads: 1 });
    expect(b.labels).toEqual(a.labels);
    expect(b.centroids).toEqual(a.centroids);
    expect(b.inertia).toBe(a.inertia);
    const c = await kmeans(matrix, { k: 7, seed: 12, nInit: 2, threads: 1 });
    expect(c.centroids).not.toEqual(a.centroids);
  });

  it('gives bit-identical results with worker threads and single-threaded', async () => {
    // Several chunks (8,192 rows each) so that the split between threads matters.
    const { matrix } = makeBlobs({ n: 60_000, d: 6, k: 8, seed: 21, sd: 5 });
    const single = await kmeans(matrix, { k: 8, seed: 4, nInit: 2, threads: 1 });
    const pool = await WorkerPool.open(3);
    try {
      const threaded = await kmeans(matrix, { k: 8, seed: 4, nInit: 2, pool });
      expect(threaded.threads).toBe(3);
      expect(threaded.labels).toEqual(single.labels);
      expect(threaded.centroids).toEqual(single.centroids);
      expect(threaded.inertia).toBe(single.inertia);
      expect(threaded.iterations).toBe(single.iterations);
    } finally {
      await pool.close();
    }
    const two = await kmeans(matrix, { k: 8, seed: 4, nInit: 2, threads: 2 });
    expect(two.threads).toBe(2);
    expect(two.labels).toEqual(single.labels);
    expect(two.inertia).toBe(single.inertia);
  });

  it('re-seeds an empty cluster at the farthest row', async () => {
    // Two tight groups; the third initial centre is far from every row, so it starts empty.
    const rows: number[][] = [];
    for (let i = 0; i < 50; i++) rows.push([i % 5, Math.floor(i / 5) % 2]);
    for (let i = 0; i < 50; i++) rows.push([100 + (i % 5), Math.floor(i / 5) % 2]);
    rows.push([30, 0]); // the far outlier of the first group
    const m = matrixFromRows(rows);
    const init = Float64Array.from([2, 0.5, 102, 0.5, 1e6, 1e6]);
    const r = await kmeans(m, { k: 3, init, threads: 1 });
    expect(r.reseeded).toBeGreaterThanOrEqual(1);
    expect(Array.from(r.sizes).every((s) => s > 0)).toBe(true);
    expect(r.labels[100]).not.toBe(r.labels[0]);
    expect(r.converged).toBe(true);
    expect(r.inertia).toBeCloseTo(naiveInertia(m.values, 2, r.labels, r.centroids), 9);
  });

  it('handles k = 1, duplicate rows and n = k', async () => {
    const m = matrixFromRows([
      [1, 1],
      [1, 1],
      [3, 5],
    ]);
    const one = await kmeans(m, { k: 1 });
    expect(Array.from(one.centroids)).toEqual([5 / 3, 7 / 3]);
    const three = await kmeans(m, { k: 3, seed: 1 });
    expect(three.inertia).toBe(0);
    const two = await kmeans(m, { k: 2, seed: 1 });
    expect(two.inertia).toBe(0);
    expect(two.labels[0]).toBe(two.labels[1]);
  });

  it('keeps the best of several initialisations', async () => {
    const { matrix } = makeBlobs({ n: 4_000, d: 3, k: 10, seed: 2, sd: 1.5 });
    const r = await kmeans(matrix, { k: 10, seed: 3, nInit: 5 });
    expect(r.initInertias).toHaveLength(5);
    expect(r.inertia).toBe(Math.min(...r.initInertias));
    expect(r.initInertias[r.bestInit]).toBe(r.inertia);
  });

  it('reports bad input as user errors', async () => {
    const m = matrixFromRows([
      [1, 2],
      [Number.NaN, 3],
      [4, 5],
    ]);
    await expect(kmeans(m, { k: 2 })).rejects.toThrow(/row 1, feature 0 is NaN/);
    await expect(kmeans(m, { k: 4 })).rejects.toBeInstanceOf(UserError);
    await expect(kmeans(m, { k: 0 })).rejects.toThrow(/positive integer/);
  });
});

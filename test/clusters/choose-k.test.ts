import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/clusters/ari.js';
import { makeBlobs } from '../../src/clusters/blobs.js';
import { SILHOUETTE_TIE, chooseK, pickK, type KScore } from '../../src/clusters/choose-k.js';
import { elbowIndex } from '../../src/clusters/elbow.js';

function score(k: number, silhouette: number, inertia = 100 / k): KScore {
  return { k, silhouette, inertia, inertiaPerRow: inertia, inertiaDrop: null };
}

describe('chooseK', () => {
  it('finds the planted number of separated blobs', async () => {
    for (const planted of [3, 5]) {
      const { matrix, labels } = makeBlobs({ n: 8_000, d: 5, k: planted, seed: planted, sd: 1, box: 10 });
      const r = await chooseK(matrix, { seed: 1, kMax: 8, silhouetteSampleSize: 1_500 });
      expect(r.k, r.reason).toBe(planted);
      expect(r.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
      expect(r.reason).toMatch(new RegExp(`^k = ${planted} was chosen`));
      expect(adjustedRandIndex(r.result.labels, labels)).toBeGreaterThanOrEqual(0.95);
      expect(r.result.labels).toHaveLength(8_000);
    }
  });

  it('fits a sample, then all rows from the sample centroids', async () => {
    const { matrix, labels } = makeBlobs({ n: 30_000, d: 4, k: 4, seed: 8, sd: 1.2 });
    const r = await chooseK(matrix, { seed: 2, kMax: 6, fitSampleSize: 5_000, silhouetteSampleSize: 1_000 });
    expect(r.fitRows).toBe(5_000);
    expect(r.silhouetteRows).toBe(1_000);
    expect(r.k).toBe(4);
    expect(r.result.labels).toHaveLength(30_000);
    expect(adjustedRandIndex(r.result.labels, labels)).toBeGreaterThanOrEqual(0.95);
    const again = await chooseK(matrix, {
      seed: 2,
      kMax: 6,
      fitSampleSize: 5_000,
      silhouetteSampleSize: 1_000,
    });
    expect(again.result.labels).toEqual(r.result.labels);
    expect(again.scores).toEqual(r.scores);
  });

  it('pickK: the best silhouette wins, near-ties go to the smaller k', () => {
    const clear = pickK([score(2, 0.3), score(3, 0.6), score(4, 0.5)], 3);
    expect(clear.index).toBe(1);
    expect(clear.reason).toBe(
      'k = 3 was chosen: it has the highest silhouette in k = 2–4 (0.600; next best k = 4 at 0.500), ' +
        "and the inertia curve's elbow is also at k = 3.",
    );
    const tie = pickK([score(2, 0.3), score(3, 0.6), score(4, 0.6 + SILHOUETTE_TIE / 2)], null);
    expect(tie.index).toBe(1);
    expect(tie.reason).toMatch(/ties go to fewer clusters; the inertia curve has no clear elbow\.$/);
    expect(pickK([score(2, Number.NaN), score(3, 0.1)], 2).index).toBe(1);
  });

  it('elbowIndex finds the knee of a decreasing curve, and none on a straight line', () => {
    expect(elbowIndex([2, 3, 4, 5, 6, 7], [100, 60, 20, 17, 15, 14])).toBe(2);
    expect(elbowIndex([2, 3, 4, 5], [40, 30, 20, 10])).toBeNull();
    expect(elbowIndex([2, 3], [40, 30])).toBeNull();
  });
});

import { Rng } from '../core/rng.js';
import { allocFloat64, type Matrix } from './matrix.js';

/** Settings for {@link makeBlobs}. */
export interface BlobsOptions {
  n: number;
  d: number;
  /** Number of blobs. */
  k: number;
  seed?: number;
  /** Standard deviation of each blob along every axis. Default 1. */
  sd?: number;
  /** Blob centres are drawn uniformly in [−box, box]^d. Default 10. */
  box?: number;
  /** Place the data on a SharedArrayBuffer (worker threads use it without a copy). Default true. */
  shared?: boolean;
}

/** Synthetic data with planted clusters, and the truth. */
export interface Blobs {
  matrix: Matrix;
  /** The blob each row was drawn from. */
  labels: Int32Array;
  /** k × d blob centres. */
  centres: Float64Array;
}

/**
 * Isotropic Gaussian blobs: k centres uniform in a box, each row from a uniformly chosen blob plus
 * N(0, sd²) noise on every axis. Seeded, for tests and benchmarks.
 *
 * @example
 * const { matrix, labels } = makeBlobs({ n: 10_000, d: 4, k: 5, seed: 1 });
 */
export function makeBlobs(o: BlobsOptions): Blobs {
  const { n, d, k } = o;
  const sd = o.sd ?? 1;
  const box = o.box ?? 10;
  const rng = new Rng(o.seed ?? 0, 7);
  const centres = new Float64Array(k * d);
  for (let q = 0; q < k * d; q++) centres[q] = (2 * rng.uniform() - 1) * box;
  const values = allocFloat64(n * d, o.shared ?? true);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = rng.int(k);
    labels[i] = j;
    for (let q = 0; q < d; q++) values[i * d + q] = centres[j * d + q]! + sd * rng.normal();
  }
  return { matrix: { values, n, d }, labels, centres };
}

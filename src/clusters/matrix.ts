import type { Rng } from '../core/rng.js';

/**
 * A dense matrix of n rows (customers) × d columns (features), **row-major**: row i is
 * `values[i * d]` … `values[i * d + d − 1]`. Row-major keeps one customer's features together,
 * which is what every k-means step reads (a row against k centres).
 */
export interface Matrix {
  values: Float64Array;
  n: number;
  d: number;
}

/**
 * A Float64Array of `length` zeros, on a SharedArrayBuffer when `shared` (so worker threads can
 * read and write it without a copy).
 */
export function allocFloat64(length: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
}

/** An Int32Array of `length` zeros, on a SharedArrayBuffer when `shared`. */
export function allocInt32(length: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length);
}

/** True when the array's memory can be handed to worker threads as is. */
export function isShared(a: Float64Array | Int32Array): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/**
 * A row-major matrix from rows of numbers (handy in tests and examples).
 *
 * @example
 * const m = matrixFromRows([[1, 2], [3, 4], [5, 6]]); // n = 3, d = 2
 */
export function matrixFromRows(rows: readonly (readonly number[])[], shared = false): Matrix {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const values = allocFloat64(n * d, shared);
  rows.forEach((row, i) => {
    if (row.length !== d) throw new RangeError(`row ${i} has ${row.length} values, expected ${d}`);
    values.set(row, i * d);
  });
  return { values, n, d };
}

/**
 * A row-major matrix from columns of equal length (one per feature), e.g. as an engine returns
 * them. `null`/`undefined` become NaN (missing).
 */
export function matrixFromColumns(
  columns: readonly ArrayLike<number | null | undefined>[],
  shared = false,
): Matrix {
  const d = columns.length;
  const n = columns[0]?.length ?? 0;
  const values = allocFloat64(n * d, shared);
  columns.forEach((col, q) => {
    if (col.length !== n) throw new RangeError(`column ${q} has ${col.length} values, expected ${n}`);
    for (let i = 0; i < n; i++) values[i * d + q] = col[i] ?? Number.NaN;
  });
  return { values, n, d };
}

/** A copy of the rows at `indices`, in that order. */
export function takeRows(m: Matrix, indices: ArrayLike<number>, shared = false): Matrix {
  const { d } = m;
  const values = allocFloat64(indices.length * d, shared);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    values.set(m.values.subarray(i * d, i * d + d), r * d);
  }
  return { values, n: indices.length, d };
}

/**
 * `size` distinct row indices out of n, in random order (a partial Fisher–Yates shuffle); all n
 * (shuffled) when size ≥ n.
 */
export function sampleIndices(rng: Rng, n: number, size: number): Int32Array {
  const m = Math.min(size, n);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, m);
}

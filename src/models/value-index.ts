/**
 * Distinct values of a column with each row's position among them. Times in whole days (or days
 * / 7) take a few thousand distinct values over a million customers, so a likelihood can take
 * ln(α + T) once per distinct T and read it per row, instead of one logarithm per row.
 */
export interface ValueIndex {
  /** The distinct values, in first-seen order. */
  values: Float64Array;
  /** Per row, the position of its value in `values`. */
  index: Int32Array;
}

const cache = new WeakMap<Float64Array, ValueIndex | null>();

/**
 * The {@link ValueIndex} of the first `length` entries of `column`, or null when more than a
 * quarter of them are distinct (a table would not save work). Cached per array: summaries are
 * immutable once built, and a fit evaluates the likelihood hundreds of times.
 */
export function valueIndex(column: Float64Array, length: number): ValueIndex | null {
  const hit = cache.get(column);
  if (hit !== undefined && (hit === null || hit.index.length === length)) return hit;
  const limit = Math.max(16, Math.floor(length / 4));
  const positions = new Map<number, number>();
  const index = new Int32Array(length);
  const seen: number[] = [];
  let result: ValueIndex | null = null;
  let ok = true;
  for (let i = 0; i < length; i++) {
    const v = column[i]!;
    let p = positions.get(v);
    if (p === undefined) {
      p = seen.length;
      if (p >= limit) {
        ok = false;
        break;
      }
      positions.set(v, p);
      seen.push(v);
    }
    index[i] = p;
  }
  if (ok) result = { values: Float64Array.from(seen), index };
  cache.set(column, result);
  return result;
}

/**
 * Like {@link valueIndex}, but always an index: when the values are mostly distinct, each row is
 * its own entry (the values themselves, in row order), so a likelihood can use one code path.
 */
export function valueIndexOrIdentity(column: Float64Array, length: number): ValueIndex {
  const vi = valueIndex(column, length);
  if (vi) return vi;
  const hit = identityCache.get(column);
  if (hit && hit.index.length === length) return hit;
  const identity = { values: column.subarray(0, length), index: Int32Array.from({ length }, (_, i) => i) };
  identityCache.set(column, identity);
  return identity;
}

const identityCache = new WeakMap<Float64Array, ValueIndex>();

const intCache = new WeakMap<Float64Array, Int32Array>();

/** A column of whole numbers (counts) as an Int32Array, cached per array. */
export function intColumn(column: Float64Array, length: number): Int32Array {
  const hit = intCache.get(column);
  if (hit && hit.length === length) return hit;
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = column[i]!;
  intCache.set(column, out);
  return out;
}

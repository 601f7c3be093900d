import type { Dialect } from '../dialect/dialect.js';
import type { TransformParams } from './prepare.js';

/**
 * A double-precision constant. Written as text cast to the engine's double type, so the engine
 * parses the shortest round-trip decimal form JavaScript prints back to the very same double
 * (a bare `0.1234…` literal may be read as a DECIMAL and rounded differently).
 */
function num(d: Dialect, x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write ${x} into the cluster SQL`);
  return d.cast(d.literal(String(x)), 'double');
}

/**
 * The prepared value of each feature as SQL, the steps of prepare.ts in the same order:
 * COALESCE(x, median) → ln(1 + x) → LEAST(GREATEST(x, low), high) → (x − mean) / sd.
 */
export function preparedExpressions(d: Dialect, transform: TransformParams): string[] {
  return transform.features.map((f) => {
    let x = d.fn('coalesce', d.cast(d.ident(f.name), 'double'), num(d, f.median));
    if (f.log1p) x = d.fn('log1p', x);
    if (f.winsorize)
      x = d.fn('least', d.fn('greatest', x, num(d, f.winsorize.low)), num(d, f.winsorize.high));
    if (f.standardize) x = `((${x}) - ${num(d, f.mean)}) / ${num(d, f.sd)}`;
    return x;
  });
}

/**
 * The query assigning every row of `table` to its nearest centre, in the engine:
 * `SELECT customer_id, customer_key, segment FROM table` with `segment` the name of the centre at the smallest
 * squared Euclidean distance from the prepared features (summed over features in order, as the
 * in-process kernels do; ties go to the centre listed first, like the kernels' strict `<`).
 *
 * @param centroids k × d, row-major, in the prepared space of `transform`
 * @param segments the segment name of each centre
 * @example
 * const sql = assignmentSql(engine.dialect, 'features', fit.transform, fit.centroids, names);
 */
export function assignmentSql(
  d: Dialect,
  table: string,
  transform: TransformParams,
  centroids: Float64Array,
  segments: readonly string[],
): string {
  const dims = transform.features.length;
  const k = segments.length;
  if (centroids.length !== k * dims)
    throw new RangeError(`centroids hold ${centroids.length} values, expected ${k} × ${dims}`);
  const z = (q: number) => d.ident(`z${q}`);
  const dist = (j: number) => d.ident(`d${j}`);
  const prepared = preparedExpressions(d, transform).map((x, q) => `${x} AS ${z(q)}`);
  const distances = Array.from({ length: k }, (_, j) => {
    const terms = Array.from({ length: dims }, (_, q) => {
      const t = `(${z(q)} - ${num(d, centroids[j * dims + q]!)})`;
      return `${t} * ${t}`;
    });
    return `${terms.join(' + ')} AS ${dist(j)}`;
  });
  // Centre j wins when no later centre is strictly closer; earlier arms took the earlier centres.
  const arms = Array.from({ length: k - 1 }, (_, j) => {
    const conds = Array.from({ length: k - j - 1 }, (_, t) => `${dist(j)} <= ${dist(j + t + 1)}`);
    return `WHEN ${conds.join(' AND ')} THEN ${d.literal(segments[j]!)}`;
  });
  const pick =
    k === 1 ? d.literal(segments[0]!) : `CASE ${arms.join(' ')} ELSE ${d.literal(segments[k - 1]!)} END`;
  return (
    `SELECT customer_id, customer_key, ${pick} AS segment FROM (` +
    `SELECT customer_id, customer_key, ${distances.join(', ')} FROM (` +
    `SELECT customer_id, customer_key, ${prepared.join(', ')} FROM ${d.ident(table)}) prepared) distances`
  );
}

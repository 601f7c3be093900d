/**
 * Custom KPIs: aggregate expressions over the feature columns (`kpis.custom` in the config),
 * compiled by the expression language (`compileExpression(text, schema, dialect, {mode:
 * 'aggregate'})` in src/expr), valued per segment in the same pass as the catalogue, and given a
 * bootstrap interval computed in the engine.
 *
 * ## The bootstrap
 * An arbitrary aggregate has no sufficient statistics, so its interval comes from resampling
 * customers (Efron 1979, "Bootstrap methods: another look at the jackknife", Ann. Statist. 7(1),
 * 1–26): the aggregate is recomputed on B resamples (B = 200 by default) and the interval is the
 * percentile interval of the replicate values.
 *
 * Customers are hashed into G = 4 096 random groups (buckets), and each replicate draws G buckets
 * with replacement (hash(d, b, seed) mod G for d < G); a customer enters the replicate once for
 * each draw of their bucket. The rows are repeated in SQL (see {@link bootstrapSql}), so the
 * user's aggregate runs unchanged on every replicate, all replicates in one query.
 * - A segment much smaller than G has at most one customer in almost every bucket, so each of its
 *   customers is drawn Binomial(G, 1/G) ≈ Poisson(1) times, independently: the Poisson bootstrap
 *   (Hanley & MacGibbon 2006, "Creating non-parametric bootstrap samples using Poisson
 *   frequencies", Computer Methods and Programs in Biomedicine 83(1), 57–62).
 * - A larger segment is resampled by buckets: random groups of i.i.d. customers are themselves
 *   i.i.d., so this is the bootstrap of clustered data (Davison & Hinkley 1997, Bootstrap Methods
 *   and their Application, ch. 3), consistent for smooth statistics with thousands of groups.
 * Bucketing is what makes it affordable: drawing a weight per (customer, replicate) costs a hash
 * per pair, several times the work of the aggregate itself (at 1 M customers × 4 schemes, B = 200:
 * ~65 s with per-customer weights against 9–11 s by buckets; see CONTEXT.md).
 * The draws depend only on (bucket, replicate, seed), so a customer is resampled alike in every
 * scheme and every run.
 */
import type { Dialect } from '../dialect/dialect.js';
import { type Problem, UserError } from '../core/errors.js';
import { type ExprSchema, compileExpression } from '../expr/index.js';

/** A custom KPI as the config declares it. */
export interface CustomKpi {
  name: string;
  expression: string;
  unit?: string;
  direction?: 'higher' | 'lower';
  description?: string;
}

/** A feature-table column, as the compiler is told about it. */
export interface FeatureColumn {
  name: string;
  /** The engine's type name, e.g. `DOUBLE`, `VARCHAR`, `TIMESTAMP`. */
  type: string;
}

/** What the expression compiler returns in aggregate mode. */
export interface CompiledAggregate {
  /** An aggregate SQL expression over the feature columns (bare column names). */
  sql: string;
  /** The result type in the expression language's words (a number is expected). */
  type: string;
  /** The feature columns it reads. */
  columns: string[];
}

/**
 * Compiles one custom KPI expression in aggregate mode. The caller adapts the expression
 * language: `(text, columns) => compileExpression(text, schemaFrom(columns), engine.dialect,
 * {mode: 'aggregate'})`.
 */
export type AggregateCompiler = (expression: string, columns: readonly FeatureColumn[]) => CompiledAggregate;

/** A custom KPI ready to run. */
export interface CompiledCustomKpi {
  kpi: CustomKpi;
  sql: string;
}

/**
 * The expression language in aggregate mode over the feature columns: the default
 * {@link AggregateCompiler}. The result must be a number.
 */
export function expressionCompiler(dialect: Dialect): AggregateCompiler {
  return (text, columns) => {
    const schema: ExprSchema = {};
    for (const c of columns) {
      const t = dialect.valueKind(c.type);
      if (t !== undefined) schema[c.name] = t;
    }
    const c = compileExpression(text, schema, dialect, { mode: 'aggregate', expect: 'number' });
    return { sql: c.sql, type: c.type, columns: c.columns };
  };
}

const NON_NUMERIC = new Set(['string', 'boolean', 'date', 'timestamp']);

/**
 * Compiles every custom KPI, collecting the problems of all of them into one user error (each
 * message names its KPI).
 */
export function compileCustomKpis(
  custom: readonly CustomKpi[],
  compile: AggregateCompiler,
  columns: readonly FeatureColumn[],
): CompiledCustomKpi[] {
  const out: CompiledCustomKpi[] = [];
  const problems: Problem[] = [];
  for (const kpi of custom) {
    let compiled: CompiledAggregate;
    try {
      compiled = compile(kpi.expression, columns);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      for (const p of e.problems) problems.push({ ...p, message: `custom KPI '${kpi.name}': ${p.message}` });
      continue;
    }
    if (NON_NUMERIC.has(compiled.type.toLowerCase())) {
      problems.push({
        code: 'kpi_not_numeric',
        message: `custom KPI '${kpi.name}' is a ${compiled.type}, not a number: ${kpi.expression}`,
        hint: 'a KPI aggregates to a number, e.g. avg(case when revenue_365d >= 1000 then 1 else 0 end)',
      });
      continue;
    }
    out.push({ kpi, sql: compiled.sql });
  }
  if (problems.length > 0) throw new UserError(problems);
  return out;
}

/** What the bootstrap query runs over. */
export interface BootstrapQuery {
  dialect: Dialect;
  /** A relation exposing the feature columns plus the group key columns. */
  from: string;
  /** Group key columns of `from` (scheme and segment; none for the base). */
  groupBy: string[];
  /** The customer id column of `from`, qualified with the alias `t`. */
  customerId: string;
  replicates: number;
  /** Random groups customers are hashed into (a power of 16). */
  buckets: number;
  seed: number;
  kpis: readonly CompiledCustomKpi[];
}

/**
 * One query computing every custom KPI on each of the B bootstrap replicates per group: columns
 * are the group keys, `__kpi_b` (the replicate) and `c0`, `c1`, … (the KPIs in order).
 *
 * Replicate b draws G bucket numbers with replacement, hash(d, b, seed) mod G for d = 0…G−1.
 * The draws are gathered per bucket into the list of replicates that drew it (a replicate
 * appears once per draw), each customer row (bucket = hash(customer_id) mod G) is joined with its
 * bucket's list and the list is unnested: the row then appears in replicate b once per draw of its
 * bucket. (Unnesting a short list per row is several times faster than a join whose every key
 * matches hundreds of rows.)
 */
export function bootstrapSql(q: BootstrapQuery): string {
  const d = q.dialect;
  const id = (s: string) => d.ident(s);
  const b = id('__kpi_b');
  const g = id('__kpi_g');
  const x = id('__kpi_x');
  const bs = id('__kpi_bs');
  const digits = Math.round(Math.log(q.buckets) / Math.log(16));
  if (16 ** digits !== q.buckets)
    throw new Error(`bootstrap buckets must be a power of 16, got ${q.buckets}`);
  const hex = Array.from({ length: 16 }, (_, i) => `(${i})`).join(', ');
  const reps = Array.from({ length: q.replicates }, (_, i) => `(${i})`).join(', ');
  // Cell numbers 0…G−1 from hexadecimal digits (portable: no series function needed).
  const cellTerms = Array.from({ length: digits }, (_, i) => `h${i}.${x} * ${16 ** i}`).join(' + ');
  const cellFrom = Array.from({ length: digits }, (_, i) => `__kpi_hex AS h${i}`).join(' CROSS JOIN ');
  const bucketOf = (expr: string) => d.cast(`${expr} % ${q.buckets}`, 'integer');
  const keys = q.groupBy.map((k) => id(k));
  const aggs = q.kpis.map((k, i) => `${d.cast(k.sql, 'double')} AS ${id(`c${i}`)}`);
  return `WITH __kpi_hex AS (SELECT * FROM (VALUES ${hex}) AS v(${x})),
__kpi_cells AS (SELECT ${cellTerms} AS ${x} FROM ${cellFrom}),
__kpi_reps AS (SELECT * FROM (VALUES ${reps}) AS v(${b})),
__kpi_draws AS (
  SELECT ${bucketOf(d.fn('hash', `c.${x}`, `r.${b}`, d.literal(q.seed)))} AS ${g}, r.${b}
  FROM __kpi_cells AS c CROSS JOIN __kpi_reps AS r
),
__kpi_lists AS (SELECT ${g}, ${d.fn('list', b)} AS ${bs} FROM __kpi_draws GROUP BY ${g}),
__kpi_rows AS (
  SELECT t.*, ${d.fn('unnest', `l.${bs}`)} AS ${b}
  FROM ${q.from} AS t JOIN __kpi_lists AS l ON l.${g} = ${bucketOf(d.fn('hash', q.customerId))}
)
SELECT ${[...keys, b].join(', ')}, ${aggs.join(', ')}
FROM __kpi_rows
GROUP BY ${[...keys, b].join(', ')}`;
}

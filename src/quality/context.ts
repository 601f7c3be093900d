import { userError } from '../core/errors.js';
import type { Dialect } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';
import { CANONICAL, CANONICAL_TABLES, type CanonicalTableName } from '../model/canonical.js';
import { toNum } from './sql.js';

/** What every check family is given: the engine, the tables' sizes and the reference date. */
export interface QualityContext {
  engine: Engine;
  d: Dialect;
  /** Rows per canonical table. */
  rows: Record<CanonicalTableName, number>;
  /** The day freshness is measured against and after which data is unexpected (`YYYY-MM-DD`). */
  reference: string;
  /** How to name {@link reference} in messages: `as-of date` or `reference date`. */
  referenceName: string;
}

/** Options of the report (see `runQuality`). */
export interface QualityOptions {
  /** Today, for freshness (`YYYY-MM-DD`); default: the current UTC date. */
  now?: string | undefined;
  /** The analysis date; when given, freshness is measured against it instead of `now`. */
  asOf?: string | undefined;
}

/** Accepts `YYYY-MM-DD` (optionally followed by a time) and returns the day. */
function parseDay(value: string, option: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(value.trim());
  const day = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  const parsed = new Date(`${day}T00:00:00Z`);
  if (!m || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day)
    throw userError('invalid_date', `${option} must be a date written YYYY-MM-DD, not '${value}'`, {
      hint: `e.g. ${option} 2011-12-09`,
    });
  return day;
}

/** Counts the rows of every canonical table (one statement) and settles the reference date. */
export async function buildContext(engine: Engine, opts: QualityOptions): Promise<QualityContext> {
  const d = engine.dialect;
  const counts = await engine.query(
    CANONICAL_TABLES.map(
      (t) => `SELECT ${d.literal(t)} AS t, COUNT(*) AS n FROM ${d.ident(CANONICAL[t].name)}`,
    ).join(' UNION ALL '),
  );
  const rows = Object.fromEntries(CANONICAL_TABLES.map((t) => [t, 0])) as Record<CanonicalTableName, number>;
  for (const r of counts) rows[r['t'] as CanonicalTableName] = toNum(r['n']);
  const asOf = opts.asOf === undefined ? undefined : parseDay(opts.asOf, '--as-of');
  const now = opts.now === undefined ? new Date().toISOString().slice(0, 10) : parseDay(opts.now, '--now');
  return {
    engine,
    d,
    rows,
    reference: asOf ?? now,
    referenceName: asOf === undefined ? 'reference date' : 'as-of date',
  };
}

/** The canonical tables that hold rows, in ingestion order. */
export function nonEmptyTables(ctx: QualityContext): CanonicalTableName[] {
  return CANONICAL_TABLES.filter((t) => ctx.rows[t] > 0);
}

/** Formats `n of total (x %)`. */
export function share(n: number, total: number): string {
  const pct = total === 0 ? 0 : (100 * n) / total;
  const digits = pct > 0 && pct < 0.1 ? 3 : 1;
  return `${n} of ${total} (${pct.toFixed(digits)} %)`;
}

import { CANONICAL, CANONICAL_TABLES, canonicalColumn, type CanonicalTableName } from '../model/canonical.js';
import type { QualityCheck, Severity } from './check.js';
import type { QualityContext } from './context.js';
import { share } from './context.js';
import { col, groupedFindings } from './sql.js';

/** A set of columns whose values should not repeat, and how bad a repeat is. */
interface DuplicateSpec {
  id: string;
  table: CanonicalTableName;
  /** The column reported (a single-column key), or null for composite keys and whole rows. */
  column: string | null;
  severity: Severity;
  keys: string[];
  /** Rows where one of these is NULL are left out (their absence is a completeness error). */
  notNull: string[];
  message: (surplus: number, groups: number, total: number) => string;
}

/**
 * Uniqueness: rows that repeat. `count` is the surplus rows (a key present three times counts 2),
 * the examples are the repeated keys with their number of `copies`.
 *
 * - `uniqueness.duplicate_key` (error): a primary key held by several rows (ingestion should have
 *   rejected them; totals count them twice).
 * - `uniqueness.duplicate_events` (warning): events identical in every column.
 * - `uniqueness.duplicate_feedback` (warning): two responses by one customer at the same instant.
 * - `uniqueness.duplicate_order_items` (info): identical order lines (may be genuine repeats).
 */
export async function uniquenessChecks(ctx: QualityContext): Promise<QualityCheck[]> {
  const specs: DuplicateSpec[] = [];
  for (const table of CANONICAL_TABLES) {
    const key = CANONICAL[table].primaryKey;
    if (!key) continue;
    specs.push({
      id: 'uniqueness.duplicate_key',
      table,
      column: key.length === 1 ? (key[0] ?? null) : null,
      severity: 'error',
      keys: key,
      notNull: key.filter((c) => canonicalColumn(table, c)?.required),
      message: (surplus, groups, total) =>
        `${groups} values of the primary key (${key.join(', ')}) of ${table} are held by several rows: ${share(surplus, total)} rows are surplus copies`,
    });
  }
  specs.push(
    {
      id: 'uniqueness.duplicate_events',
      table: 'events',
      column: null,
      severity: 'warning',
      keys: CANONICAL.events.columns.map((c) => c.name),
      notNull: [],
      message: (surplus, groups, total) =>
        `${groups} events appear more than once, identical in every column: ${share(surplus, total)} rows are surplus copies (engagement counts are inflated)`,
    },
    {
      id: 'uniqueness.duplicate_feedback',
      table: 'feedback',
      column: null,
      severity: 'warning',
      keys: ['customer_id', 'responded_at'],
      notNull: ['customer_id', 'responded_at'],
      message: (surplus, groups, total) =>
        `${groups} (customer_id, responded_at) pairs have several responses: ${share(surplus, total)} rows are surplus`,
    },
    {
      id: 'uniqueness.duplicate_order_items',
      table: 'order_items',
      column: null,
      severity: 'info',
      keys: CANONICAL.order_items.columns.map((c) => c.name),
      notNull: [],
      message: (surplus, groups, total) =>
        `${groups} order lines appear more than once, identical in every column: ${share(surplus, total)} rows (genuine repeats or double loads)`,
    },
  );
  const checks: QualityCheck[] = [];
  for (const spec of specs) {
    if (ctx.rows[spec.table] === 0) continue;
    const found = await duplicates(ctx, spec);
    if (found) checks.push(found);
  }
  return checks;
}

async function duplicates(ctx: QualityContext, spec: DuplicateSpec): Promise<QualityCheck | undefined> {
  const { d, engine } = ctx;
  // JSON values are grouped by their text, which every engine can compare.
  const keyExpr = (c: string) =>
    canonicalColumn(spec.table, c)?.type === 'json' ? d.cast(col(d, 't', c), 'string') : col(d, 't', c);
  const select = spec.keys.map((c) => `${keyExpr(c)} AS ${d.ident(c)}`).join(', ');
  const where = spec.notNull.length
    ? `WHERE ${spec.notNull.map((c) => `${col(d, 't', c)} IS NOT NULL`).join(' AND ')}`
    : '';
  const grouped = `SELECT ${select}, COUNT(*) AS copies, COUNT(*) - 1 AS ${d.ident('_surplus')}
    FROM ${d.ident(spec.table)} t ${where}
    GROUP BY ${spec.keys.map(keyExpr).join(', ')} HAVING COUNT(*) > 1`;
  const found = await groupedFindings(engine, grouped, '_surplus', [
    'copies DESC',
    ...spec.keys.map((c) => `${d.ident(c)} NULLS FIRST`),
  ]);
  if (found.groups === 0) return undefined;
  return {
    id: spec.id,
    table: spec.table,
    column: spec.column,
    severity: spec.severity,
    count: found.total,
    message: spec.message(found.total, found.groups, ctx.rows[spec.table]),
    examples: found.examples,
  };
}

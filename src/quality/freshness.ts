import type { CanonicalTableName } from '../model/canonical.js';
import type { QualityCheck, Severity } from './check.js';
import { share, type QualityContext } from './context.js';
import { exampleColumns } from './example-columns.js';
import { evaluateRules } from './row-rules.js';
import { col, dayAfter, dayValue, toNum, toText } from './sql.js';

/** Older than this many days: a warning. */
export const STALE_WARNING_DAYS = 30;
/** Older than this many days: an error. */
export const STALE_ERROR_DAYS = 365;

/** The activity tables whose latest date says how fresh the data is. */
const ACTIVITY: [CanonicalTableName, string][] = [
  ['orders', 'ordered_at'],
  ['events', 'occurred_at'],
  ['feedback', 'responded_at'],
];

/** Dated columns that cannot lie after the reference date. */
const NOT_AFTER: [CanonicalTableName, string][] = [['customers', 'created_at'], ...ACTIVITY];

/** The severity of data whose latest row is `days` old. */
export function freshnessSeverity(days: number): Severity {
  if (days > STALE_ERROR_DAYS) return 'error';
  if (days > STALE_WARNING_DAYS) return 'warning';
  return 'info';
}

/**
 * Freshness, against the reference date (the as-of date when given, else today):
 *
 * - `freshness.latest` (orders.ordered_at, events.occurred_at, feedback.responded_at): the latest
 *   date on or before the reference date; info within 30 days, warning beyond, error beyond 365.
 *   Its `count` is the age in days.
 * - `freshness.after_reference` (warning): rows dated after the reference date (in the future, or
 *   beyond the as-of date, where analyses ignore them).
 */
export async function freshnessChecks(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d, engine } = ctx;
  const ref = dayValue(d, ctx.reference);
  const after = dayAfter(d, ctx.reference);
  const checks: QualityCheck[] = [];
  for (const [table, column] of ACTIVITY) {
    if (ctx.rows[table] === 0) continue;
    const c = col(d, 't', column);
    const latest = `MAX(CASE WHEN ${c} < ${after} THEN ${c} END)`;
    const [row] = await engine.query(
      `SELECT ${latest} AS latest, ${d.daysBetween(latest, ref)} AS days FROM ${d.ident(table)} t`,
    );
    if (row?.['latest'] === null || row?.['latest'] === undefined) continue; // every date is missing or later
    const days = toNum(row['days']);
    const severity = freshnessSeverity(days);
    const verdict =
      severity === 'info'
        ? 'recent'
        : severity === 'warning'
          ? `older than ${STALE_WARNING_DAYS} days`
          : `older than ${STALE_ERROR_DAYS} days: stale`;
    checks.push({
      id: 'freshness.latest',
      table,
      column,
      severity,
      count: days,
      message: `the latest ${table}.${column} is ${toText(row['latest'])}, ${days} days before the ${ctx.referenceName} ${ctx.reference} (${verdict})`,
      examples: [{ latest: row['latest'], reference: ctx.reference, days }],
    });
  }
  for (const [table, column] of NOT_AFTER) {
    if (ctx.rows[table] === 0) continue;
    const c = col(d, 't', column);
    checks.push(
      ...(await evaluateRules(ctx, {
        table,
        from: `${d.ident(table)} t`,
        rules: [
          {
            id: 'freshness.after_reference',
            column,
            severity: 'warning',
            where: `${c} >= ${after}`,
            extras: { latest: `MAX(${c})` },
            show: exampleColumns(d, table, 't', [column]),
            message: (r) =>
              `${share(r.count, r.total)} ${table} rows have a ${column} after the ${ctx.referenceName} ${ctx.reference} (up to ${toText(r.extras['latest'])})`,
          },
        ],
      })),
    );
  }
  return checks;
}

import { piiValueSql, WITHHELD } from '../privacy/pii.js';
import type { Dialect } from '../dialect/dialect.js';
import type { CanonicalTableName } from '../model/canonical.js';
import type { ColumnMapping } from './mapping.js';
import { readAs, unparseableReason } from './typing.js';

/** One reason a row can be rejected: a SQL condition and what to record. */
export interface RowCheck {
  when: string;
  reason: string;
  column: string | null;
  /** SQL for the offending value (as text). */
  value: string;
  /** SQL computing the reason / column, when they vary by row (instead of `reason` / `column`). */
  reasonSql?: string;
  columnSql?: string;
}

/** Order status spellings read as the canonical three. */
const STATUS_SYNONYMS: Record<string, string> = {
  completed: 'completed',
  complete: 'completed',
  paid: 'completed',
  shipped: 'completed',
  delivered: 'completed',
  fulfilled: 'completed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  void: 'cancelled',
  refunded: 'refunded',
  returned: 'refunded',
};

/** Column names of the mapped (uncast) and canonical (cast) values in the pipeline's tables. */
export const mappedName = (c: string): string => `__m_${c}`;
export const castName = (c: string): string => `__c_${c}`;

/**
 * SQL that turns a mapped value into its canonical type. Text is trimmed and blank means missing;
 * status is normalised (missing → completed).
 */
export function canonicalValue(d: Dialect, table: CanonicalTableName, m: ColumnMapping): string {
  const raw = d.ident(mappedName(m.column.name));
  if (m.expr === undefined) {
    if (table === 'orders' && m.column.name === 'status') return d.literal('completed');
    return `CAST(NULL AS ${d.type(m.column.type)})`;
  }
  const text = `NULLIF(TRIM(CAST(${raw} AS ${d.type('string')})), '')`;
  if (table === 'orders' && m.column.name === 'status') {
    const cases = Object.entries(STATUS_SYNONYMS)
      .map(([k, v]) => `WHEN ${d.literal(k)} THEN ${d.literal(v)}`)
      .join(' ');
    return `CASE WHEN ${text} IS NULL THEN 'completed' ELSE CASE lower(${text}) ${cases} END END`;
  }
  switch (m.column.type) {
    case 'string':
      return m.pii === undefined ? text : piiValueSql(d, text, m.pii);
    case 'json':
      return d.tryCast(raw, 'json');
    default:
      return readAs(d, raw, m.column.type, m.textInput === true);
  }
}

/**
 * The checks of a canonical table, in the order they are tried (the first that fails names the
 * rejection): required values, values that do not read as their type, then each column's rules.
 */
export function rowChecks(
  d: Dialect,
  table: CanonicalTableName,
  mappings: ColumnMapping[],
  now: string,
): RowCheck[] {
  const checks: RowCheck[] = [];
  const pii = new Set(mappings.filter((m) => m.pii !== undefined).map((m) => m.column.name));
  const textOf = (c: string) => `CAST(${d.ident(mappedName(c))} AS ${d.type('string')})`;
  // A rejected personal-data value is never recorded, only that it was rejected.
  const shown = (c: string) => (pii.has(c) ? d.literal(WITHHELD) : textOf(c));
  const castOf = (c: string) => d.ident(castName(c));
  const present = mappings.filter((m) => m.expr !== undefined);
  for (const m of present) {
    if (!m.column.required) continue;
    const n = m.column.name;
    // The cheap test first: only a value that did not convert can be missing or unreadable.
    checks.push({
      when: `${castOf(n)} IS NULL AND NULLIF(TRIM(${textOf(n)}), '') IS NULL`,
      reason: 'missing_required',
      column: n,
      value: shown(n),
    });
  }
  for (const m of present) {
    const n = m.column.name;
    // Personal data is text (any text reads) and, when dropped, has no value to check.
    if (m.pii !== undefined) continue;
    if (table === 'orders' && n === 'status') {
      checks.push({ when: `${castOf(n)} IS NULL`, reason: 'invalid_status', column: n, value: textOf(n) });
      continue;
    }
    checks.push({
      when: `${castOf(n)} IS NULL AND NULLIF(TRIM(${textOf(n)}), '') IS NOT NULL`,
      reason: unparseableReason(m.column.type),
      column: n,
      value: shown(n),
    });
  }
  const hasStatus = present.some((m) => m.column.name === 'status');
  for (const m of present) {
    const n = m.column.name;
    for (const check of m.column.checks ?? []) {
      switch (check.kind) {
        case 'not_future':
          // A day of slack: naive timestamps may be in a zone ahead of UTC.
          checks.push({
            when: `${castOf(n)} > ${d.addDays(d.cast(d.literal(now), 'timestamp'), 1)}`,
            reason: 'future_date',
            column: n,
            value: shown(n),
          });
          break;
        case 'range':
          checks.push({
            when: `${castOf(n)} NOT BETWEEN ${check.min} AND ${check.max}`,
            reason: check.reason,
            column: n,
            value: shown(n),
          });
          break;
        case 'non_negative': {
          const completed =
            check.onlyWhenCompleted && hasStatus ? ` AND ${castOf('status')} = 'completed'` : '';
          checks.push({
            when: `${castOf(n)} < 0${completed}`,
            reason: check.reason,
            column: n,
            value: shown(n),
          });
          break;
        }
        case 'one_of':
          break; // status is normalised above; other one_of columns have none yet
      }
    }
  }
  if (table === 'marketing_spend')
    checks.push({
      when: `${castOf('period_end')} < ${castOf('period_start')}`,
      reason: 'invalid_period',
      column: 'period_end',
      value: `${shown('period_start')} || ' .. ' || ${shown('period_end')}`,
    });
  return checks;
}

/** `CASE WHEN c1 THEN 1 WHEN c2 THEN 2 … END`: the index (1-based) of the first failing check, or NULL. */
export function firstFailingIndex(checks: RowCheck[]): string {
  if (checks.length === 0) return 'NULL';
  return `CASE ${checks.map((c, i) => `WHEN ${c.when} THEN ${i + 1}`).join(' ')} END`;
}

/** The reason, column or value of the check whose index is in `index` (see {@link firstFailingIndex}). */
export function checkDetail(
  d: Dialect,
  checks: RowCheck[],
  index: string,
  pick: 'reason' | 'column' | 'value',
): string {
  if (checks.length === 0) return `CAST(NULL AS ${d.type('string')})`;
  const arms = checks.map((c, i) => {
    const v =
      pick === 'value'
        ? `LEFT(CAST(${c.value} AS ${d.type('string')}), 200)`
        : pick === 'reason'
          ? (c.reasonSql ?? d.literal(c.reason))
          : (c.columnSql ?? d.literal(c.column));
    return `WHEN ${i + 1} THEN ${v}`;
  });
  return `CASE ${index} ${arms.join(' ')} END`;
}

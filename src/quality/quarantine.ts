import type { QualityCheck } from './check.js';
import type { QualityContext } from './context.js';
import { MAX_EXAMPLES } from './check.js';
import { toNum, toText } from './sql.js';

/** The quarantine table ingestion writes (workspace/schema.ts). */
const REJECTED = 'rejected_rows';

/**
 * `quarantine.<reason>` (warning): rows ingestion read but did not load, one check per table,
 * reason code and column, with the file, row number and value of the first rows as examples.
 * The reason codes are ingestion's (`negative_revenue`, `duplicate_key`, …).
 */
export async function quarantineChecks(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d, engine } = ctx;
  const [table, reason, column] = ['table_name', 'reason', 'column_name'].map((c) => d.ident(c)) as [
    string,
    string,
    string,
  ];
  const groups = await engine.query(
    `SELECT ${table} AS t, ${reason} AS reason, ${column} AS c, COUNT(*) AS n, COUNT(DISTINCT ${d.ident('file')}) AS files
     FROM ${d.ident(REJECTED)} GROUP BY ${table}, ${reason}, ${column}
     ORDER BY ${table}, ${reason}, ${column} NULLS FIRST`,
  );
  const checks: QualityCheck[] = [];
  // One small query per (table, reason, column) group, not per row: groups are few.
  for (const g of groups) {
    const t = toText(g['t']);
    const r = toText(g['reason']);
    const c = toText(g['c']);
    const same = (expr: string, v: string | null) =>
      v === null ? `${expr} IS NULL` : `${expr} = ${d.literal(v)}`;
    const examples = await engine.query(
      `SELECT ${d.ident('file')}, ${d.ident('row_number')} AS ${d.ident('row')}, ${d.ident('value')}, ${d.ident('detail')}
       FROM ${d.ident(REJECTED)} WHERE ${same(table, t)} AND ${same(reason, r)} AND ${same(column, c)}
       ORDER BY ${d.ident('load_id')} DESC, ${d.ident('file')}, ${d.ident('row_number')} LIMIT ${MAX_EXAMPLES}`,
    );
    const n = toNum(g['n']);
    const code = r ?? 'unknown';
    checks.push({
      id: `quarantine.${code}`,
      table: t ?? '',
      column: c === '' ? null : c,
      severity: 'warning',
      count: n,
      message: `${n} ${t ?? 'unknown-table'} rows from ${toNum(g['files'])} file(s) were rejected at ingestion (${code}${c ? `, column ${c}` : ''}) and are not in the workspace`,
      examples,
    });
  }
  return checks;
}

import type { CanonicalTableName } from '../model/canonical.js';
import type { RowValue } from '../engine/engine.js';
import type { QualityCheck, Severity } from './check.js';
import type { QualityContext } from './context.js';
import { countIf, exampleRows, toNum } from './sql.js';

/** What a rule's message and severity are computed from. */
export interface RuleResult {
  /** Rows matching the rule. */
  count: number;
  /** Rows of the FROM clause. */
  total: number;
  /** The rule's extra aggregates, by name. */
  extras: Record<string, RowValue>;
}

/**
 * A check that counts the rows matching a predicate. Rules over the same FROM clause are evaluated
 * together in one aggregate query (one scan of the table), then example rows are fetched for the
 * rules that matched.
 */
export interface RowRule {
  id: string;
  column: string | null;
  /** A fixed severity, or one decided from the counts (completeness). */
  severity: Severity | ((r: RuleResult) => Severity);
  /** Predicate over the batch's FROM clause. */
  where: string;
  /** Extra aggregates over the FROM clause, by name (e.g. distinct customers concerned). */
  extras?: Record<string, string>;
  /** Columns shown in the examples: alias → SQL expression. */
  show: Record<string, string>;
  message: (r: RuleResult) => string;
  /** Report the rule even when no row matches (profile checks). */
  always?: boolean;
  /** Fetch examples only when the check is a warning or an error (profile checks on big tables). */
  examplesOnlyWhenFlagged?: boolean;
}

/** A FROM clause (usually `"table" t`, possibly joined) and the rules evaluated over it. */
export interface RuleBatch {
  table: CanonicalTableName;
  from: string;
  rules: RowRule[];
}

/** Evaluates a batch: one aggregate query, then one top-N example query per rule that found rows. */
export async function evaluateRules(ctx: QualityContext, batch: RuleBatch): Promise<QualityCheck[]> {
  if (batch.rules.length === 0) return [];
  const { d, engine } = ctx;
  const items = ['COUNT(*) AS total'];
  batch.rules.forEach((rule, i) => {
    items.push(`${countIf(rule.where)} AS ${d.ident(`r${i}`)}`);
    for (const [name, expr] of Object.entries(rule.extras ?? {}))
      items.push(`${expr} AS ${d.ident(`r${i}_${name}`)}`);
  });
  const [agg] = await engine.query(`SELECT ${items.join(', ')} FROM ${batch.from}`);
  const total = toNum(agg?.['total']);
  const checks: QualityCheck[] = [];
  for (const [i, rule] of batch.rules.entries()) {
    const count = toNum(agg?.[`r${i}`]);
    if (count === 0 && !rule.always) continue;
    const extras: Record<string, RowValue> = {};
    for (const name of Object.keys(rule.extras ?? {})) extras[name] = agg?.[`r${i}_${name}`] ?? null;
    const result: RuleResult = { count, total, extras };
    const severity = typeof rule.severity === 'function' ? rule.severity(result) : rule.severity;
    const wantExamples = count > 0 && (!rule.examplesOnlyWhenFlagged || severity !== 'info');
    checks.push({
      id: rule.id,
      table: batch.table,
      column: rule.column,
      severity,
      count,
      message: rule.message(result),
      examples: wantExamples ? await exampleRows(engine, batch.from, rule.where, rule.show) : [],
    });
  }
  return checks;
}

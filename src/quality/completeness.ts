import { CANONICAL, type CanonicalTableName } from '../model/canonical.js';
import type { QualityCheck, Severity } from './check.js';
import { nonEmptyTables, share, type QualityContext } from './context.js';
import { exampleColumns } from './example-columns.js';
import { evaluateRules, type RowRule, type RuleResult } from './row-rules.js';
import { col, isMissing } from './sql.js';

/** Optional columns that segments and KPIs lean on: mostly missing deserves a warning. */
export const RELIED_ON_COLUMNS: Partial<Record<CanonicalTableName, readonly string[]>> = {
  customers: ['created_at', 'acquisition_channel', 'consent_marketing', 'country'],
};

/** Share of missing values above which a relied-on optional column is a warning. */
export const RELIED_ON_MAX_MISSING = 0.5;

/**
 * `completeness.missing`, one check per column of every non-empty table, always reported so the
 * report doubles as a profile: missing (NULL or blank) values of a required column are an error,
 * a relied-on optional column more than half empty is a warning, anything else is info. All the
 * columns of a table are counted in one aggregate query.
 */
export async function completenessChecks(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d } = ctx;
  const checks: QualityCheck[] = [];
  for (const table of nonEmptyTables(ctx)) {
    const relied = RELIED_ON_COLUMNS[table] ?? [];
    const rules: RowRule[] = CANONICAL[table].columns.map((c) => {
      const severity = (r: RuleResult): Severity => {
        if (c.required) return r.count > 0 ? 'error' : 'info';
        return relied.includes(c.name) && r.count > RELIED_ON_MAX_MISSING * r.total ? 'warning' : 'info';
      };
      const kind = c.required
        ? 'required'
        : relied.includes(c.name)
          ? 'optional, relied on by segments and KPIs'
          : 'optional';
      return {
        id: 'completeness.missing',
        column: c.name,
        severity,
        where: isMissing(d, col(d, 't', c.name), c.type),
        show: exampleColumns(d, table, 't', [c.name]),
        message: (r) => `${table}.${c.name} (${kind}): ${share(r.count, r.total)} missing`,
        always: true,
        examplesOnlyWhenFlagged: true,
      };
    });
    checks.push(...(await evaluateRules(ctx, { table, from: `${d.ident(table)} t`, rules })));
  }
  return checks;
}

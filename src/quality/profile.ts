import { CANONICAL_TABLES } from '../model/canonical.js';
import type { QualityCheck } from './check.js';
import { nonEmptyTables, type QualityContext } from './context.js';

/**
 * Profile facts (info): `profile.rows` gives the size of every non-empty table; on a workspace with
 * no data at all, `workspace.no_data` is the one check (the other families have nothing to look at).
 */
export function profileChecks(ctx: QualityContext): QualityCheck[] {
  const tables = nonEmptyTables(ctx);
  if (tables.length === 0)
    return [
      {
        id: 'workspace.no_data',
        table: '*',
        column: null,
        severity: 'info',
        count: 0,
        message: `the workspace holds no data yet (${CANONICAL_TABLES.join(', ')} are empty); run \`segtrack ingest\` first`,
        examples: [],
      },
    ];
  return tables.map((table) => ({
    id: 'profile.rows',
    table,
    column: null,
    severity: 'info',
    count: ctx.rows[table],
    message: `${table}: ${ctx.rows[table]} rows`,
    examples: [],
  }));
}

import type { Command } from 'commander';
import type { Engine } from '../../engine/engine.js';
import { CANONICAL_TABLES } from '../../model/canonical.js';
import type { CommandContext } from '../context.js';
import { table } from '../format.js';

/** What `segtrack status` reports (CONTRACT.md). */
export interface StatusResult {
  workspace: string;
  tables: Record<string, { rows: number }>;
  snapshots: number;
  latest_snapshot: string | number | null;
  rejected_rows: number;
  last_ingest: string | null;
}

/** Rows per canonical table, snapshots and the last ingest of a workspace. */
export async function workspaceStatus(engine: Engine, path: string): Promise<StatusResult> {
  const d = engine.dialect;
  const counts = await engine.query(
    `SELECT ${CANONICAL_TABLES.map((t) => `(SELECT count(*) FROM ${d.ident(t)}) AS ${d.ident(t)}`).join(', ')}, ` +
      `(SELECT count(*) FROM rejected_rows) AS __rejected, (SELECT CAST(max(finished_at) AS VARCHAR) FROM ingest_runs) AS __last`,
  );
  const c = counts[0] ?? {};
  const [s] = await engine.query(
    `SELECT count(*) AS n, (SELECT snapshot_id FROM snapshots ORDER BY as_of DESC, snapshot_id DESC LIMIT 1) AS latest FROM snapshots`,
  );
  const snapshots = Number(s?.['n'] ?? 0);
  const latest = (s?.['latest'] as string | number | null) ?? null;
  return {
    workspace: path,
    tables: Object.fromEntries(CANONICAL_TABLES.map((t) => [t, { rows: Number(c[t] ?? 0) }])),
    snapshots,
    latest_snapshot: latest,
    rejected_rows: Number(c['__rejected'] ?? 0),
    last_ingest: (c['__last'] as string | null) ?? null,
  };
}

/** `segtrack status`: what the workspace holds. */
export function registerStatus(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('status')
    .description('show what the workspace holds: rows per table, snapshots, last ingest')
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const path = ctx.workspacePath(config);
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const s = await workspaceStatus(engine, path);
        ctx.emit(s, () =>
          [
            `Workspace ${s.workspace}`,
            '',
            table(
              ['table', 'rows'],
              Object.entries(s.tables).map(([t, v]) => [t, v.rows]),
            ),
            '',
            `rejected rows: ${s.rejected_rows}   last ingest: ${s.last_ingest ?? 'never'}   snapshots: ${s.snapshots}${s.latest_snapshot !== null ? ` (latest ${s.latest_snapshot})` : ''}`,
          ].join('\n'),
        );
      } finally {
        await engine.close();
      }
    });
}

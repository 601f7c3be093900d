import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { listAudit } from '../../privacy/audit.js';
import { forgetCustomers, storedIds } from '../../privacy/forget.js';
import type { CommandContext } from '../context.js';
import { intFlag } from '../options.js';

interface ForgetFlags {
  customer?: string[];
  customers?: string;
}

/**
 * Ids from `--customers FILE`: one per line, or a CSV whose header has a `customer_id` column
 * (simple CSV: no quoted commas in ids).
 */
function idsFromFile(path: string): string[] {
  const full = resolve(path);
  if (!existsSync(full))
    throw userError('file_missing', `no file at ${full}`, {
      hint: 'give a file with one customer id per line',
    });
  const lines = readFileSync(full, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const col = header.indexOf('customer_id');
  const body = col >= 0 ? lines.slice(1) : lines;
  return body
    .map((l) => (col >= 0 ? (l.split(',')[col] ?? '') : l).trim().replace(/^"|"$/g, ''))
    .filter((l) => l !== '');
}

/** `segtrack forget` (erasure) and `segtrack audit` (the audit log). */
export function registerPrivacy(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('forget')
    .description('erase customers from every table of the workspace, in one transaction (right to erasure)')
    .option('--customer <id...>', 'a customer id (repeatable)')
    .option('--customers <file>', 'a file of customer ids: one per line, or a CSV with a customer_id column')
    .action(async (f: ForgetFlags, cmd: Command) => {
      const ctx = context(cmd);
      const ids = [...(f.customer ?? []), ...(f.customers ? idsFromFile(f.customers) : [])];
      if (ids.length === 0)
        throw userError('bad_flag', 'say whom to erase', {
          hint: 'pass --customer ID (repeatable) or --customers FILE',
        });
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const result = await forgetCustomers(engine, storedIds(config, ids));
        ctx.emit(result, () => {
          const tables = Object.entries(result.rows_deleted)
            .filter(([, n]) => n > 0)
            .map(([t, n]) => `  ${t}: ${n}`);
          return [
            `Erased ${result.erased} customer${result.erased === 1 ? '' : 's'}` +
              (result.not_found > 0
                ? ` (${result.not_found} not found: already erased or never loaded)`
                : '') +
              '; verified: no table refers to them any more.',
            ...(tables.length > 0 ? ['Rows deleted:', ...tables] : []),
            'Aggregates already stored in past snapshots (segment sizes, KPI values) are kept as aggregates.',
            'Remove them from the source files too: a later `segtrack ingest` of files that still hold them loads them again.',
          ].join('\n');
        });
      } finally {
        await engine.close();
      }
    });

  program
    .command('audit')
    .description('list the audit log: member listings, exports, erasures, purges, config and token changes')
    .option(
      '--action <action>',
      'only this action (members, export, forget, retention_purge, config_change, token_create)',
    )
    .option('--limit <n>', 'at most this many entries, newest first (default 100)')
    .action(async (f: { action?: string; limit?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const entries = await listAudit(engine, {
          ...(f.action !== undefined ? { action: f.action } : {}),
          limit: intFlag('--limit', f.limit) ?? 100,
        });
        ctx.emit({ entries }, () =>
          entries.length === 0
            ? 'The audit log is empty.'
            : entries
                .map(
                  (e) =>
                    `${e.at}  ${e.actor}  ${e.action}${e.target ? `  ${e.target}` : ''}  ${JSON.stringify(e.detail)}`,
                )
                .join('\n'),
        );
      } finally {
        await engine.close();
      }
    });
}

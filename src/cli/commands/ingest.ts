import type { Command } from 'commander';
import { CANONICAL_TABLES, type CanonicalTableName } from '../../model/canonical.js';
import { ingest, type IngestResult } from '../../ingest/ingest.js';
import { userError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';

interface IngestFlags {
  append?: boolean;
  table?: string[];
  allowEmpty?: boolean;
}

/** `segtrack ingest`: load the configured files into the workspace. */
export function registerIngest(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('ingest')
    .description('load the configured source files into the workspace (all or nothing)')
    .option('--append', 'add files not loaded before instead of reloading every table')
    .option('--table <name...>', 'load only these tables')
    .option('--allow-empty', 'allow a reload to leave a table that had rows empty')
    .action(async (flags: IngestFlags, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.config();
      const tables = flags.table?.map((t) => {
        if (!(CANONICAL_TABLES as readonly string[]).includes(t))
          throw userError('bad_flag', `--table ${t} is not a canonical table`, {
            hint: didYouMean(t, [...CANONICAL_TABLES]),
          });
        return t as CanonicalTableName;
      });
      const engine = await ctx.open(config);
      try {
        const result = await ingest(engine, config, {
          append: flags.append === true,
          allowEmpty: flags.allowEmpty === true,
          progress: ctx.progress,
          ...(tables ? { tables } : {}),
        });
        ctx.emit(result, () => renderIngest(result, ctx.workspacePath(config)));
      } finally {
        await engine.close();
      }
    });
}

/** The human summary of an ingest run. */
export function renderIngest(r: IngestResult, workspace: string): string {
  const rows = Object.entries(r.tables).map(([t, c]) => [
    t,
    c.files,
    c.source_rows,
    c.excluded,
    c.rejected,
    c.accepted,
    c.loaded,
  ]);
  const out = [
    `Ingested into ${workspace} (load ${r.load_id}, ${r.mode})`,
    '',
    table(['table', 'files', 'source rows', 'excluded', 'rejected', 'accepted', 'loaded'], rows),
    '',
    'Every row read is accounted for: source rows = excluded + rejected + accepted.',
  ];
  const skipped = Object.entries(r.tables).filter(([, c]) => c.skipped_files > 0);
  if (skipped.length > 0)
    out.push(
      `Skipped files loaded before: ${skipped.map(([t, c]) => `${t} ${c.skipped_files}`).join(', ')}.`,
    );
  if (r.customers_created > 0)
    out.push(`${num(r.customers_created)} customers were created from orders (first seen = first order).`);
  if (r.rejections.length > 0) {
    out.push('', 'Rejected rows (kept in the rejected_rows table):');
    for (const j of r.rejections) {
      const ex = j.examples
        .map((e) => `${e.file} row ${e.row}${e.column ? ` ${e.column}` : ''}=${JSON.stringify(e.value)}`)
        .join('; ');
      out.push(`  ${j.table}: ${num(j.count)} × ${j.reason}  e.g. ${ex}`);
    }
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

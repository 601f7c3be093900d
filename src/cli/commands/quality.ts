import type { Command } from 'commander';
import { QualityGateError, userError } from '../../core/errors.js';
import { gateFails, runQuality, type QualityReport } from '../../quality/quality.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';

interface QualityFlags {
  failOn?: string;
  asOf?: string;
  all?: boolean;
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/** `segtrack quality`: the data-quality report, and a gate for pipelines. */
export function registerQuality(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('quality')
    .description('data-quality report: completeness, validity, uniqueness, consistency, freshness, integrity')
    .option(
      '--fail-on <level>',
      'exit with code 3 when a check of this severity (error|warning) or worse is found',
    )
    .option('--as-of <date>', 'reference date for freshness (default: the config’s as_of, else today)')
    .option('--all', 'also list info checks in the human output (the JSON always has every check)')
    .action(async (flags: QualityFlags, cmd: Command) => {
      const ctx = context(cmd);
      if (flags.failOn !== undefined && flags.failOn !== 'error' && flags.failOn !== 'warning')
        throw userError('bad_flag', `--fail-on must be error or warning, not '${flags.failOn}'`);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      let report: QualityReport;
      try {
        const asOf = flags.asOf ?? config?.as_of;
        report = await runQuality(engine, asOf !== undefined ? { asOf } : {});
      } finally {
        await engine.close();
      }
      report.checks.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
      ctx.emit(report, () => renderQuality(report, flags.all === true));
      if (flags.failOn !== undefined && gateFails(report, flags.failOn))
        throw new QualityGateError(
          `${report.summary.error} error${report.summary.error === 1 ? '' : 's'} and ${report.summary.warning} warning${report.summary.warning === 1 ? '' : 's'} (--fail-on ${flags.failOn})`,
        );
    });
}

/** The human rendering: errors and warnings with examples; info checks summarised. */
export function renderQuality(r: QualityReport, all: boolean): string {
  const shown = r.checks.filter((c) => all || c.severity !== 'info');
  const out = [
    `Data quality: ${r.summary.error} error(s), ${r.summary.warning} warning(s), ${r.summary.info} info check(s)`,
    '',
  ];
  if (shown.length > 0)
    out.push(
      table(
        ['severity', 'check', 'table', 'column', 'count', 'message'],
        shown.map((c) => [c.severity, c.id, c.table, c.column ?? '', num(c.count), c.message]),
      ),
    );
  if (!all && r.summary.info > 0)
    out.push('', `(${r.summary.info} info checks, e.g. completeness per column: --all or --json)`);
  return out.join('\n');
}

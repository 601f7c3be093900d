import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { workspaceLabel, writeReport } from '../../report/report.js';
import type { CommandContext } from '../context.js';

interface ReportFlags {
  out?: string;
  scheme?: string[];
}

/** `segtrack report`: the self-contained HTML report (works offline; suitable for e-mail). */
export function registerReport(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('report')
    .description(
      'write the HTML report: overview, segment tables, charts, model validation, data quality (one offline file)',
    )
    .option('--out <file>', 'the HTML file to write, e.g. report.html')
    .option(
      '--scheme <scheme>',
      'include this scheme (repeat for several; default: every scheme)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .action(async (f: ReportFlags, cmd: Command) => {
      const ctx = context(cmd);
      if (f.out === undefined || f.out.trim() === '')
        throw userError('bad_flag', 'segtrack report needs --out FILE.html', {
          hint: 'e.g. segtrack report --out report.html',
        });
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        ctx.progress('gathering the report…');
        const result = await writeReport(engine, config, {
          out: f.out,
          workspace: workspaceLabel(ctx.workspacePath(config)),
          ...(f.scheme !== undefined ? { schemes: f.scheme } : {}),
        });
        const d = result.data;
        ctx.emit({ out: result.out }, () =>
          [
            `Report written to ${result.out}`,
            `  as of ${d.overview.snapshot.as_of}, ${d.snapshots.length} snapshot${d.snapshots.length === 1 ? '' : 's'}, ` +
              `${d.schemes.length} scheme${d.schemes.length === 1 ? '' : 's'} (${d.schemes.map((s) => s.summary.name).join(', ')})`,
            `  models: ${d.models.fit || d.models.validate ? 'fit and validation included' : 'not fitted'}; ` +
              `data quality: ${d.quality.summary.error} error(s), ${d.quality.summary.warning} warning(s)`,
            '  One self-contained file: it opens offline in any browser.',
          ].join('\n'),
        );
      } finally {
        await engine.close();
      }
    });
}

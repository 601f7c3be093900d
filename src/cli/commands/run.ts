import type { Command } from 'commander';
import { backfill } from '../../pipeline/backfill.js';
import { runPipeline } from '../../pipeline/run.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { dateFlag } from '../options.js';
import { userError } from '../../core/errors.js';

/** `segtrack run` and `segtrack backfill`: compute features, segments and KPIs and store snapshots. */
export function registerRun(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('run')
    .description('compute features, segments and KPIs as of a date and store them as a snapshot')
    .option('--as-of <date>', 'as-of date (default: the config’s as_of, else the latest order date)')
    .action(async (f: { asOf?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.config();
      const asOf = dateFlag('--as-of', f.asOf);
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const run = await runPipeline(engine, config, { progress: ctx.progress, ...(asOf ? { asOf } : {}) });
        const r = { ...run, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) };
        ctx.emit(r, () =>
          [
            `Snapshot ${r.snapshot_id} as of ${r.as_of}: ${num(r.customers)} customers, schemes ${r.schemes.join(', ')}`,
            `KPIs: ${r.kpis.join(', ')}`,
            ...r.skipped_schemes.map((s) => `skipped scheme ${s.scheme} (${s.type}): ${s.reason}`),
            ...modelLines(r.models),
            ...(r.alerts.rules > 0
              ? [
                  `alerts: ${r.alerts.fired.length} fired of ${r.alerts.rules} rule${r.alerts.rules === 1 ? '' : 's'}` +
                    (r.alerts.deliveries && r.alerts.deliveries.pending > 0
                      ? `, ${r.alerts.deliveries.pending} notification(s) pending (retried at the next run)`
                      : ''),
                ]
              : []),
            ...r.alerts.problems.map((p) => `alerts: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`),
            '',
            table(
              ['stage', 'ms'],
              Object.entries(r.timings_ms).map(([s, ms]) => [s, ms]),
            ),
            '',
            `Next: segtrack segments --scheme ${r.schemes[0] ?? '<scheme>'}`,
          ].join('\n'),
        );
      } finally {
        await engine.close();
      }
    });

  program
    .command('backfill')
    .description('build past snapshots from historical data, so a new workspace has history')
    .requiredOption('--from <date>', 'first as-of date')
    .requiredOption('--to <date>', 'last as-of date')
    .option('--every <period>', 'month (month ends) | week', 'month')
    .action(async (f: { from: string; to: string; every: string }, cmd: Command) => {
      const ctx = context(cmd);
      if (f.every !== 'month' && f.every !== 'week')
        throw userError('bad_flag', `--every must be month or week, not '${f.every}'`);
      const from = dateFlag('--from', f.from)!;
      const to = dateFlag('--to', f.to)!;
      const config = await ctx.config();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const r = await backfill(engine, config, { from, to, every: f.every, progress: ctx.progress });
        ctx.emit({ snapshots: r.snapshots }, () =>
          [
            `${r.snapshots.length} snapshots from ${from} to ${to}:`,
            table(
              ['snapshot', 'as of', 'customers', 'ms'],
              r.runs.map((x) => [
                String(x.snapshot_id),
                x.as_of,
                x.customers,
                Object.values(x.timings_ms).reduce((a, b) => a + b, 0),
              ]),
            ),
          ].join('\n'),
        );
      } finally {
        await engine.close();
      }
    });
}

/** The run's model fits in a line each, and every model problem with its hint. */
function modelLines(models: Record<string, unknown> | undefined): string[] {
  if (!models) return [];
  const lines: string[] = [];
  for (const key of ['purchase_model', 'spend_model']) {
    const m = models[key] as { name: string; params: Record<string, number>; converged: boolean } | null;
    if (m)
      lines.push(
        `model ${m.name}: ${Object.entries(m.params)
          .map(([k, v]) => `${k} = ${v.toPrecision(4)}`)
          .join(', ')}${m.converged ? '' : ' (not converged)'}`,
      );
  }
  for (const p of (models['problems'] as { message: string; hint?: string }[] | undefined) ?? [])
    lines.push(`models: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`);
  return lines;
}

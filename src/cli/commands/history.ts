import type { Command } from 'commander';
import { cohorts, type CohortRow } from '../../analysis/cohorts.js';
import { userError } from '../../core/errors.js';
import { resolveAsOf } from '../../pipeline/run.js';
import { suppressionLabel, suppressionNote, type SuppressionReason } from '../../privacy/suppression.js';
import { minSegmentSizeOf } from '../../privacy/threshold.js';
import { listSnapshots, trend } from '../../snapshot/read.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { toCsv } from '../csv-text.js';
import { dateFlag } from '../options.js';
import { formatOf, print } from '../output.js';

/** `segtrack snapshots`, `trend` and `cohorts`: the history. */
export function registerHistory(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('snapshots')
    .description('list the stored snapshots')
    .option('--format <format>', 'table | json | csv')
    .action(async (f: { format?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const format = formatOf(ctx, f);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const snapshots = await listSnapshots(engine);
        const rows = snapshots.map((s) => ({
          snapshot_id: s.snapshot_id,
          as_of: s.as_of,
          created_at: s.created_at,
          config_hash: s.config_hash,
        }));
        print(
          ctx,
          format,
          { snapshots: rows },
          () =>
            toCsv(
              ['snapshot_id', 'as_of', 'created_at', 'config_hash'],
              rows.map((r) => Object.values(r)),
            ),
          () =>
            rows.length === 0
              ? 'No snapshots yet: run `segtrack run` or `segtrack backfill`.'
              : table(
                  ['snapshot', 'as of', 'created', 'schemes', 'config'],
                  snapshots.map((s) => [
                    String(s.snapshot_id),
                    s.as_of,
                    s.created_at.slice(0, 19),
                    s.schemes.join(', '),
                    s.config_hash.slice(0, 10),
                  ]),
                ),
        );
      } finally {
        await engine.close();
      }
    });

  program
    .command('trend')
    .description('a KPI per segment over the snapshots')
    .requiredOption('--kpi <kpi>', 'KPI name (see `segtrack kpis`)')
    .requiredOption('--scheme <scheme>', 'segmentation scheme')
    .option('--period <period>', 'month | week | day: one point per period (its latest snapshot)', 'month')
    .option('--format <format>', 'table | json | csv')
    .action(async (f: { kpi: string; scheme: string; period: string; format?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const format = formatOf(ctx, f);
      if (!['month', 'week', 'day'].includes(f.period))
        throw userError('bad_flag', `--period must be month, week or day, not '${f.period}'`);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        // Suppressed per snapshot at output time (the snapshots keep every value).
        const threshold = minSegmentSizeOf(config);
        const series = await trend(engine, f.kpi, f.scheme, f.period as 'month' | 'week' | 'day', {
          minSegmentSize: threshold,
        });
        const periods = [...new Set(series.flatMap((s) => s.points.map((p) => p.period)))].sort();
        const label = (p: { suppression?: SuppressionReason }) =>
          p.suppression !== undefined ? suppressionLabel(p.suppression, threshold) : '';
        print(
          ctx,
          format,
          { kpi: f.kpi, scheme: f.scheme, period: f.period, min_segment_size: threshold, series },
          () =>
            toCsv(
              ['segment', 'period', 'value', 'ci_low', 'ci_high', 'snapshot_id', 'suppression'],
              series.flatMap((s) =>
                s.points.map((p) => [
                  s.segment,
                  p.period,
                  p.value,
                  p.ci_low,
                  p.ci_high,
                  p.snapshot_id,
                  label(p),
                ]),
              ),
            ),
          () => {
            const text = table(
              ['segment', ...periods.map((p) => p.slice(0, f.period === 'month' ? 7 : 10))],
              series.map((s) => [
                s.segment,
                ...periods.map((p) => {
                  const point = s.points.find((x) => x.period === p);
                  return point?.suppressed ? label(point) : num(point?.value ?? null, 2);
                }),
              ]),
            );
            const any = series.some((s) => s.points.some((p) => p.suppressed));
            return any ? `${text}\n\n${suppressionNote(threshold)}` : text;
          },
        );
      } finally {
        await engine.close();
      }
    });

  program
    .command('cohorts')
    .description('acquisition cohorts × periods since acquisition: retention or revenue per customer')
    .option('--period <period>', 'month | week', 'month')
    .option('--metric <metric>', 'retention | revenue', 'retention')
    .option('--as-of <date>', 'last date included (default: the config’s as_of, else the latest order)')
    .option('--format <format>', 'table | json | csv')
    .action(async (f: { period: string; metric: string; asOf?: string; format?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const format = formatOf(ctx, f);
      if (f.period !== 'month' && f.period !== 'week')
        throw userError('bad_flag', `--period must be month or week, not '${f.period}'`);
      if (f.metric !== 'retention' && f.metric !== 'revenue')
        throw userError('bad_flag', `--metric must be retention or revenue, not '${f.metric}'`);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const asOf = await resolveAsOf(engine, config?.as_of, dateFlag('--as-of', f.asOf));
        // Suppressed at output time, like every table segtrack prints.
        const threshold = minSegmentSizeOf(config);
        const r = await cohorts(engine, {
          asOf,
          period: f.period,
          metric: f.metric,
          minSegmentSize: threshold,
        });
        const width = Math.max(0, ...r.cohorts.map((c) => c.values.length));
        const fmt = (v: number | null) =>
          v === null ? `<${threshold}` : f.metric === 'retention' ? `${(v * 100).toFixed(0)}%` : num(v, 2);
        const label = (c: CohortRow) =>
          c.suppression !== undefined ? suppressionLabel(c.suppression, threshold) : '';
        print(
          ctx,
          format,
          r,
          () =>
            toCsv(
              [
                'cohort',
                'size',
                ...Array.from({ length: width }, (_, k) => `p${k}`),
                'suppression',
                'suppressed_periods',
              ],
              r.cohorts.map((c) => [
                c.cohort,
                c.size,
                ...Array.from({ length: width }, (_, k) => c.values[k] ?? null),
                label(c),
                c.suppressed ? '' : c.suppressed_periods.join(' '),
              ]),
            ),
          () => {
            const lines = [
              table(
                ['cohort', 'size', ...Array.from({ length: Math.min(width, 13) }, (_, k) => String(k))],
                r.cohorts.map((c) =>
                  c.suppressed ? [c.cohort, label(c)] : [c.cohort, c.size, ...c.values.slice(0, 13).map(fmt)],
                ),
              ),
            ];
            if (width > 13) lines.push(`(${width} periods; the first 13 shown: --format csv for all)`);
            if (r.cohorts.some((c) => c.suppressed_periods.length > 0))
              lines.push(
                '',
                suppressionNote(threshold),
                `<${threshold}: between 1 and ${threshold - 1} of the cohort's customers ordered in that period.`,
              );
            return lines.join('\n');
          },
        );
      } finally {
        await engine.close();
      }
    });
}

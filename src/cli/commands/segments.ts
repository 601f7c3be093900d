import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { kpiDefinition } from '../../kpis/catalogue.js';
import { kpiDefinitions } from '../../kpis/definitions.js';
import { rankValues } from '../../kpis/rank.js';
import type { KpiValue } from '../../kpis/types.js';
import type { ShownSegmentRow } from '../../privacy/suppress-segments.js';
import { suppressionLabel, suppressionNote } from '../../privacy/suppression.js';
import { minSegmentSizeOf } from '../../privacy/threshold.js';
import { resolveSnapshot, shownSegmentTable, type KpiCell, type SegmentRow } from '../../snapshot/read.js';
import type { CommandContext } from '../context.js';
import { toCsv } from '../csv-text.js';
import { num, table } from '../format.js';
import { intFlag } from '../options.js';
import { formatOf, print } from '../output.js';

/** A KPI value for people: percentages for shares, two decimals for money, whole counts. */
export function showValue(kpi: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const unit = kpiDefinition(kpi)?.unit ?? '';
  if (unit === 'share' || unit === 'probability') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'customers' || unit === 'orders' || unit === 'count') return num(v, 0);
  if (unit === 'points') return num(v, 1);
  return num(v, 2);
}

function cellText(kpi: string, c: KpiCell | undefined, flag: string): string {
  if (!c) return '';
  if (c.available === false) return 'n/a';
  const v = showValue(kpi, c.value);
  const ci =
    c.ci_low !== null && c.ci_high !== null
      ? ` [${showValue(kpi, c.ci_low)}–${showValue(kpi, c.ci_high)}]`
      : '';
  return `${v}${ci}${flag}`;
}

/** `segtrack segments` and `segtrack kpis`. */
export function registerSegments(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('segments')
    .description('the segment × KPI table of a scheme, with intervals and under/over-performance flags')
    .requiredOption('--scheme <scheme>', 'segmentation scheme')
    .option('--snapshot <id>', 'snapshot (default: the latest)')
    .option('--kpis <list>', 'comma-separated KPIs to show (default: the snapshot’s)')
    .option('--sort <kpi>', 'rank segments by this KPI, best first (by its direction)')
    .option('--format <format>', 'table | json | csv')
    .action(
      async (
        f: { scheme: string; snapshot?: string; kpis?: string; sort?: string; format?: string },
        cmd: Command,
      ) => {
        const ctx = context(cmd);
        const format = formatOf(ctx, f);
        const config = await ctx.optionalConfig();
        const engine = await ctx.open(config, { mustExist: true });
        try {
          const snap = await resolveSnapshot(engine, intFlag('--snapshot', f.snapshot));
          const wanted = f.kpis
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          // Suppression happens here, at output time (the snapshot keeps every count).
          const threshold = minSegmentSizeOf(config);
          const t = await shownSegmentTable(engine, snap, f.scheme, threshold, wanted);
          let rows: ShownSegmentRow[] = t.segments;
          if (f.sort !== undefined) {
            const def = kpiDefinition(f.sort) ?? config?.kpis?.custom?.find((c) => c.name === f.sort);
            if (!rows.some((r) => r.kpis[f.sort!] !== undefined))
              throw userError('unknown_kpi', `--sort ${f.sort}: the table has no such KPI`, {
                hint: `KPIs: ${Object.keys(rows[0]?.kpis ?? {}).join(', ')}`,
              });
            // Ranked after suppression: a suppressed segment has no value, so it goes last (by
            // name) and its place cannot hint at its value.
            const ranked = rankValues(
              rows.map((r) => ({
                segment: r.segment,
                customers: r.customers ?? 0,
                kpi: r.kpis[f.sort!] as unknown as KpiValue,
              })),
              def?.direction ?? 'higher',
            );
            rows = ranked.map((x) => rows.find((r) => r.segment === x.segment)!);
          }
          const kpis = Object.keys(rows[0]?.kpis ?? t.base.kpis);
          const csvKpis = kpis.filter((k) => k !== 'customers');
          const json = {
            scheme: f.scheme,
            snapshot_id: snap.snapshot_id,
            as_of: snap.as_of,
            min_segment_size: threshold,
            segments: rows,
            base: t.base,
          };
          const shown: (ShownSegmentRow | SegmentRow)[] = [...rows, t.base];
          const label = (r: ShownSegmentRow | SegmentRow) =>
            'suppression' in r && r.suppression !== undefined
              ? suppressionLabel(r.suppression, threshold)
              : '';
          print(
            ctx,
            format,
            json,
            () =>
              toCsv(
                // The customers column already holds the `customers` KPI: one column of that name only.
                // A suppressed segment has empty number cells and says so in `suppression` (before
                // `flags`, which stays the last column).
                [
                  'segment',
                  'customers',
                  ...csvKpis.flatMap((k) => [k, `${k}_ci_low`, `${k}_ci_high`]),
                  'suppression',
                  'flags',
                ],
                shown.map((r) => [
                  r.segment,
                  r.customers,
                  ...csvKpis.flatMap((k) => [
                    r.kpis[k]?.value ?? null,
                    r.kpis[k]?.ci_low ?? null,
                    r.kpis[k]?.ci_high ?? null,
                  ]),
                  label(r),
                  r.flags.map((x) => `${x.kpi}:${x.direction}`).join(' '),
                ]),
              ),
            () => {
              const flagOf = (r: ShownSegmentRow | SegmentRow, k: string) => {
                const x = r.flags.find((g) => g.kpi === k);
                return x ? (x.direction === 'over' ? ' ▲' : ' ▼') : '';
              };
              const at = Math.max(0, kpis.indexOf('customers'));
              const lines = [
                `Scheme ${f.scheme}, snapshot ${snap.snapshot_id} as of ${snap.as_of}${f.sort ? `, ranked by ${f.sort}` : ''}`,
                '',
                table(
                  ['segment', ...kpis],
                  shown.map((r) => {
                    const hidden = label(r);
                    // A suppressed row says so in the customers column (else the first KPI column).
                    if (hidden !== '') return [r.segment, ...kpis.map((_, i) => (i === at ? hidden : ''))];
                    return [r.segment, ...kpis.map((k) => cellText(k, r.kpis[k], flagOf(r, k)))];
                  }),
                ),
                '',
                '[low–high]: 95 % interval. ▲/▼: significantly above/below the rest of the customers (Benjamini–Hochberg, 5 % FDR).',
              ];
              if (rows.some((r) => r.suppressed)) lines.push(suppressionNote(threshold));
              const unavailable = Object.entries(t.base.kpis).filter(([, c]) => c.available === false);
              for (const [k, c] of unavailable) lines.push(`${k}: n/a — ${c.reason ?? 'unavailable'}`);
              return lines.join('\n');
            },
          );
        } finally {
          await engine.close();
        }
      },
    );

  program
    .command('kpis')
    .description('the KPI catalogue: unit, direction, description and formula of every KPI')
    .option('--format <format>', 'table | json | csv')
    .action(async (f: { format?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const format = formatOf(ctx, f);
      const config = await ctx.optionalConfig().catch(() => undefined);
      const kpis = kpiDefinitions(config);
      print(
        ctx,
        format,
        { kpis },
        () =>
          toCsv(
            ['name', 'unit', 'direction', 'description', 'formula', 'interval'],
            kpis.map((k) => [k.name, k.unit, k.direction, k.description, k.formula, k.interval]),
          ),
        () =>
          kpis
            .map(
              (k) =>
                `${k.name} (${k.unit}, ${k.direction} is better; interval: ${k.interval})\n  ${k.description}\n  = ${k.formula}`,
            )
            .join('\n\n'),
      );
    });
}

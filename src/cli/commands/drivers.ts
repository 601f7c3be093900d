import { minSegmentSizeOf } from '../../privacy/threshold.js';
import type { Command } from 'commander';
import { kpiDrivers, type DriversReport } from '../../clusters/drivers.js';
import { requireScheme, resolveSnapshot } from '../../snapshot/read.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag } from '../options.js';

function human(r: DriversReport, top: number): string {
  const lines = [
    `What separates customers high on ${r.target} from those low on it (${num(r.customers)} customers with a value)`,
    '',
    'Spearman rank correlation with the target:',
    table(
      ['feature', 'rho', 'customers', 'high feature →'],
      r.correlations
        .slice(0, top)
        .map((c) => [
          c.feature,
          c.rho.toFixed(3),
          c.n,
          c.direction === 'higher' ? `higher ${r.target}` : `lower ${r.target}`,
        ]),
    ),
  ];
  const s = r.scheme;
  if (s) {
    lines.push(
      '',
      `Mean ${r.target} per segment of ${s.scheme} (snapshot ${s.snapshot_id}):`,
      table(
        ['segment', 'customers', `mean ${r.target}`],
        s.segments.map((x) =>
          x.suppressed ? [x.segment, 'suppressed', '—'] : [x.segment, x.customers, x.target_mean],
        ),
      ),
    );
    for (const [label, seg] of [
      ['Best', s.best],
      ['Worst', s.worst],
    ] as const) {
      if (!seg) continue;
      lines.push('', `${label}: ${seg.segment} (mean ${num(seg.target_mean, 2)}), set apart by:`);
      for (const f of seg.distinguishing)
        lines.push(
          `  ${f.feature}: ${num(f.segment_mean, 2)} vs ${num(f.base_mean, 2)} overall (${f.std_diff >= 0 ? '+' : ''}${f.std_diff.toFixed(2)} sd)`,
        );
    }
  }
  return lines.join('\n');
}

/** `segtrack drivers`: which features separate customers high from low on a KPI column. */
export function registerDrivers(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('drivers')
    .description(
      'which features separate customers high from low on a KPI column (rank correlation, segment differences)',
    )
    .requiredOption('--kpi <column>', 'a numeric feature or model column, e.g. predicted_clv or p_alive')
    .option('--scheme <scheme>', 'also compare the segments of this scheme')
    .option('--snapshot <id>', 'snapshot of the scheme (default: the latest)')
    .option('--top <n>', 'rows to show per list (default 10)')
    .action(async (f: { kpi: string; scheme?: string; snapshot?: string; top?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const top = intFlag('--top', f.top, 1) ?? 10;
        let scheme: { scheme: string; snapshotId: number } | undefined;
        if (f.scheme !== undefined) {
          const snap = await resolveSnapshot(engine, intFlag('--snapshot', f.snapshot));
          requireScheme(snap, f.scheme);
          scheme = { scheme: f.scheme, snapshotId: snap.snapshot_id };
        }
        const r = await kpiDrivers(engine, {
          target: f.kpi,
          top,
          minSegmentSize: minSegmentSizeOf(config),
          ...(scheme ? { scheme } : {}),
        });
        ctx.emit(r, () => human(r, top));
      } finally {
        await engine.close();
      }
    });
}

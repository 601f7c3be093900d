import type { Command } from 'commander';
import { shownClusters, type ShownClusters } from '../../clusters/shown-clusters.js';
import { suppressionLabel, suppressionNote } from '../../privacy/suppression.js';
import { minSegmentSizeOf } from '../../privacy/threshold.js';
import { resolveSnapshot } from '../../snapshot/read.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag } from '../options.js';

function human(j: ShownClusters): string {
  const lines = [
    `Scheme ${j.scheme}, snapshot ${j.snapshot_id} as of ${j.as_of}: ${j.k} clusters of ${num(j.customers)} customers`,
    '',
    `Choosing k (${j.k_choice.mode}): ${j.k_choice.reason}`,
    table(
      ['k', 'silhouette', 'inertia/customer', ''],
      j.k_choice.scores.map((s) => [
        s.k,
        Number.isFinite(s.silhouette) ? s.silhouette.toFixed(3) : '—',
        s.inertiaPerRow.toFixed(3),
        s.k === j.k ? '← chosen' : '',
      ]),
    ),
    '',
    'Preparation: ' +
      j.features
        .map(
          (f) =>
            `${f.name}${f.log1p ? ' (log1p)' : ''}${f.winsorize ? ` winsorised ${f.winsorize.join('–')}` : ''}` +
            (f.missing > 0 ? ` [${f.missing} missing → ${num(f.imputed_with, 2)}]` : ''),
        )
        .join(', '),
    '',
    table(
      ['id', 'cluster', 'status', 'customers', 'share', 'drift'],
      j.clusters.map((c) => [
        c.id,
        c.name,
        c.status,
        c.suppression !== undefined ? suppressionLabel(c.suppression, j.min_segment_size) : c.customers,
        c.share === null ? '' : `${(c.share * 100).toFixed(1)}%`,
        c.drift === null ? '' : c.drift.toFixed(3),
      ]),
    ),
    '',
  ];
  if (j.clusters.some((c) => c.suppressed)) lines.push(suppressionNote(j.min_segment_size), '');
  for (const c of j.clusters) {
    if (c.suppression !== undefined) {
      lines.push(`#${c.id} ${c.name}: ${suppressionLabel(c.suppression, j.min_segment_size)}`);
      continue;
    }
    lines.push(`#${c.id} ${c.name}:`);
    const shown = c.profile
      .slice()
      .sort((a, b) => Math.abs(b.std_diff ?? 0) - Math.abs(a.std_diff ?? 0))
      .slice(0, 4);
    for (const f of shown)
      lines.push(
        `  ${f.feature}: mean ${num(f.mean, 2)} (all ${num(f.base_mean, 2)}), median ${num(f.median, 2)} ` +
          `(all ${num(f.base_median, 2)}), ${(f.std_diff ?? 0) >= 0 ? '+' : ''}${(f.std_diff ?? 0).toFixed(2)} sd`,
      );
    const kpis = Object.entries(c.kpis)
      .filter(([, v]) => v.value !== null && v.value !== undefined)
      .slice(0, 6)
      .map(([k, v]) => `${k} ${num(v.value, 2)}`);
    if (kpis.length > 0) lines.push(`  KPIs: ${kpis.join(', ')}`);
  }
  lines.push(
    '',
    `The full KPI table per cluster: segtrack segments --scheme ${j.scheme} --snapshot ${j.snapshot_id}`,
  );
  const id = j.identity;
  lines.push('');
  if (id.previous_snapshot_id === null)
    lines.push('Identity: first fit of this scheme, every cluster is new.');
  else {
    lines.push(
      `Identity against snapshot ${id.previous_snapshot_id} (as of ${id.previous_as_of}): ` +
        `${id.kept.length} kept, ${id.new.length} new (${id.new.map((x) => `#${x}`).join(', ') || 'none'}), ` +
        `${id.gone.length} gone (${id.gone.map((g) => `#${g.id} ${g.name}`).join(', ') || 'none'}).`,
    );
    if (id.note) lines.push(id.note);
  }
  return lines.join('\n');
}

/** `segtrack clusters`: profiles, names, k-choice scores and identity changes of a kmeans scheme. */
export function registerClusters(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('clusters')
    .description('profiles, names, k-choice scores and identity changes of a cluster (kmeans) scheme')
    .requiredOption('--scheme <scheme>', 'a kmeans scheme')
    .option('--snapshot <id>', 'snapshot (default: the latest)')
    .action(async (f: { scheme: string; snapshot?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const snap = await resolveSnapshot(engine, intFlag('--snapshot', f.snapshot));
        const j = await shownClusters(engine, snap, f.scheme, minSegmentSizeOf(config));
        ctx.emit(j, () => human(j));
      } finally {
        await engine.close();
      }
    });
}

import type { Command } from 'commander';
import type { ClusterSchemeMeta, StoredCluster } from '../../clusters/cluster-scheme-fit.js';
import type { FeatureProfile } from '../../clusters/profile.js';
import { userError } from '../../core/errors.js';
import type { ShownSegmentRow } from '../../privacy/suppress-segments.js';
import {
  decideSuppression,
  suppressionLabel,
  suppressionNote,
  type SuppressionReason,
} from '../../privacy/suppression.js';
import { minSegmentSizeOf } from '../../privacy/threshold.js';
import { requireScheme, resolveSnapshot, shownSegmentTable } from '../../snapshot/read.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag } from '../options.js';

/** One cluster as `segtrack clusters` shows it: the stored numbers, or nulls when suppressed. */
interface ShownCluster {
  id: number;
  name: string;
  status: StoredCluster['status'];
  customers: number | null;
  share: number | null;
  drift: number | null;
  distinguishing: StoredCluster['distinguishing'];
  profile: (Omit<FeatureProfile, 'mean' | 'median' | 'std_diff'> & {
    mean: number | null;
    median: number | null;
    std_diff: number | null;
  })[];
  centroid: number[] | null;
  kpis: ShownSegmentRow['kpis'];
  flags: ShownSegmentRow['flags'];
  suppressed: boolean;
  /** Present only on suppressed clusters. */
  suppression?: SuppressionReason;
}

/**
 * The stored fit of a kmeans scheme in a snapshot, with what `segtrack clusters --json` prints.
 * Clusters with fewer than `threshold` customers are suppressed, with complementary suppression
 * across the clusters (their sizes add up to the `customers` shown): such a cluster keeps its id,
 * name and status, and its size, share, centre, drift, profile means and medians, distinguishing
 * features, KPIs and flags are left out (null or empty). The base's own means stay.
 */
function clustersJson(
  scheme: string,
  snapshot: { snapshot_id: number; as_of: string },
  m: ClusterSchemeMeta,
  kpiRows: ShownSegmentRow[],
  threshold: number,
) {
  const kpisOf = new Map(kpiRows.map((r) => [r.segment, r]));
  const decisions = decideSuppression(
    m.clusters.map((c) => ({ id: c.name, customers: c.size })),
    { threshold, totalKnown: true },
  );
  // The cluster sizes and the snapshot's segment counts are the same numbers; should they ever
  // differ, a cluster hidden by either is hidden (hiding more never makes a hidden one recoverable).
  const reasonOf = m.clusters.map((c, i) => decisions[i]?.reason ?? kpisOf.get(c.name)?.suppression ?? null);
  const hiddenIds = new Set(m.clusters.filter((_, i) => reasonOf[i] !== null).map((c) => c.id));
  return {
    scheme,
    snapshot_id: snapshot.snapshot_id,
    as_of: snapshot.as_of,
    min_segment_size: threshold,
    customers: m.customers,
    k: m.k.chosen,
    k_choice: m.k,
    features: m.features,
    seed: m.seed,
    fit: m.fit,
    clusters: m.clusters.map((c, i): ShownCluster => {
      const reason = reasonOf[i] ?? null;
      if (reason === null)
        return {
          id: c.id,
          name: c.name,
          status: c.status,
          customers: c.size,
          share: c.share,
          drift: c.drift,
          distinguishing: c.distinguishing,
          profile: c.profile,
          centroid: c.centroid,
          // The cluster's row of the snapshot's segment × KPI table (the KPI catalogue).
          kpis: kpisOf.get(c.name)?.kpis ?? {},
          flags: kpisOf.get(c.name)?.flags ?? [],
          suppressed: false,
        };
      return {
        id: c.id,
        name: c.name,
        status: c.status,
        customers: null,
        share: null,
        drift: null,
        distinguishing: [],
        profile: c.profile.map((p) => ({
          feature: p.feature,
          mean: null,
          median: null,
          base_mean: p.base_mean,
          base_median: p.base_median,
          std_diff: null,
        })),
        centroid: null,
        kpis: kpisOf.get(c.name)?.suppressed ? kpisOf.get(c.name)!.kpis : {},
        flags: [],
        suppressed: true,
        suppression: reason,
      };
    }),
    identity: {
      ...m.identity,
      drift: m.identity.drift.map((x) => (hiddenIds.has(x.id) ? { ...x, drift: null } : x)),
    },
  };
}

function human(j: ReturnType<typeof clustersJson>): string {
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
        requireScheme(snap, f.scheme);
        const [row] = await engine.query<{ type: string; meta: string }>(
          `SELECT type, meta FROM snapshot_schemes WHERE snapshot_id = $1 AND scheme = $2`,
          [snap.snapshot_id, f.scheme],
        );
        if (!row || row.type !== 'kmeans')
          throw userError(
            'not_a_cluster_scheme',
            `scheme '${f.scheme}' is of type ${row?.type ?? 'unknown'}, not kmeans`,
            {
              hint: 'name a scheme with `type: kmeans`',
            },
          );
        // Suppressed at output time: the snapshot keeps every cluster's numbers.
        const threshold = minSegmentSizeOf(config);
        const kpis = await shownSegmentTable(engine, snap, f.scheme, threshold);
        const j = clustersJson(
          f.scheme,
          snap,
          JSON.parse(row.meta) as ClusterSchemeMeta,
          kpis.segments,
          threshold,
        );
        ctx.emit(j, () => human(j));
      } finally {
        await engine.close();
      }
    });
}

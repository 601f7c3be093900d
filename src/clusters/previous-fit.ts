import type { Engine } from '../engine/engine.js';
import type { PreviousFit } from './identity.js';
import type { ClusterSchemeMeta } from './cluster-scheme-fit.js';

/**
 * The latest stored fit of a cluster scheme with this name as of `asOf` or earlier (the snapshot
 * with the latest as-of date, then the highest id), or null when there is none. Its clusters are
 * what a new fit is matched to (identity.ts). With `replacing` (the run's config hash), the
 * snapshot the run will replace — same date, same config — is left out: a re-run is matched to
 * what the run it replaces was matched to, not to itself.
 */
export async function readPreviousFit(
  engine: Engine,
  scheme: string,
  asOf: string,
  replacing?: string,
): Promise<PreviousFit | null> {
  const d = engine.dialect;
  const rows = await engine.query<{ snapshot_id: number; as_of: string; meta: string }>(
    `SELECT s.snapshot_id, ${d.cast('s.as_of', 'string')} AS as_of, ss.meta
       FROM snapshot_schemes ss JOIN snapshots s ON s.snapshot_id = ss.snapshot_id
      WHERE ss.scheme = $1 AND ss.type = 'kmeans' AND s.as_of <= ${d.cast('$2', 'date')}
        AND NOT (s.as_of = ${d.cast('$2', 'date')} AND s.config_hash = $3)
      ORDER BY s.as_of DESC, s.snapshot_id DESC LIMIT 1`,
    [scheme, asOf, replacing ?? ''],
  );
  const row = rows[0];
  if (!row) return null;
  const meta = JSON.parse(row.meta) as Partial<ClusterSchemeMeta>;
  if (!meta.transform || !Array.isArray(meta.clusters)) return null;
  return {
    snapshot_id: Number(row.snapshot_id),
    as_of: row.as_of,
    transform: meta.transform,
    clusters: meta.clusters.map((c) => ({ id: c.id, name: c.name, centroid: c.centroid })),
    next_id: meta.identity?.next_id ?? Math.max(0, ...meta.clusters.map((c) => c.id)) + 1,
  };
}

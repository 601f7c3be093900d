import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Engine } from '../engine/engine.js';
import { listSnapshots, requireScheme, resolveSnapshot, type SnapshotInfo } from '../snapshot/read.js';

/** The two snapshots a migration compares. */
export interface MigrationSnapshots {
  from: SnapshotInfo;
  to: SnapshotInfo;
}

/**
 * The snapshots a migration of `scheme` compares: `to` defaults to the latest snapshot holding
 * the scheme, `from` to the one before `to` (by as-of date, then id) holding it. Both must hold
 * the scheme and `from` must come before `to`.
 *
 * @throws UserError `no_snapshots`, `unknown_scheme` (with a did-you-mean over every stored
 * scheme), `unknown_snapshot`, `no_earlier_snapshot`, `same_snapshot`, `snapshots_reversed`.
 */
export async function resolveMigrationSnapshots(
  engine: Engine,
  scheme: string,
  ids: { from?: number | undefined; to?: number | undefined } = {},
): Promise<MigrationSnapshots> {
  const all = await listSnapshots(engine);
  if (all.length === 0) await resolveSnapshot(engine); // throws no_snapshots
  const withScheme = all.filter((s) => s.schemes.includes(scheme));
  if (withScheme.length === 0)
    throw userError('unknown_scheme', `no snapshot has a scheme '${scheme}'`, {
      hint: didYouMean(scheme, [...new Set(all.flatMap((s) => s.schemes))]),
    });
  const listed = `snapshots with scheme ${scheme}: ${withScheme.map((s) => `${s.snapshot_id} (${s.as_of})`).join(', ')}`;
  const pick = (flag: string, id: number): SnapshotInfo => {
    const found = all.find((s) => s.snapshot_id === id);
    if (!found)
      throw userError('unknown_snapshot', `${flag} ${id}: there is no snapshot ${id}`, { hint: listed });
    requireScheme(found, scheme);
    return found;
  };
  const to = ids.to !== undefined ? pick('--to', ids.to) : withScheme[withScheme.length - 1]!;
  const order = (s: SnapshotInfo) => all.indexOf(s);
  let from: SnapshotInfo;
  if (ids.from !== undefined) from = pick('--from', ids.from);
  else {
    const earlier = withScheme.filter((s) => order(s) < order(to));
    if (earlier.length === 0)
      throw userError(
        'no_earlier_snapshot',
        `no snapshot before snapshot ${to.snapshot_id} (${to.as_of}) has the scheme '${scheme}': a migration needs two`,
        { hint: `run \`segtrack backfill\` for earlier dates, or pass --from and --to (${listed})` },
      );
    from = earlier[earlier.length - 1]!;
  }
  if (from.snapshot_id === to.snapshot_id)
    throw userError('same_snapshot', `--from and --to are both snapshot ${to.snapshot_id}`, {
      hint: `choose two different snapshots (${listed})`,
    });
  if (order(from) > order(to))
    throw userError(
      'snapshots_reversed',
      `snapshot ${from.snapshot_id} (${from.as_of}) comes after snapshot ${to.snapshot_id} (${to.as_of})`,
      { hint: 'swap --from and --to: --from is the earlier snapshot' },
    );
  return { from, to };
}

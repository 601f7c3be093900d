import type { Engine } from '../engine/engine.js';
import { featureColumns } from '../features/feature-columns.js';
import { decideSuppression } from '../privacy/suppression.js';
import { suppressMatrix } from '../tracking/migration-suppression.js';
import { readProfiles, type StoredProfileRow } from '../snapshot/profiles.js';
import { BASE_SCHEME } from '../snapshot/store.js';

/** A numeric feature of a segment next to the whole base. */
export interface NumericProfile {
  feature: string;
  description: string;
  /** Mean over the segment's members with a value; null when hidden. */
  mean: number | null;
  /** Members with a value; null when hidden. */
  n: number | null;
  base_mean: number | null;
  base_sd: number | null;
  /** (mean − base mean) / base sd: how far the segment sits from the base, in base standard deviations. */
  std_diff: number | null;
  suppressed: boolean;
}

/** One category of a categorical feature: its share of the segment and of the base. */
export interface CategoryShare {
  category: string;
  /** Null when hidden (too few members in it, or hiding another that is). */
  share: number | null;
  base_share: number | null;
  suppressed: boolean;
}

/** A categorical feature's distribution in the segment next to the base's. */
export interface CategoricalProfile {
  feature: string;
  description: string;
  categories: CategoryShare[];
}

/** What a segment's members are like, against the whole base (`snapshot_profiles`). */
export interface SegmentProfileView {
  /** False for snapshots stored before profiles were, for an empty or a suppressed segment. */
  available: boolean;
  reason: string | null;
  /** Ordered by |std_diff|, largest first: what sets the segment apart comes first. */
  numeric: NumericProfile[];
  categorical: CategoricalProfile[];
}

const descriptions = new Map(featureColumns([], 365).map((c) => [c.name, c.description]));
const describe = (feature: string) =>
  descriptions.get(feature) ??
  (feature === 'events_90d' ? 'Behavioural events in the last 90 days (count).' : '');

/**
 * The segments whose figures of one numeric feature must be hidden. The reader knows the base's
 * count and mean, so Σ n·mean over the scheme's segments is known: as for a partition with a known
 * total, the hidden segments must be none, or at least two holding together at least `threshold`
 * members with a value. Segments already suppressed in the scheme's table start hidden; then every
 * one with 1 … threshold − 1 values; then the smallest shown ones, until the rule holds.
 */
function hiddenForFeature(
  counts: ReadonlyMap<string, number>,
  suppressed: ReadonlySet<string>,
  threshold: number,
): Set<string> {
  const hidden = new Set<string>();
  for (const [segment, n] of counts)
    if (suppressed.has(segment) || (n > 0 && n < threshold)) hidden.add(segment);
  const sumHidden = () => [...hidden].reduce((s, g) => s + (counts.get(g) ?? 0), 0);
  const nonEmptyHidden = () => [...hidden].filter((g) => (counts.get(g) ?? 0) > 0).length;
  const candidates = [...counts]
    .filter(([g, n]) => n > 0 && !hidden.has(g))
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  while (nonEmptyHidden() > 0 && (nonEmptyHidden() < 2 || sumHidden() < threshold) && candidates.length > 0)
    hidden.add(candidates.shift()![0]);
  return hidden;
}

/**
 * The stored profile of a segment, shown under the privacy rules (src/privacy/CONTEXT.md).
 * `rows` are the profiles of every segment of the scheme and of the base (the reader may put all
 * of them side by side, so each figure is protected across the scheme, not within one segment):
 *
 * - A segment suppressed in the scheme's table (`suppressed`) has no profile.
 * - Numeric features: see {@link hiddenForFeature}; a hidden segment's mean and count are null.
 * - Categorical features: segments × categories is a two-way table whose row totals (segment
 *   sizes) and column totals (the base's category counts) are known, so it is protected like a
 *   migration matrix (`suppressMatrix`: cells of 1 … threshold − 1 customers and enough others
 *   that no hidden cell follows from the margins); suppressed segments' cells count as hidden.
 * - The base's own figures are shown when at least `threshold` customers have a value; its
 *   categories are protected as a partition of the base.
 */
export function shownProfile(
  rows: readonly StoredProfileRow[],
  segment: string,
  threshold: number,
  suppressed: ReadonlySet<string> = new Set(),
): SegmentProfileView {
  const segments = rows.filter((r) => r.scheme !== BASE_SCHEME);
  const mine = segments.filter((r) => r.segment === segment);
  const base = rows.filter((r) => r.scheme === BASE_SCHEME);
  if (suppressed.has(segment))
    return {
      available: false,
      reason: 'the segment is suppressed (privacy.min_segment_size)',
      numeric: [],
      categorical: [],
    };
  if (mine.length === 0)
    return {
      available: false,
      reason:
        'this snapshot has no stored profiles (it was made before segtrack stored them); run `segtrack run` again',
      numeric: [],
      categorical: [],
    };
  const numeric: NumericProfile[] = mine
    .filter((r) => r.category === null)
    .map((r) => {
      const counts = new Map(
        segments.filter((x) => x.feature === r.feature && x.category === null).map((x) => [x.segment, x.n]),
      );
      const hidden = hiddenForFeature(counts, suppressed, threshold).has(segment);
      const b = base.find((x) => x.feature === r.feature && x.category === null);
      const mean = hidden ? null : r.mean;
      // The base's own mean describes fewer than `threshold` customers when so few have a value.
      const baseShown = b !== undefined && b.n >= threshold;
      const sd = baseShown ? b.sd : null;
      const baseMean = baseShown ? b.mean : null;
      return {
        feature: r.feature,
        description: describe(r.feature),
        mean,
        n: hidden ? null : r.n,
        base_mean: baseMean,
        base_sd: sd,
        std_diff: mean !== null && baseMean !== null && sd ? (mean - baseMean) / sd : null,
        suppressed: hidden,
      };
    })
    .sort(
      (a, b) => Math.abs(b.std_diff ?? 0) - Math.abs(a.std_diff ?? 0) || a.feature.localeCompare(b.feature),
    );

  const features = [...new Set(mine.filter((r) => r.category !== null).map((r) => r.feature))];
  const categorical: CategoricalProfile[] = features.map((feature) => {
    const baseCells = base.filter((r) => r.feature === feature && r.category !== null);
    const cells = segments.filter((r) => r.feature === feature && r.category !== null);
    const decided = suppressMatrix(
      cells.map((c) => ({ row: c.segment, col: c.category!, customers: c.n })),
      threshold,
    );
    const hiddenCell = (category: string) =>
      decided.some((d) => d.row === segment && d.col === category && d.suppressed);
    const size = cells.filter((c) => c.segment === segment).reduce((s, c) => s + c.n, 0);
    const baseTotal = baseCells.reduce((s, c) => s + c.n, 0);
    const baseHidden = new Set(
      decideSuppression(
        baseCells.map((c) => ({ id: c.category!, customers: c.n })),
        { threshold, totalKnown: true },
      )
        .filter((d) => d.suppressed)
        .map((d) => d.id),
    );
    const categories = baseCells
      .map((b) => {
        const cell = cells.find((c) => c.segment === segment && c.category === b.category);
        // A category with no member in the segment is 0 %: it describes nobody.
        const hidden = cell !== undefined && hiddenCell(b.category!);
        return {
          category: b.category!,
          share: hidden ? null : cell && size > 0 ? cell.n / size : 0,
          base_share: baseHidden.has(b.category!) || baseTotal === 0 ? null : b.n / baseTotal,
          suppressed: hidden,
        };
      })
      .sort((a, b) => (b.base_share ?? 0) - (a.base_share ?? 0) || a.category.localeCompare(b.category));
    return { feature, description: describe(feature), categories };
  });
  return { available: true, reason: null, numeric, categorical };
}

/**
 * {@link shownProfile} of one segment of a scheme in a snapshot, read from the workspace, with the
 * segments the scheme's table suppresses.
 */
export async function segmentProfile(
  engine: Engine,
  snapshotId: number,
  scheme: string,
  segment: string,
  threshold: number,
  suppressed: ReadonlySet<string>,
): Promise<SegmentProfileView> {
  return shownProfile(await readProfiles(engine, snapshotId, scheme), segment, threshold, suppressed);
}

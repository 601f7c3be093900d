import type { Engine } from '../engine/engine.js';
import { featureColumns } from '../features/feature-columns.js';
import { decideSuppression } from '../privacy/suppression.js';
import { readProfiles, type StoredProfileRow } from '../snapshot/profiles.js';
import { BASE_SCHEME } from '../snapshot/store.js';

/** A numeric feature of a segment next to the whole base. */
export interface NumericProfile {
  feature: string;
  description: string;
  /** Mean over the segment's members with a value. */
  mean: number | null;
  /** Members with a value. */
  n: number;
  base_mean: number | null;
  base_sd: number | null;
  /** (mean − base mean) / base sd: how far the segment sits from the base, in base standard deviations. */
  std_diff: number | null;
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
  /** False for snapshots stored before profiles were, or for a suppressed segment. */
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
 * The stored profile of a segment, shown under the privacy rules (src/privacy/CONTEXT.md): a
 * segment that is suppressed has no profile; within a shown segment, a category holding 1 …
 * `threshold` − 1 members is hidden, with complementary suppression across the feature's
 * categories (their counts add up to the segment's size, which is shown); the base's categories
 * are treated alike. Means of a shown segment describe at least `threshold` customers and are
 * shown, unless fewer than `threshold` members have a value.
 */
export function shownProfile(
  rows: readonly StoredProfileRow[],
  segment: string,
  threshold: number,
): SegmentProfileView {
  const mine = rows.filter((r) => r.scheme !== BASE_SCHEME && r.segment === segment);
  const base = rows.filter((r) => r.scheme === BASE_SCHEME);
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
      const b = base.find((x) => x.feature === r.feature && x.category === null);
      const shown = r.n >= threshold;
      const mean = shown ? r.mean : null;
      const sd = b?.sd ?? null;
      return {
        feature: r.feature,
        description: describe(r.feature),
        mean,
        n: r.n,
        base_mean: b?.mean ?? null,
        base_sd: sd,
        std_diff:
          mean !== null && b?.mean !== null && b?.mean !== undefined && sd ? (mean - b.mean) / sd : null,
      };
    })
    .sort(
      (a, b) => Math.abs(b.std_diff ?? 0) - Math.abs(a.std_diff ?? 0) || a.feature.localeCompare(b.feature),
    );
  const features = [...new Set(mine.filter((r) => r.category !== null).map((r) => r.feature))];
  const categorical: CategoricalProfile[] = features.map((feature) => {
    const cells = (list: readonly StoredProfileRow[]) =>
      list.filter((r) => r.feature === feature && r.category !== null);
    const seg = cells(mine);
    const all = cells(base);
    const shares = (list: StoredProfileRow[]) => {
      const total = list.reduce((s, r) => s + r.n, 0);
      const hidden = decideSuppression(
        list.map((r) => ({ id: r.category!, customers: r.n })),
        { threshold, totalKnown: true },
      );
      return new Map(
        list.map((r, i) => [r.category!, hidden[i]?.suppressed || total === 0 ? null : r.n / total]),
      );
    };
    const segShares = shares(seg);
    const baseShares = shares(all);
    const categories = all
      .map((r) => r.category!)
      .map((category) => {
        const inSegment = seg.some((r) => r.category === category);
        // A category with no member in the segment is 0 %: it describes nobody.
        const share = inSegment ? (segShares.get(category) ?? null) : 0;
        return {
          category,
          share,
          base_share: baseShares.get(category) ?? null,
          suppressed: inSegment && share === null,
        };
      })
      .sort((a, b) => (b.base_share ?? 0) - (a.base_share ?? 0) || a.category.localeCompare(b.category));
    return { feature, description: describe(feature), categories };
  });
  return { available: true, reason: null, numeric, categorical };
}

/** {@link shownProfile} of one segment of a scheme in a snapshot, read from the workspace. */
export async function segmentProfile(
  engine: Engine,
  snapshotId: number,
  scheme: string,
  segment: string,
  threshold: number,
): Promise<SegmentProfileView> {
  return shownProfile(await readProfiles(engine, snapshotId, scheme, segment), segment, threshold);
}

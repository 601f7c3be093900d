/**
 * The matched control of `segtrack compare --control matched`: the pre-period features of the
 * treated customers and of every candidate (compare-sql.ts), nearest-neighbour matching on them
 * (matching.ts), the matched controls written to the group table with their multiplicities as
 * weights, and the balance before and after (balance.ts).
 */
import type { Rng } from '../core/rng.js';
import type { Engine } from '../engine/engine.js';
import { SMD_THRESHOLD, standardisedMeanDifferences, type FeatureBalance } from './balance.js';
import { TREATED, addWeightedControls } from './compare-groups.js';
import { MATCHING_FEATURES, matchingFeatureSql } from './compare-sql.js';
import type { CompareWindows } from './compare-windows.js';
import { nearestNeighbourMatch } from './matching.js';

/** What matching adds to the control group's description. */
export interface MatchedDetails {
  /** Treated customers matched (each to one control, with replacement); null when a group is too small to show. */
  matched_pairs: number | null;
  /** Candidate controls: customers not treated who existed before the start. */
  pool: number;
  features: string[];
  /** Mean distance to the match, in standardised units. */
  mean_distance: number | null;
  balance: FeatureBalance[];
  /** Largest |SMD| after matching. */
  max_abs_smd_after: number | null;
  balanced: boolean;
}

/**
 * Matches each treated customer to its nearest non-treated customer on the pre-period features
 * (log1p-transformed before standardising, as revenue, orders and day counts are skewed), adds
 * the matched controls with their multiplicities as weights, and reports balance on the
 * features' own scale.
 */
export async function addMatchedControls(
  engine: Engine,
  table: string,
  windows: CompareWindows,
  rng: Rng,
): Promise<MatchedDetails> {
  const stmt = matchingFeatureSql(engine.dialect, windows, table);
  const cols = await engine.numericColumns(stmt.sql, stmt.params);
  const keys = cols['customer_key'] ?? new Float64Array(0);
  const side = cols['treated'] ?? new Float64Array(0);
  let nT = 0;
  while (nT < side.length && side[nT] === TREATED) nT++;
  const raw = MATCHING_FEATURES.map((f) => cols[f] ?? new Float64Array(0));
  const treatedRaw = raw.map((c) => c.subarray(0, nT));
  const poolRaw = raw.map((c) => c.subarray(nT));
  const log1p = (c: Float64Array) =>
    c.map((v) => (Number.isFinite(v) ? Math.log1p(Math.max(0, v)) : Number.NaN));
  const m = nearestNeighbourMatch(treatedRaw.map(log1p), poolRaw.map(log1p), rng);
  await addWeightedControls(engine, table, keys.subarray(nT), m.weights);
  const balance = standardisedMeanDifferences(MATCHING_FEATURES, treatedRaw, poolRaw, m.weights);
  const after = balance.map((b) => b.smd_after).filter((x): x is number => x !== null);
  const maxAfter = after.length > 0 ? Math.max(...after.map(Math.abs)) : null;
  let dist = 0;
  let matched = 0;
  for (const x of m.distance)
    if (Number.isFinite(x)) {
      dist += x;
      matched++;
    }
  return {
    matched_pairs: matched,
    pool: side.length - nT,
    features: [...MATCHING_FEATURES],
    mean_distance: matched > 0 ? dist / matched : null,
    balance,
    max_abs_smd_after: maxAfter,
    balanced: maxAfter === null || maxAfter <= SMD_THRESHOLD,
  };
}

import type { Engine } from '../engine/engine.js';
import type { SnapshotInfo } from '../snapshot/read.js';

/** One scheme of a snapshot, as a scheme picker lists it. */
export interface SchemeSummary {
  name: string;
  /** `rfm`, `rules`, `kmeans`, `lifecycle`, `dimension`, `value_tiers`, `churn_risk`. */
  type: string;
  /** Its segments in display order (empty ones included). */
  segments: string[];
  /** One line on how the scheme divides customers. */
  description: string;
}

/** What each kind of scheme does, in the words a picker shows. */
const DESCRIPTIONS: Record<string, string> = {
  rfm: 'Recency, frequency and monetary quintile scores, grouped into the usual named RFM segments.',
  rules: 'Named segments from rules over the customer features, first match wins.',
  kmeans: 'Clusters discovered by k-means on chosen features, named from what sets each apart.',
  lifecycle: 'Where each customer is in their lifecycle: new, active, at risk, lapsed, churned…',
  dimension: 'One segment per value of a customer attribute.',
  value_tiers: 'Tiers of predicted customer lifetime value (purchase and spend models).',
  churn_risk: 'Bands of the probability that the customer is still active (purchase model).',
};

/** The schemes a snapshot holds, in the config's order, with their type and segments. */
export async function schemeSummaries(engine: Engine, snapshot: SnapshotInfo): Promise<SchemeSummary[]> {
  const rows = await engine.query<{ scheme: string; type: string; segments: string }>(
    `SELECT scheme, type, segments FROM snapshot_schemes WHERE snapshot_id = $1`,
    [snapshot.snapshot_id],
  );
  const byName = new Map(rows.map((r) => [r.scheme, r]));
  return snapshot.schemes.map((name) => {
    const r = byName.get(name);
    const type = r?.type ?? 'unknown';
    return {
      name,
      type,
      segments: r ? (JSON.parse(r.segments) as string[]) : [],
      description: DESCRIPTIONS[type] ?? 'A segmentation scheme.',
    };
  });
}

import type { Engine } from '../engine/engine.js';
import { decideSuppression } from '../privacy/suppression.js';

/** A stored model report as shown: the JSON `segtrack fit` / `segtrack validate` printed, and its snapshot. */
export type ShownModelReport = Record<string, unknown> & { snapshot_id: number | null };

interface FrequencyGroup {
  frequency: number;
  customers: number | null;
  actual_mean: number | null;
  expected_mean: number | null;
  [extra: string]: unknown;
}

/**
 * The latest stored fit and validation (`snapshot_models`). A validation's holdout means by
 * calibration frequency describe the customers of each frequency: a group of 1 … `threshold` − 1
 * customers has its size and means hidden, and so do enough others that none can be worked out
 * from the totals the report also gives (customers, repeat purchases); the tracking curve is over
 * everyone.
 */
export async function latestModelReports(
  engine: Engine,
  threshold: number,
): Promise<{ fit: ShownModelReport | null; validate: ShownModelReport | null; min_segment_size: number }> {
  const rows = await engine.query<{ kind: string; snapshot_id: number | null; report: string }>(
    `SELECT kind, snapshot_id, report FROM snapshot_models m WHERE created_at = ` +
      `(SELECT MAX(created_at) FROM snapshot_models x WHERE x.kind = m.kind) ORDER BY kind`,
  );
  const latest = (kind: string): ShownModelReport | null => {
    const r = rows.find((x) => x.kind === kind);
    if (!r) return null;
    const report = JSON.parse(r.report) as Record<string, unknown>;
    const holdout = report['holdout'] as { by_calibration_frequency?: FrequencyGroup[] } | undefined;
    const groups = holdout?.by_calibration_frequency;
    if (holdout && groups) {
      // The groups partition the validated customers, whose number the report gives: complementary
      // suppression as for any partition with a known total (src/privacy/suppression.ts).
      const decided = decideSuppression(
        groups.map((g) => ({ id: String(g.frequency), customers: g.customers ?? 0 })),
        { threshold, totalKnown: true },
      );
      holdout.by_calibration_frequency = groups.map((g, i) =>
        decided[i]?.suppressed
          ? { ...g, customers: null, actual_mean: null, expected_mean: null, suppressed: true }
          : { ...g, suppressed: false },
      );
    }
    return { snapshot_id: r.snapshot_id === null ? null : Number(r.snapshot_id), ...report };
  };
  return { fit: latest('fit'), validate: latest('validate'), min_segment_size: threshold };
}

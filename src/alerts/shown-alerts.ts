/**
 * The alert history as `segtrack alerts` prints it: small segments suppressed at the time of
 * printing, like every other output (src/privacy/CONTEXT.md), so raising
 * `privacy.min_segment_size` later also hides the values of old alerts.
 */
import type { Engine } from '../engine/engine.js';
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { BASE_SCHEME } from '../snapshot/store.js';
import type { AlertRecord } from './alert-record.js';
import { readAlerts } from './history-store.js';

/** An alert as printed. */
export interface ShownAlert extends AlertRecord {
  suppressed: boolean;
  /** Present only when suppressed. */
  suppression?: SuppressionReason;
}

/**
 * The alerts, newest first, with the values of segments that are suppressed under `threshold` in
 * the alert's snapshot hidden (`value`, `previous` and the measures null, `suppressed: true`), and
 * `previous` (and `change`, `pct_change`) hidden when the segment is suppressed in the previous
 * snapshot. A snapshot whose segments are gone hides its values, to be safe.
 */
export async function shownAlerts(
  engine: Engine,
  o: { rule?: string; limit: number; threshold: number },
): Promise<ShownAlert[]> {
  const alerts = await readAlerts(
    engine,
    o.rule === undefined ? { limit: o.limit } : { rule: o.rule, limit: o.limit },
  );
  const wanted = new Set<string>();
  for (const a of alerts) {
    if (a.scheme === BASE_SCHEME) continue;
    wanted.add(JSON.stringify([a.snapshot_id, a.scheme]));
    if (a.previous_snapshot_id !== null) wanted.add(JSON.stringify([a.previous_snapshot_id, a.scheme]));
  }
  const decisions = new Map<string, Map<string, SuppressionReason | null>>();
  for (const key of wanted) {
    const [id, scheme] = JSON.parse(key) as [number, string];
    const cells = await engine.query<{ segment: string; customers: number }>(
      `SELECT segment, customers FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2 ORDER BY position, segment`,
      [id, scheme],
    );
    decisions.set(
      key,
      new Map(
        decideSuppression(
          cells.map((c) => ({ id: c.segment, customers: Number(c.customers) })),
          { threshold: o.threshold, totalKnown: true },
        ).map((d) => [d.id, d.reason]),
      ),
    );
  }
  const reason = (id: number, a: AlertRecord): SuppressionReason | null => {
    const r = decisions.get(JSON.stringify([id, a.scheme]))?.get(a.segment);
    return r === undefined ? 'small' : r;
  };
  return alerts.map((a): ShownAlert => {
    if (a.scheme === BASE_SCHEME) return { ...a, suppressed: false };
    const now = reason(a.snapshot_id, a);
    if (now !== null)
      return {
        ...a,
        value: null,
        previous: null,
        measures: { change: null, pct_change: null, anomaly: null, customers: null, history_points: 0 },
        suppressed: true,
        suppression: now,
      };
    if (a.previous_snapshot_id !== null && reason(a.previous_snapshot_id, a) !== null)
      return {
        ...a,
        previous: null,
        measures: { ...a.measures, change: null, pct_change: null },
        suppressed: false,
      };
    return { ...a, suppressed: false };
  });
}

/**
 * A fired alert as segtrack stores, prints and sends it (CONTRACT.md, `segtrack alerts`: `rule,
 * scheme, segment, kpi, value, previous, snapshot_id, fired_at`, plus the fields below).
 */

/** The measures a condition was evaluated on, as stored and shown with an alert. */
export interface AlertMeasures {
  change: number | null;
  pct_change: number | null;
  /** The robust z-score; null when the history was too short (or, with `note`, constant). */
  anomaly: number | null;
  customers: number | null;
  /** How many earlier values the anomaly score was computed from. */
  history_points: number;
  /** Set when the history was constant, so any other value scored ±∞ (shown as null). */
  note?: string;
}

/** One fired alert. */
export interface AlertRecord {
  alert_id: number;
  rule: string;
  /** `(all)` for a rule over the whole base. */
  scheme: string;
  /** `All customers` for a rule over the whole base. */
  segment: string;
  kpi: string;
  value: number | null;
  previous: number | null;
  snapshot_id: number;
  /** When the alert fired, ISO 8601 in UTC (`2024-05-01T06:00:00.000Z`). */
  fired_at: string;
  as_of: string;
  previous_snapshot_id: number | null;
  /** The rule's `when:` as written. */
  condition: string;
  measures: AlertMeasures;
}

/** A number as a short text: up to 6 significant digits, no exponent for everyday sizes. */
function short(x: number | null): string {
  if (x === null) return 'n/a';
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e9 ? String(Number(x.toPrecision(6))) : x.toExponential(4);
}

/**
 * The alert in one line, as the console target prints it and webhooks carry it in `text`.
 *
 * @example alertText(a) // "segtrack alert 'vip-drop': revenue of value / VIP is 900 (previous 1200, change -300) in snapshot 7 as of 2024-04-30 [when pct_change < -0.2]"
 */
export function alertText(a: AlertRecord): string {
  const where =
    a.segment === 'All customers' && a.scheme === '(all)' ? 'all customers' : `${a.scheme} / ${a.segment}`;
  const prev =
    a.previous === null
      ? ''
      : ` (previous ${short(a.previous)}, change ${a.measures.change !== null && a.measures.change > 0 ? '+' : ''}${short(a.measures.change)})`;
  // The robust z-score is shown when the rule is about it.
  const anomaly =
    a.measures.anomaly === null || !/\banomaly\b/i.test(a.condition)
      ? ''
      : `, robust z ${short(a.measures.anomaly)}`;
  return (
    `segtrack alert '${a.rule}': ${a.kpi} of ${where} is ${short(a.value)}${prev}${anomaly} ` +
    `in snapshot ${a.snapshot_id} as of ${a.as_of} [when ${a.condition}]`
  );
}

/** A JavaScript date as a DuckDB TIMESTAMP text in UTC (`2024-05-01 06:00:00.000`). */
export function timestampText(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** A DuckDB TIMESTAMP read as text (`2024-05-01 06:00:00.123`) in ISO 8601 with `Z`. */
export function isoTimestamp(text: string): string {
  return `${text.replace(' ', 'T')}Z`;
}

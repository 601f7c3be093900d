/** How bad a finding is: `error` breaks results, `warning` likely skews them, `info` is a fact worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

/** The severities from worst to mildest. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/**
 * One finding of the data-quality report.
 *
 * `id` is a stable code (`<family>.<problem>`, e.g. `uniqueness.duplicate_events`); the same id is
 * used for every table and column it applies to, so `(id, table, column)` identifies a check.
 * `count` is the number of rows concerned unless the message says otherwise (freshness counts days).
 */
export interface QualityCheck {
  id: string;
  table: string;
  column: string | null;
  severity: Severity;
  count: number;
  message: string;
  /** Up to {@link MAX_EXAMPLES} rows that show the problem (empty for profile facts). */
  examples: Record<string, unknown>[];
}

/** The whole report: every finding, and how many findings there are of each severity. */
export interface QualityReport {
  checks: QualityCheck[];
  summary: { error: number; warning: number; info: number };
}

/** How many example rows a check carries at most. */
export const MAX_EXAMPLES = 5;

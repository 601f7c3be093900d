import type { Engine } from '../engine/engine.js';
import { SEVERITIES, type QualityCheck, type QualityReport } from './check.js';
import { buildContext, nonEmptyTables, type QualityOptions } from './context.js';
import { completenessChecks } from './completeness.js';
import { consistencyChecks } from './consistency.js';
import { freshnessChecks } from './freshness.js';
import { integrityChecks } from './integrity.js';
import { profileChecks } from './profile.js';
import { quarantineChecks } from './quarantine.js';
import { uniquenessChecks } from './uniqueness.js';
import { validityChecks } from './validity.js';

export type { QualityCheck, QualityReport, Severity } from './check.js';
export type { QualityOptions } from './context.js';

/**
 * The data-quality report of a workspace (`segtrack quality`): completeness, validity, uniqueness,
 * consistency, referential integrity, freshness and quarantined rows of every non-empty canonical
 * table. Every check is set-based SQL in the engine (one aggregate scan per table and family, plus
 * top-5 example queries for what was found); nothing reads table rows into the process.
 *
 * Checks that find nothing are left out, except the profile (`profile.rows`, `completeness.missing`
 * for every column, `freshness.latest`), which is always there. An empty workspace gives one info
 * check, `workspace.no_data` (plus any quarantined rows). See `src/quality/CONTEXT.md` for the ids.
 *
 * @param opts.now today for freshness (`YYYY-MM-DD`, default: the current UTC date).
 * @param opts.asOf the analysis date; when given, freshness is measured against it instead of `now`.
 * @throws UserError `invalid_date` when a date is not `YYYY-MM-DD`.
 * @example
 * const report = await runQuality(engine, { asOf: '2011-12-09' });
 * if (gateFails(report, 'error')) process.exitCode = 3;
 */
export async function runQuality(engine: Engine, opts: QualityOptions = {}): Promise<QualityReport> {
  const ctx = await buildContext(engine, opts);
  const checks: QualityCheck[] = [...profileChecks(ctx)];
  if (nonEmptyTables(ctx).length > 0) {
    checks.push(...(await completenessChecks(ctx)));
    checks.push(...(await validityChecks(ctx)));
    checks.push(...(await uniquenessChecks(ctx)));
    checks.push(...(await consistencyChecks(ctx)));
    checks.push(...(await integrityChecks(ctx)));
    checks.push(...(await freshnessChecks(ctx)));
  }
  checks.push(...(await quarantineChecks(ctx)));
  const summary = { error: 0, warning: 0, info: 0 };
  for (const c of checks) summary[c.severity]++;
  return { checks, summary };
}

/**
 * Whether a report fails the gate `--fail-on <level>`: `error` fails on any error check,
 * `warning` on any warning or error check. Info checks never fail a gate.
 */
export function gateFails(report: QualityReport, failOn: 'error' | 'warning'): boolean {
  const failing = SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1);
  return report.checks.some((c) => failing.includes(c.severity));
}

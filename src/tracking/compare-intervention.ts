/**
 * `segtrack compare --intervention NAME`: the comparison an `interventions` row declares — its
 * start, its end (the post window), its treated segment and its control (a segment, `matched`,
 * or `holdout:EXPORT_ID`).
 */
import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Engine } from '../engine/engine.js';
import type { ControlSpec, TreatedSpec } from './compare-groups.js';
import type { DeclaredIntervention } from './compare-specs.js';

/** What an intervention row contributes to a comparison. */
export interface InterventionSpec {
  name: string;
  /** started_at's day (YYYY-MM-DD). */
  start: string;
  /** ended_at's day, when known. */
  end: string | null;
  treated: TreatedSpec | null;
  control: ControlSpec | null;
}

/**
 * Reads `SCHEME/SEGMENT` (split at the first `/`, so a segment name may contain `/`).
 * @example parseSegmentRef('rfm/At Risk', '--treated-segment') // { scheme: 'rfm', segment: 'At Risk' }
 */
export function parseSegmentRef(text: string, where: string): { scheme: string; segment: string } {
  const at = text.indexOf('/');
  const scheme = at > 0 ? text.slice(0, at).trim() : '';
  const segment = at > 0 ? text.slice(at + 1).trim() : '';
  if (scheme === '' || segment === '')
    throw userError('bad_flag', `${where} must be SCHEME/SEGMENT, not '${text}'`, {
      hint: "e.g. 'rfm/At Risk' (quote it when the segment name has spaces)",
    });
  return { scheme, segment };
}

/** Reads `holdout:ID` (the holdout of export ID), or undefined when `text` is not of that form. */
export function parseHoldoutRef(text: string, where: string): { exportId: number } | undefined {
  const m = /^holdout:(.*)$/i.exec(text.trim());
  if (!m) return undefined;
  const id = Number(m[1]);
  if (!Number.isInteger(id) || id < 1)
    throw userError('bad_flag', `${where}: '${text}' needs an export id, e.g. holdout:3`, {
      hint: 'the id is the export_id that `segtrack export` printed',
    });
  return { exportId: id };
}

/**
 * A control written in the interventions table: `matched`, `holdout:ID` or `SCHEME/SEGMENT`
 * (files are not read from table values).
 */
export function parseStoredControl(text: string, where: string): ControlSpec {
  if (text.trim().toLowerCase() === 'matched') return { kind: 'matched' };
  const h = parseHoldoutRef(text, where);
  if (h) return { kind: 'holdout', exportId: h.exportId };
  return { kind: 'segment', ...parseSegmentRef(text, where) };
}

/** The intervention called `name`, or a user error naming the ones there are. */
export async function interventionSpec(
  engine: Engine,
  name: string,
  declared: readonly DeclaredIntervention[] = [],
): Promise<InterventionSpec> {
  const d = engine.dialect;
  const day = (c: string) => d.cast(d.cast(c, 'date'), 'string');
  const rows = await engine.query<{
    name: string;
    start: string | null;
    end: string | null;
    treated_segment: string | null;
    control_segment: string | null;
  }>(
    `SELECT name, ${day('started_at')} AS start, ${day('ended_at')} AS "end", treated_segment, control_segment ` +
      `FROM interventions ORDER BY started_at, name`,
  );
  // Interventions declared in the config come first; the table's rows after them.
  rows.unshift(
    ...declared.map((x) => ({
      name: x.name,
      start: String(x.started_at).slice(0, 10),
      end: x.ended_at === undefined ? null : String(x.ended_at).slice(0, 10),
      treated_segment: x.treated_segment ?? null,
      control_segment: x.control_segment ?? null,
    })),
  );
  const row = rows.find((r) => r.name === name);
  if (!row)
    throw userError(
      'unknown_intervention',
      `there is no intervention '${name}' in the config or the interventions table`,
      {
        hint:
          rows.length === 0
            ? 'the interventions table is empty: map a source to it in segtrack.yaml and run `segtrack ingest`'
            : didYouMean(
                name,
                rows.map((r) => r.name),
              ),
      },
    );
  if (row.start === null)
    throw userError('bad_intervention', `intervention '${name}' has no started_at`, {
      hint: 'give --start DATE',
    });
  const where = `interventions '${name}'`;
  const treatedText = row.treated_segment?.trim() ?? '';
  const controlText = row.control_segment?.trim() ?? '';
  return {
    name,
    start: row.start,
    end: row.end,
    treated:
      treatedText === ''
        ? null
        : { kind: 'segment', ...parseSegmentRef(treatedText, `${where}: treated_segment`) },
    control: controlText === '' ? null : parseStoredControl(controlText, `${where}: control_segment`),
  };
}

/**
 * Which customers `segtrack compare` compares, and from when: the treated and control specs after
 * the `--intervention` and `--export` / `holdout:ID` shorthands, the start date, and writing the
 * groups into the group table (compare-groups.ts).
 */
import type { Config } from '../config/types.js';
import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import {
  CONTROL,
  TREATED,
  addExportGroup,
  addFileGroup,
  addSegmentGroup,
  exportRecord,
  type ControlSpec,
  type ExportRecord,
  type GroupSource,
  type TreatedSpec,
} from './compare-groups.js';
import { interventionSpec } from './compare-intervention.js';
import { DEFAULT_POST_DAYS, daysFrom } from './compare-windows.js';

/** The options {@link resolveSpecs} reads. */
export interface SpecOptions {
  treated?: TreatedSpec | undefined;
  control?: ControlSpec | undefined;
  intervention?: string | undefined;
  start?: string | undefined;
  postDays?: number | undefined;
  /** Interventions declared in the config (`interventions:`), besides the table's rows. */
  declared?: DeclaredIntervention[];
}

/** An intervention as the config declares it (the `interventions` table's columns). */
export interface DeclaredIntervention {
  name: string;
  started_at: string;
  ended_at?: string | undefined;
  treated_segment?: string | undefined;
  control_segment?: string | undefined;
}

/** The config's `interventions:` list (validated by the config schema). */
export function declaredInterventions(config: Config | undefined): DeclaredIntervention[] {
  const list = config?.raw['interventions'];
  return Array.isArray(list) ? (list as DeclaredIntervention[]) : [];
}

/** The specs after the intervention and export shorthands are applied. */
export interface ResolvedSpecs {
  treated: TreatedSpec;
  control: ControlSpec;
  start: string;
  postDays: number;
  intervention?: string;
  exportRecord?: ExportRecord;
}

/**
 * Applies the shorthands: an intervention supplies its start, its length (the post window, when
 * it has an end) and its groups unless flags give them; a holdout brings its export's customers as
 * the treated group and an export its holdout as the control; an export's day is the default
 * start. Reports every missing piece as a user error with what to give.
 */
export async function resolveSpecs(engine: Engine, o: SpecOptions): Promise<ResolvedSpecs> {
  let treated = o.treated;
  let control = o.control;
  let start = o.start;
  let postDays = o.postDays;
  if (o.intervention !== undefined) {
    const iv = await interventionSpec(engine, o.intervention, o.declared ?? []);
    start ??= iv.start;
    if (postDays === undefined && iv.end !== null && iv.end >= iv.start)
      postDays = daysFrom(iv.start, iv.end) + 1;
    treated ??= iv.treated ?? undefined;
    control ??= iv.control ?? undefined;
  }
  // A holdout comes with its export's treated customers, and an export with its holdout.
  if (control?.kind === 'holdout') {
    if (treated !== undefined && !(treated.kind === 'export' && treated.exportId === control.exportId))
      throw userError(
        'conflicting_flags',
        `--control holdout:${control.exportId} already sets the treated group`,
        {
          hint: `the treated customers are those export ${control.exportId} wrote; leave out the treated flag (or use --export ${control.exportId})`,
        },
      );
    treated = { kind: 'export', exportId: control.exportId };
  }
  if (treated?.kind === 'export' && control === undefined)
    control = { kind: 'holdout', exportId: treated.exportId };
  if (treated === undefined)
    throw userError('missing_flag', 'which customers were treated?', {
      hint: 'give --treated FILE, --treated-segment SCHEME/SEGMENT, --export ID or --intervention NAME',
    });
  if (control === undefined)
    throw userError('missing_flag', 'which customers are the control group?', {
      hint: 'give --control FILE, --control-segment SCHEME/SEGMENT, --control matched or --control holdout:EXPORT_ID',
    });
  let record: ExportRecord | undefined;
  const exportId =
    treated.kind === 'export' ? treated.exportId : control.kind === 'holdout' ? control.exportId : undefined;
  if (exportId !== undefined) {
    record = await exportRecord(engine, exportId);
    start ??= record.created;
  }
  if (start === undefined)
    throw userError('missing_flag', 'when did the treatment start? give --start YYYY-MM-DD', {
      hint: 'the post window starts that day; the pre window ends the day before',
    });
  return {
    treated,
    control,
    start,
    postDays: postDays ?? DEFAULT_POST_DAYS,
    ...(o.intervention !== undefined ? { intervention: o.intervention } : {}),
    ...(record ? { exportRecord: record } : {}),
  };
}

/** Writes the treated group into the group table. */
export async function addTreated(
  engine: Engine,
  config: Config | undefined,
  table: string,
  spec: TreatedSpec,
  start: string,
  snapshotId: number | undefined,
  record: ExportRecord | undefined,
): Promise<{ source: GroupSource; overlap: number }> {
  switch (spec.kind) {
    case 'file':
      return addFileGroup(engine, config, table, TREATED, spec.path);
    case 'segment':
      return addSegmentGroup(engine, table, TREATED, spec.scheme, spec.segment, start, snapshotId);
    case 'export':
      return addExportGroup(engine, table, TREATED, record!, false);
  }
}

/** Writes a control group other than a matched one into the group table. */
export async function addControl(
  engine: Engine,
  config: Config | undefined,
  table: string,
  spec: Exclude<ControlSpec, { kind: 'matched' }>,
  start: string,
  snapshotId: number | undefined,
  record: ExportRecord | undefined,
): Promise<{ source: GroupSource; overlap: number }> {
  switch (spec.kind) {
    case 'file':
      return addFileGroup(engine, config, table, CONTROL, spec.path);
    case 'segment':
      return addSegmentGroup(engine, table, CONTROL, spec.scheme, spec.segment, start, snapshotId);
    case 'holdout':
      return addExportGroup(engine, table, CONTROL, record!, true);
  }
}

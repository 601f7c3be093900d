import type { Command } from 'commander';
import { UserError, type Problem } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { suppressionLabel } from '../../privacy/suppression.js';
import { compare, type CompareGroup, type CompareResult } from '../../tracking/compare.js';
import { formatDifference, formatMetric, pText } from '../../tracking/compare-conclusion.js';
import type { ControlSpec, TreatedSpec } from '../../tracking/compare-groups.js';
import { parseHoldoutRef, parseSegmentRef } from '../../tracking/compare-intervention.js';
import { METRIC_NAMES, type CompareMetric } from '../../tracking/compare-sql.js';
import {
  compareSnapshots,
  type BeforeAfterResult,
  type KpiChange,
} from '../../tracking/compare-snapshots.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { dateFlag, intFlag } from '../options.js';
import { showValue } from './segments.js';

interface CompareFlags {
  treated?: string;
  treatedSegment?: string;
  control?: string;
  controlSegment?: string;
  export?: string;
  intervention?: string;
  start?: string;
  preDays?: string;
  postDays?: string;
  metric?: string;
  snapshot?: string;
  seed?: string;
  replicates?: string;
  beforeAfter?: string;
  after?: string;
  scheme?: string;
  kpi?: string[];
}

/** `segtrack compare`: difference-in-differences with control groups, or a scheme before vs after. */
export function registerCompare(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('compare')
    .description(
      'did it work? difference-in-differences of a metric between treated and control customers ' +
        'before and after a start date; or, with --before-after, a scheme’s KPIs then and now',
    )
    .option('--treated <file>', 'treated customers: a CSV file with a customer_id column')
    .option(
      '--treated-segment <scheme/segment>',
      'treated customers: a segment (snapshot as of --start or before)',
    )
    .option(
      '--control <file|matched|holdout:ID>',
      'control: a CSV file, nearest-neighbour matches, or an export’s holdout',
    )
    .option('--control-segment <scheme/segment>', 'control customers: a segment')
    .option('--export <id>', 'treated = the customers export ID wrote, control = its recorded holdout')
    .option('--intervention <name>', 'start, end, treated and control from a row of the interventions table')
    .option(
      '--start <date>',
      'first day of the post window (YYYY-MM-DD); default with --export: the export’s day',
    )
    .option('--pre-days <n>', 'length of the pre window in days (default 28)')
    .option('--post-days <n>', 'length of the post window in days (default 28; an intervention’s own length)')
    .option('--metric <metric>', 'revenue | orders | active (default revenue)')
    .option('--snapshot <id>', 'snapshot for segment groups (default: the latest as of --start or before)')
    .option('--seed <n>', 'seed of the bootstrap and of matching (default 1)')
    .option('--replicates <n>', 'bootstrap replicates (default 2000; at least 1000)')
    .option(
      '--before-after <date>',
      'compare a scheme’s segments in the snapshot as of DATE with a later one',
    )
    .option(
      '--after <date>',
      'with --before-after: the later snapshot is the latest as of DATE (default: the latest)',
    )
    .option('--scheme <scheme>', 'with --before-after: the scheme')
    .option('--kpi <kpis...>', 'with --before-after: KPIs to compare (default: all stored in both)')
    .action(async (f: CompareFlags, cmd: Command) => {
      const ctx = context(cmd);
      if (f.beforeAfter !== undefined || f.scheme !== undefined) return beforeAfter(ctx, f);
      const options = didOptions(f);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const result = await compare(engine, config, options);
        ctx.emit(result, () => renderDid(result));
      } finally {
        await engine.close();
      }
    });
}

/** The DiD flags as {@link compare} options, with every conflict reported at once. */
function didOptions(f: CompareFlags): Parameters<typeof compare>[2] {
  const problems: Problem[] = [];
  const conflict = (names: string[]) => {
    const given = names.filter((n) => flagValue(f, n) !== undefined);
    if (given.length > 1)
      problems.push({
        code: 'conflicting_flags',
        message: `give only one of ${given.join(', ')}`,
        hint: '--export ID stands for both groups (the export’s customers against its holdout)',
      });
  };
  conflict(['--treated', '--treated-segment', '--export']);
  conflict(['--control', '--control-segment', '--export']);
  for (const n of ['--after', '--kpi'])
    if (flagValue(f, n) !== undefined)
      problems.push({ code: 'bad_flag', message: `${n} goes with --before-after DATE --scheme S` });
  let metric: CompareMetric | undefined;
  if (f.metric !== undefined) {
    if ((METRIC_NAMES as string[]).includes(f.metric)) metric = f.metric as CompareMetric;
    else
      problems.push({
        code: 'bad_flag',
        message: `--metric must be ${METRIC_NAMES.join(', ')}, not '${f.metric}'`,
        hint: didYouMean(f.metric, METRIC_NAMES),
      });
  }
  if (problems.length > 0) fail(problems);

  let treated: TreatedSpec | undefined;
  let control: ControlSpec | undefined;
  if (f.treated !== undefined) treated = { kind: 'file', path: f.treated };
  if (f.treatedSegment !== undefined)
    treated = { kind: 'segment', ...parseSegmentRef(f.treatedSegment, '--treated-segment') };
  if (f.export !== undefined) {
    const id = intFlag('--export', f.export, 1)!;
    treated = { kind: 'export', exportId: id };
    control = { kind: 'holdout', exportId: id };
  }
  if (f.control !== undefined) {
    const holdout = parseHoldoutRef(f.control, '--control');
    control = holdout
      ? { kind: 'holdout', exportId: holdout.exportId }
      : f.control.trim().toLowerCase() === 'matched'
        ? { kind: 'matched' }
        : { kind: 'file', path: f.control };
  }
  if (f.controlSegment !== undefined)
    control = { kind: 'segment', ...parseSegmentRef(f.controlSegment, '--control-segment') };
  return {
    treated,
    control,
    intervention: f.intervention,
    start: dateFlag('--start', f.start),
    preDays: intFlag('--pre-days', f.preDays, 1),
    postDays: intFlag('--post-days', f.postDays, 1),
    metric,
    snapshotId: intFlag('--snapshot', f.snapshot),
    seed: intFlag('--seed', f.seed),
    replicates: intFlag('--replicates', f.replicates, 1000),
  };
}

/** Reports every problem with the flags at once. */
function fail(problems: Problem[]): never {
  throw new UserError(problems);
}

/** A flag's value by its command-line name. */
function flagValue(f: CompareFlags, name: string): unknown {
  const key = name.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return (f as Record<string, unknown>)[key];
}

async function beforeAfter(ctx: CommandContext, f: CompareFlags): Promise<void> {
  const problems: Problem[] = [];
  if (f.beforeAfter === undefined)
    problems.push({
      code: 'missing_flag',
      message: '--scheme goes with --before-after DATE',
      hint: 'e.g. segtrack compare --before-after 2025-01-31 --scheme rfm',
    });
  if (f.scheme === undefined)
    problems.push({
      code: 'missing_flag',
      message: '--before-after needs --scheme S',
      hint: 'e.g. segtrack compare --before-after 2025-01-31 --scheme rfm',
    });
  for (const n of [
    '--treated',
    '--treated-segment',
    '--control',
    '--control-segment',
    '--export',
    '--intervention',
    '--start',
    '--pre-days',
    '--post-days',
    '--metric',
    '--seed',
    '--replicates',
  ])
    if (flagValue(f, n) !== undefined)
      problems.push({ code: 'conflicting_flags', message: `${n} does not go with --before-after` });
  if (problems.length > 0) fail(problems);
  const kpis = f.kpi
    ?.flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  const config = await ctx.optionalConfig();
  const engine = await ctx.open(config, { mustExist: true });
  try {
    const result = await compareSnapshots(engine, config, {
      scheme: f.scheme!,
      before: dateFlag('--before-after', f.beforeAfter)!,
      after: dateFlag('--after', f.after),
      kpis: kpis && kpis.length > 0 ? kpis : undefined,
    });
    ctx.emit(result, () => renderBeforeAfter(result));
  } finally {
    await engine.close();
  }
}

function sourceText(g: CompareGroup): string {
  switch (g.kind) {
    case 'file':
      return `file ${g.file}`;
    case 'segment':
      return `${g.scheme}/${g.segment} (snapshot ${g.snapshot_id}, ${g.as_of})`;
    case 'export':
      return `export ${g.export_id} (${g.scheme}/${g.segment})`;
    case 'holdout':
      return `holdout of export ${g.export_id}`;
    case 'matched':
      return 'nearest-neighbour matches';
  }
}

/** The human rendering of a DiD result. */
export function renderDid(r: CompareResult): string {
  const m = r.metric;
  const v = (x: number | null, signed = false) =>
    x === null ? '—' : signed ? formatDifference(m, x) : formatMetric(m, x);
  const pct = `${Math.round(r.confidence * 100)}%`;
  const row = (name: string, g: CompareGroup) => [
    name,
    sourceText(g),
    g.suppressed ? suppressionLabel('small', r.min_segment_size) : num(g.customers),
    v(g.pre),
    v(g.post),
    v(g.change, true),
  ];
  const w = r.windows;
  const lines = [
    `Difference-in-differences of ${m}: ${r.metric_description}`,
    `Pre window ${w.pre.from} to ${w.pre.to} (${w.pre.days} days); post window ${w.post.from} to ${w.post.to} (${w.post.days} days)`,
    '',
    table(
      ['group', 'customers from', 'customers', 'pre', 'post', 'change'],
      [row('treated', r.treated), row('control', r.control)],
    ),
    '',
  ];
  if (r.effect !== null) {
    lines.push(
      `Effect: ${v(r.effect, true)} (${pct} CI ${v(r.ci_low, true)} to ${v(r.ci_high, true)}; ` +
        `${pText(r.p_value)})`,
      `  interval: ${r.interval_method}, ${r.bootstrap?.replicates} replicates, seed ${r.bootstrap?.seed}`,
      `  p-value: ${r.p_value_method}`,
    );
    const t = r.parallel_trends;
    if (t.checked)
      lines.push(
        `Parallel trends (${t.periods} pre periods of ${t.period_days} days): ${t.ok ? 'no pre-trend detected' : 'PRE-TREND DETECTED'} — ` +
          `slope of the difference ${v(t.slope, true)} per period (${pct} CI ${v(t.ci_low, true)} to ${v(t.ci_high, true)}; ` +
          `${pText(t.p_value)})`,
      );
    else lines.push(`Parallel trends: not checked (${t.reason ?? 'no sub-periods'})`);
  }
  const mt = r.control.matching;
  if (mt && mt.matched_pairs === null)
    lines.push(
      `Matching: nearest neighbours among ${num(mt.pool)} candidates (details hidden with the small group)`,
    );
  else if (mt) {
    lines.push(
      `Matching: ${num(mt.matched_pairs)} treated customers matched with replacement to ${num(r.control.customers)} ` +
        `controls among ${num(mt.pool)} candidates; |SMD| after ≤ ${mt.max_abs_smd_after?.toFixed(2) ?? '—'}`,
      ...mt.balance.map(
        (b) =>
          `  ${b.feature}: SMD ${b.smd_before?.toFixed(2) ?? '—'} before, ${b.smd_after?.toFixed(2) ?? '—'} after`,
      ),
    );
  }
  lines.push('', r.conclusion);
  const other = r.warnings.filter((x) => !r.conclusion.includes(x));
  if (other.length > 0) lines.push('', ...other.map((x) => `note: ${x}`));
  return lines.join('\n');
}

/** The human rendering of a before/after comparison. */
export function renderBeforeAfter(r: BeforeAfterResult): string {
  const cellText = (k: string, c: KpiChange) => {
    const b = c.before?.value ?? null;
    const a = c.after?.value ?? null;
    if (b === null && a === null) return '—';
    const delta = c.change === null ? '' : ` (${c.change > 0 ? '+' : ''}${showValue(k, c.change)})`;
    return `${showValue(k, b)} → ${showValue(k, a)}${delta}${c.changed ? ' *' : ''}`;
  };
  const rows = [...r.segments, r.base].map((s) => [
    s.segment,
    s.before === null
      ? 'absent'
      : s.before.suppressed
        ? suppressionLabel(s.before.suppression ?? 'small', r.min_segment_size)
        : num(s.before.customers),
    s.after === null
      ? 'absent'
      : s.after.suppressed
        ? suppressionLabel(s.after.suppression ?? 'small', r.min_segment_size)
        : num(s.after.customers),
    ...r.kpis.map((k) => cellText(k, s.kpis[k]!)),
  ]);
  return [
    `Scheme ${r.scheme}: snapshot ${r.before.snapshot_id} (${r.before.as_of}) → snapshot ${r.after.snapshot_id} (${r.after.as_of})`,
    '',
    table(['segment', 'customers before', 'customers after', ...r.kpis], rows),
    '',
    `*: the two 95 % intervals do not overlap. ${r.note}`,
  ].join('\n');
}

import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { suppressionLabel, type SuppressionReason } from '../../privacy/suppression.js';
import { minSegmentSizeOf } from '../../privacy/threshold.js';
import {
  GONE,
  rawMigration,
  shownMigration,
  type MigrationCell,
  type MigrationMargin,
  type MigrationReport,
} from '../../tracking/migration.js';
import { checkSegmentPair, whoMoved, type MoversReport } from '../../tracking/migration-movers.js';
import type { CommandContext } from '../context.js';
import { toCsv } from '../csv-text.js';
import { num } from '../format.js';
import { intFlag } from '../options.js';
import { formatOf, print } from '../output.js';

/** How a hidden figure reads in the matrix: short, with the legend under the table. */
function hiddenMark(reason: SuppressionReason, threshold: number): string {
  return reason === 'small' ? `< ${threshold}` : '(hidden)';
}

/** A from × to table: first column left-aligned, the others right-aligned. */
function matrixTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

type Figure = 'customers' | 'revenue' | 'predicted_clv';

/** One figure of the matrix as a from × to table, with the segment sizes as totals for customers. */
function figureTable(m: MigrationReport, figure: Figure): string {
  const threshold = m.min_segment_size;
  const cols = [...m.to_segments.map((s) => s.segment), GONE];
  // Rows in the matrix's order: the `from` segments, then "(new)" and "(erased)".
  const rows: { label: string; margin: MigrationMargin | undefined; cells: Map<string, MigrationCell> }[] =
    [];
  for (const c of m.matrix) {
    const special = c.flow === 'entry' || c.flow === 'erased';
    let row = rows.find((r) => r.label === c.from && (r.margin === undefined) === special);
    if (!row) {
      row = {
        label: c.from,
        margin: special ? undefined : m.from_segments.find((s) => s.segment === c.from),
        cells: new Map(),
      };
      rows.push(row);
    }
    row.cells.set(c.flow === 'exit' ? `#${GONE}` : c.to, c);
  }
  const digits = figure === 'customers' ? 0 : 2;
  const text = (c: MigrationCell | undefined): string => {
    if (!c) return '';
    if (c.suppression !== undefined) return hiddenMark(c.suppression, threshold);
    const v = c[figure];
    return v === null || v === undefined ? '—' : num(v, digits);
  };
  const margin = (s: MigrationMargin | undefined) =>
    !s ? '' : s.suppression !== undefined ? hiddenMark(s.suppression, threshold) : num(s.customers, 0);
  const totals = figure === 'customers';
  const body = rows.map((r) => [
    r.label,
    ...cols.map((c, i) => text(r.cells.get(i === cols.length - 1 ? `#${GONE}` : c))),
    ...(totals ? [margin(r.margin)] : []),
  ]);
  if (totals) body.push(['total', ...m.to_segments.map((s) => margin(s)), '', '']);
  return matrixTable(['from \\ to', ...cols, ...(totals ? ['total'] : [])], body);
}

/** The "(new)" row and the "(gone)" column as sentences. */
function entriesAndExits(m: MigrationReport): string[] {
  const t = m.min_segment_size;
  const show = (c: MigrationCell, name: string) =>
    `${name} ${c.suppression !== undefined ? hiddenMark(c.suppression, t) : num(c.customers, 0)}`;
  const entries = m.matrix.filter((c) => c.flow === 'entry' && (c.customers ?? 1) > 0);
  const exits = m.matrix.filter((c) => c.flow === 'exit' && (c.customers ?? 1) > 0);
  const erased = m.matrix.filter((c) => c.flow === 'erased' && (c.customers ?? 1) > 0);
  const lines = [
    `Entries (new customers, not in snapshot ${m.from_snapshot.snapshot_id}): ${
      entries.length === 0 ? 'none' : entries.map((c) => show(c, c.to)).join(', ')
    }`,
    `Exits (not in snapshot ${m.to_snapshot.snapshot_id}: left the base, or erased): ${
      exits.length === 0 ? 'none' : exits.map((c) => show(c, c.from)).join(', ')
    }`,
  ];
  if (erased.length > 0)
    lines.push(
      `Erased since snapshot ${m.to_snapshot.snapshot_id} (their earlier segment can no longer be told): ${erased
        .map((c) => show(c, c.to))
        .join(', ')}`,
    );
  return lines;
}

function moversText(r: MoversReport): string[] {
  const count = (n: number | null) => (n === null ? 'number suppressed' : `${num(n, 0)} customers`);
  const lines = [
    '',
    `Who moved from ${r.from_segment} to ${r.to_segment} (${count(r.movers)}), against those who stayed in ${r.from_segment} (${count(r.stayers)}):`,
    `  ${r.basis}.`,
  ];
  for (const n of r.notes) lines.push(`  ${n}.`);
  if (r.features.length === 0) return lines;
  const f = (v: number | null) => num(v, 2);
  const rows = r.features.map((x) => [
    x.feature,
    f(x.movers_from),
    f(x.movers_to),
    ...(r.compared_with === 'stayers' ? [f(x.stayers_from), f(x.stayers_to)] : []),
    `${x.std_change! >= 0 ? '+' : ''}${x.std_change!.toFixed(2)}`,
    ...(r.compared_with === 'stayers' ? [x.std_from === null ? '—' : x.std_from.toFixed(2)] : []),
  ]);
  lines.push(
    '',
    matrixTable(
      [
        'feature',
        'movers before',
        'movers after',
        ...(r.compared_with === 'stayers' ? ['stayers before', 'stayers after'] : []),
        'std change',
        ...(r.compared_with === 'stayers' ? ['std diff before'] : []),
      ],
      rows,
    ),
  );
  return lines;
}

function human(m: MigrationReport, movers: MoversReport | undefined): string {
  const from = m.from_snapshot;
  const to = m.to_snapshot;
  const lines = [
    `Migration of scheme ${m.scheme}: snapshot ${from.snapshot_id} (${from.as_of}) → snapshot ${to.snapshot_id} (${to.as_of})`,
    '',
    `Customers (rows: segment on ${from.as_of}; columns: segment on ${to.as_of}; totals: the snapshots' segment sizes)`,
    figureTable(m, 'customers'),
    '',
    ...entriesAndExits(m),
    '',
    `Revenue in the ${to.kpi_period.days} days to ${to.as_of} (completed orders of each cell's customers; the same period as the snapshot's revenue KPI)`,
    figureTable(m, 'revenue'),
  ];
  if (m.predicted_clv)
    lines.push(
      '',
      "Predicted CLV (Σ over each cell's customers, as scored by the latest run)",
      figureTable(m, 'predicted_clv'),
    );
  const anyHidden =
    m.matrix.some((c) => c.suppressed) || [...m.from_segments, ...m.to_segments].some((s) => s.suppressed);
  if (anyHidden)
    lines.push(
      '',
      `< ${m.min_segment_size}: ${suppressionLabel('small', m.min_segment_size)}: fewer than ${m.min_segment_size} customers (privacy.min_segment_size).`,
      `(hidden): ${suppressionLabel('complementary', m.min_segment_size)}: hidden so that a small cell cannot be worked out from the row and column totals.`,
    );
  const blank = (c: MigrationCell) =>
    !c.suppressed && (c.revenue === null || (m.predicted_clv && c.predicted_clv === null));
  if (m.matrix.some(blank))
    lines.push(
      '—: no figure: the customers were erased since (nothing about them is left), or none of them has a predicted CLV.',
    );
  if (movers) lines.push(...moversText(movers));
  return lines.join('\n');
}

function matrixCsv(m: MigrationReport): string {
  const t = m.min_segment_size;
  return toCsv(
    [
      'from',
      'to',
      'flow',
      'customers',
      'revenue',
      'revenue_before',
      ...(m.predicted_clv ? ['predicted_clv'] : []),
      'suppression',
    ],
    m.matrix.map((c) => [
      c.from,
      c.to,
      c.flow,
      c.customers,
      c.revenue,
      c.revenue_before,
      ...(m.predicted_clv ? [c.predicted_clv ?? null] : []),
      c.suppression !== undefined ? suppressionLabel(c.suppression, t) : '',
    ]),
  );
}

function moversCsv(r: MoversReport): string {
  return toCsv(
    [
      'feature',
      'movers_from',
      'movers_to',
      'movers_change',
      'stayers_from',
      'stayers_to',
      'stayers_change',
      'std_change',
      'std_from',
    ],
    r.features.map((f) => [
      f.feature,
      f.movers_from,
      f.movers_to,
      f.movers_change,
      f.stayers_from,
      f.stayers_to,
      f.stayers_change,
      f.std_change,
      f.std_from,
    ]),
  );
}

/** `segtrack migration`: how customers moved between a scheme's segments from one snapshot to another. */
export function registerMigration(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('migration')
    .description(
      'how customers moved between the segments of a scheme from one snapshot to another: from × to counts, revenue, entries and exits',
    )
    .requiredOption('--scheme <scheme>', 'segmentation scheme')
    .option('--from <id>', 'earlier snapshot (default: the one before --to that has the scheme)')
    .option('--to <id>', 'later snapshot (default: the latest that has the scheme)')
    .option(
      '--from-segment <segment>',
      'with --to-segment: who moved from this segment, and what changed for them',
    )
    .option('--to-segment <segment>', 'the segment they moved to')
    .option('--top <n>', 'features listed for the movers (default 10)')
    .option(
      '--format <format>',
      'table | json | csv (csv: the matrix, or the movers’ features with --from-segment)',
    )
    .action(
      async (
        f: {
          scheme: string;
          from?: string;
          to?: string;
          fromSegment?: string;
          toSegment?: string;
          top?: string;
          format?: string;
        },
        cmd: Command,
      ) => {
        const ctx = context(cmd);
        const format = formatOf(ctx, f);
        if ((f.fromSegment === undefined) !== (f.toSegment === undefined))
          throw userError(
            'bad_flag',
            `${f.fromSegment === undefined ? '--to-segment' : '--from-segment'} needs ${f.fromSegment === undefined ? '--from-segment' : '--to-segment'} too`,
            { hint: 'name both: --from-segment A --to-segment B (who moved from A to B)' },
          );
        const top = intFlag('--top', f.top, 1) ?? 10;
        const ids = { from: intFlag('--from', f.from), to: intFlag('--to', f.to) };
        const config = await ctx.optionalConfig();
        const engine = await ctx.open(config, { mustExist: true });
        try {
          // Suppression happens here, at output time (the snapshots keep every count).
          const threshold = minSegmentSizeOf(config);
          const raw = await rawMigration(engine, { scheme: f.scheme, ...ids });
          const pair =
            f.fromSegment !== undefined && f.toSegment !== undefined
              ? { fromSegment: f.fromSegment, toSegment: f.toSegment, top }
              : undefined;
          // Unknown segments are reported before the (slower) feature rebuild.
          if (pair) checkSegmentPair(raw, pair);
          const m = shownMigration(raw, threshold);
          if (pair) ctx.progress('rebuilding features as of both snapshots…');
          const movers = pair ? await whoMoved(engine, raw, m, pair) : undefined;
          print(
            ctx,
            format,
            { ...m, ...(movers ? { movers } : {}) },
            () => (movers ? moversCsv(movers) : matrixCsv(m)),
            () => human(m, movers),
          );
        } finally {
          await engine.close();
        }
      },
    );
}

/**
 * `computeKpis`: the KPI table per scheme × segment, and for the whole base, from the feature
 * table and segment membership. One SQL statement reduces every group to sufficient statistics
 * (stats-sql.ts); values and intervals are then computed in TypeScript (evaluate.ts). Custom KPIs
 * add their aggregates to that statement and one bootstrap statement per level (custom.ts).
 */
import type { Dialect } from '../dialect/dialect.js';
import type { Engine, Row, RowValue } from '../engine/engine.js';
import { type Problem, UserError, userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { KPI_NAMES, kpiDefinition } from './catalogue.js';
import {
  type AggregateCompiler,
  type CompiledCustomKpi,
  type CustomKpi,
  type FeatureColumn,
  bootstrapSql,
  compileCustomKpis,
  expressionCompiler,
} from './custom.js';
import { type EvaluationContext, clvBasis, kpiValue } from './evaluate.js';
import { percentileInterval } from './intervals.js';
import { statAggregates } from './stats-sql.js';
import type {
  BaseKpis,
  KpiDefinition,
  KpiStats,
  KpiTable,
  KpiValue,
  SchemeKpis,
  SegmentKpis,
} from './types.js';

/** What {@link computeKpis} computes, over which data. */
export interface ComputeKpisOptions {
  /** The feature table (a name) or a query in parentheses; one row per customer. */
  features: string;
  /** Segment membership, a table or `(query)` with columns `scheme, segment, customer_id`. */
  members: string;
  /** Catalogue KPIs (and custom KPI names, to place them) in the order wanted. */
  kpis: string[];
  /** Custom KPIs; computed even when `kpis` does not name them (they are then appended). */
  custom?: CustomKpi[];
  /** Compiles custom KPI expressions (default: the expression language in aggregate mode, src/expr). */
  compile?: AggregateCompiler;
  /** The as-of date `YYYY-MM-DD`: the KPI period P is (asOf − periodDays, asOf]. */
  asOf: string;
  /** Length of P in days (default 365). The feature table must have the matching windows. */
  periodDays?: number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
  /** Segments each scheme declares, in display order: those without members are reported empty. */
  segments?: Record<string, string[]>;
  /** Bootstrap replicates for custom KPIs (default 200; 0 skips their intervals). */
  bootstrapReplicates?: number;
  /** Seed of the bootstrap weights (default 0). */
  bootstrapSeed?: number;
}

const DEFAULT_PERIOD_DAYS = 365;
const DEFAULT_CONFIDENCE = 0.95;
const DEFAULT_REPLICATES = 200;
/** Random groups of the custom-KPI bootstrap (custom.ts). */
const BOOTSTRAP_BUCKETS = 4096;
const SCHEME = '__kpi_scheme';
const SEGMENT = '__kpi_segment';
const GROUP_ID = '__kpi_gid';
const IS_BASE = '__kpi_is_base';

/**
 * Computes the KPI table.
 *
 * @example
 * const table = await computeKpis(engine, {
 *   features: 'features',
 *   members: '(SELECT scheme, segment, customer_id FROM segment_members)',
 *   kpis: ['customers', 'revenue', 'aov', 'retention_rate'],
 *   asOf: '2011-12-09',
 * });
 * table.schemes[0]?.segments[0]?.kpis['aov']; // {value, ci_low, ci_high, ci_method, n, available}
 */
export async function computeKpis(engine: Engine, options: ComputeKpisOptions): Promise<KpiTable> {
  const d = engine.dialect;
  const periodDays = options.periodDays ?? DEFAULT_PERIOD_DAYS;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const replicates = options.bootstrapReplicates ?? DEFAULT_REPLICATES;
  const custom = options.custom ?? [];
  const periodStart = checkOptions(options, periodDays, confidence, replicates);
  const names = resolveNames(options.kpis, custom);

  const features = relation(options.features, d.ident.bind(d));
  const members = relation(options.members, d.ident.bind(d));
  const described = await engine.query(d.describeQuery(`SELECT * FROM ${features}`));
  const featureColumns: FeatureColumn[] = described.map((r) => ({
    name: text(r['column_name']),
    type: text(r['column_type']),
  }));
  const columns = new Set(featureColumns.map((c) => c.name.toLowerCase()));
  if (!columns.has('customer_id'))
    throw userError('features_no_customer_id', 'the feature table has no customer_id column', {
      hint: 'build the features first (segtrack run)',
    });
  const compiled = compileCustomKpis(custom, options.compile ?? expressionCompiler(d), featureColumns);

  // One statement: every segment of every scheme, and the base (__kpi_is_base = 1).
  const stats = statAggregates({ dialect: d, asOf: options.asOf, periodStart, periodDays, columns });
  const aggs = [
    ...stats.map((s) => `${s.sql} AS ${d.ident(s.name)}`),
    ...compiled.map((c, i) => `${d.cast(c.sql, 'double')} AS ${d.ident(`__kpi_c${i}`)}`),
  ].join(',\n  ');
  const joined = membersJoin(d, features, members);
  const sql = `SELECT 0 AS ${d.ident(IS_BASE)}, ${d.ident(SCHEME)}, ${d.ident(SEGMENT)},
  ${aggs}
FROM ${joined} AS t
GROUP BY ${d.ident(SCHEME)}, ${d.ident(SEGMENT)}
UNION ALL
SELECT 1, ${d.cast('NULL', 'string')}, ${d.cast('NULL', 'string')},
  ${aggs}
FROM ${features} AS t`;
  const all = await engine.query(sql);
  const rows = all.filter((r) => r[IS_BASE] === 0);

  const statNames = stats.map((s) => s.name);
  const baseRow = all.find((r) => r[IS_BASE] === 1);
  const baseStats = baseRow ? readStats(baseRow, statNames) : emptyStats(statNames);
  const ctx: EvaluationContext = { columns, periodDays, confidence, clvBasis: clvBasis(baseStats, columns) };

  const groups = rows.map((r) => [text(r[SCHEME]), text(r[SEGMENT])] as const);
  const boot =
    compiled.length > 0 && replicates > 0
      ? await bootstrap(engine, compiled, features, members, groups, replicates, options)
      : undefined;

  const customByName = new Map(compiled.map((c, i) => [c.kpi.name, i]));
  const group = (r: Row | undefined, key: string): BaseKpis => {
    const st = r ? readStats(r, statNames) : emptyStats(statNames);
    const kpis: Record<string, KpiValue> = {};
    for (const name of names) {
      const ci = customByName.get(name);
      kpis[name] =
        ci === undefined
          ? kpiValue(name, st, baseStats, ctx)
          : customValue(r?.[`__kpi_c${ci}`] ?? null, st['n'] ?? 0, boot?.get(key)?.[ci] ?? [], confidence);
    }
    return { customers: st['n'] ?? 0, kpis, stats: st };
  };

  const base = group(baseRow, baseKey());
  const schemes: SchemeKpis[] = [];
  for (const [scheme, segments] of schemeLayout(rows, options.segments)) {
    const list: SegmentKpis[] = segments.map((segment) => ({
      segment,
      ...group(
        rows.find((r) => r[SCHEME] === scheme && r[SEGMENT] === segment),
        groupKey(scheme, segment),
      ),
    }));
    schemes.push({ scheme, segments: list });
  }

  const definitions: KpiDefinition[] = names.map((n) => {
    const c = custom.find((k) => k.name === n);
    return c ? customDefinition(c) : kpiDefinition(n)!;
  });
  return {
    asOf: options.asOf,
    period: { start: periodStart, end: options.asOf, days: periodDays },
    confidence,
    clvBasis: ctx.clvBasis,
    kpis: definitions,
    base,
    schemes,
  };
}

/** The catalogue-style definition of a custom KPI. */
export function customDefinition(c: CustomKpi): KpiDefinition {
  return {
    name: c.name,
    unit: c.unit ?? 'value',
    direction: c.direction ?? 'higher',
    description: c.description ?? `Custom KPI: ${c.expression}`,
    formula: c.expression,
    requires: [],
    interval: 'bootstrap',
  };
}

/** Validates the options and returns the start of P (exclusive), `YYYY-MM-DD`. */
function checkOptions(
  o: ComputeKpisOptions,
  periodDays: number,
  confidence: number,
  replicates: number,
): string {
  const problems: Problem[] = [];
  const asOf = /^\d{4}-\d{2}-\d{2}$/.test(o.asOf) ? Date.parse(`${o.asOf}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(asOf) || new Date(asOf).toISOString().slice(0, 10) !== o.asOf)
    problems.push({
      code: 'kpi_bad_as_of',
      message: `as-of date '${o.asOf}' is not a date`,
      hint: 'write YYYY-MM-DD',
    });
  if (!Number.isInteger(periodDays) || periodDays < 1)
    problems.push({
      code: 'kpi_bad_period',
      message: `KPI period must be a whole number of days, got ${periodDays}`,
    });
  if (!(confidence > 0 && confidence < 1))
    problems.push({
      code: 'kpi_bad_confidence',
      message: `confidence must lie strictly between 0 and 1, got ${confidence}`,
      hint: 'e.g. 0.95',
    });
  if (!Number.isInteger(replicates) || replicates < 0 || replicates === 1)
    problems.push({
      code: 'kpi_bad_replicates',
      message: `bootstrap replicates must be 0 (no intervals for custom KPIs) or an integer ≥ 2, got ${replicates}`,
    });
  if (problems.length > 0) throw new UserError(problems);
  return new Date(asOf - periodDays * 86_400_000).toISOString().slice(0, 10);
}

/** The KPI names to compute, in order: `kpis` as given, then custom KPIs it does not name. */
function resolveNames(kpis: readonly string[], custom: readonly CustomKpi[]): string[] {
  const problems: Problem[] = [];
  const customNames = new Set<string>();
  for (const c of custom) {
    if (kpiDefinition(c.name) !== undefined)
      problems.push({
        code: 'kpi_custom_shadows_catalogue',
        message: `custom KPI '${c.name}' has the name of a catalogue KPI`,
        hint: 'give the custom KPI another name',
      });
    else if (customNames.has(c.name))
      problems.push({ code: 'kpi_custom_duplicate', message: `custom KPI '${c.name}' is defined twice` });
    customNames.add(c.name);
  }
  const known = [...KPI_NAMES, ...customNames];
  const out: string[] = [];
  for (const k of kpis) {
    if (!known.includes(k))
      problems.push({ code: 'kpi_unknown', message: `unknown KPI '${k}'`, hint: didYouMean(k, known) });
    else if (!out.includes(k)) out.push(k);
  }
  if (problems.length > 0) throw new UserError(problems);
  for (const c of customNames) if (!out.includes(c)) out.push(c);
  return out;
}

/** A table name (optionally schema-qualified) quoted, or a parenthesised query as given. */
function relation(text: string, ident: (s: string) => string): string {
  const t = text.trim();
  if (t.startsWith('(')) return t;
  return t
    .split('.')
    .map((part) => ident(part))
    .join('.');
}

/** The feature rows with each customer's scheme and segment, one row per (customer, scheme). */
function membersJoin(d: Dialect, features: string, members: string): string {
  const m = (c: string) => d.cast(`m.${d.ident(c)}`, 'string');
  return `(SELECT f.*, ${m('scheme')} AS ${d.ident(SCHEME)}, ${m('segment')} AS ${d.ident(SEGMENT)}
  FROM ${features} AS f JOIN ${members} AS m ON f.${d.ident('customer_id')} = m.${d.ident('customer_id')})`;
}

/** A row value as text (names and keys are text; anything else is shown as JSON). */
function text(v: RowValue | undefined): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

function readStats(r: Row, names: readonly string[]): KpiStats {
  const out: KpiStats = {};
  for (const n of names) {
    const v = r[n];
    out[n] = typeof v === 'number' ? v : 0;
  }
  return out;
}

function emptyStats(names: readonly string[]): KpiStats {
  return Object.fromEntries(names.map((n) => [n, 0]));
}

/** Schemes and their segments in display order: declared first, then the others by name. */
function schemeLayout(
  rows: readonly Row[],
  declared: Record<string, string[]> | undefined,
): Map<string, string[]> {
  const layout = new Map<string, string[]>();
  for (const [scheme, segs] of Object.entries(declared ?? {})) layout.set(scheme, [...segs]);
  const found = rows
    .map((r) => [text(r[SCHEME]), text(r[SEGMENT])] as const)
    .sort((a, b) => (a[0] === b[0] ? compare(a[1], b[1]) : compare(a[0], b[0])));
  for (const [scheme, segment] of found) {
    const segs = layout.get(scheme) ?? [];
    if (!segs.includes(segment)) segs.push(segment);
    layout.set(scheme, segs);
  }
  return layout;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const baseKey = () => '\u0000base';
const groupKey = (scheme: string, segment: string) => `${scheme}\u0000${segment}`;

/** Replicate values per group key and custom KPI: `map.get(key)[kpiIndex]` = B values. */
async function bootstrap(
  engine: Engine,
  compiled: readonly CompiledCustomKpi[],
  features: string,
  members: string,
  groups: readonly (readonly [string, string])[],
  replicates: number,
  options: ComputeKpisOptions,
): Promise<Map<string, number[][]>> {
  const d = engine.dialect;
  const common = {
    dialect: d,
    customerId: `t.${d.ident('customer_id')}`,
    replicates,
    buckets: BOOTSTRAP_BUCKETS,
    seed: options.bootstrapSeed ?? 0,
    kpis: compiled,
  };
  const out = new Map<string, number[][]>();
  const collect = (key: string, r: Row) => {
    let perKpi = out.get(key);
    if (!perKpi) {
      perKpi = compiled.map(() => []);
      out.set(key, perKpi);
    }
    compiled.forEach((_, i) => {
      const v = r[`c${i}`];
      if (typeof v === 'number') perKpi[i]!.push(v);
    });
  };
  if (groups.length > 0) {
    // Segments are numbered so that only an integer travels with the repeated rows.
    const gid = d.ident(GROUP_ID);
    const mapping = groups
      .map(([scheme, segment], i) => `(${d.literal(scheme)}, ${d.literal(segment)}, ${i})`)
      .join(', ');
    const m = (c: string) => d.cast(`m.${d.ident(c)}`, 'string');
    const from = `(SELECT f.*, gm.${gid}
  FROM ${features} AS f
  JOIN ${members} AS m ON f.${d.ident('customer_id')} = m.${d.ident('customer_id')}
  JOIN (VALUES ${mapping}) AS gm(${d.ident('__kpi_s')}, ${d.ident('__kpi_sg')}, ${gid})
    ON gm.${d.ident('__kpi_s')} = ${m('scheme')} AND gm.${d.ident('__kpi_sg')} = ${m('segment')})`;
    const seg = await engine.query(bootstrapSql({ ...common, from, groupBy: [GROUP_ID] }));
    for (const r of seg) {
      const g = groups[Number(r[GROUP_ID])];
      if (g) collect(groupKey(g[0], g[1]), r);
    }
  }
  const base = await engine.query(bootstrapSql({ ...common, from: features, groupBy: [] }));
  for (const r of base) collect(baseKey(), r);
  return out;
}

/** The value of a custom KPI for a group, with its bootstrap percentile interval. */
function customValue(
  raw: unknown,
  customers: number,
  replicates: readonly number[],
  confidence: number,
): KpiValue {
  const base = { ci_method: 'bootstrap' as const, n: customers, available: true };
  if (customers === 0) return { value: null, ci_low: null, ci_high: null, ...base, reason: 'empty segment' };
  if (typeof raw !== 'number' || !Number.isFinite(raw))
    return {
      value: null,
      ci_low: null,
      ci_high: null,
      ...base,
      reason: 'the expression has no value for this segment',
    };
  const iv = percentileInterval(replicates, confidence);
  const out: KpiValue = { value: raw, ci_low: iv.low, ci_high: iv.high, ...base };
  if (iv.low === null)
    out.reason =
      replicates.length === 0
        ? 'no bootstrap was run (bootstrap replicates set to 0)'
        : 'too few bootstrap replicates with a value for an interval';
  return out;
}

/**
 * The zod schema of `segtrack.yaml` (CONTRACT.md, "Configuration file"; keys beyond the contract's
 * example are described in ./CONTEXT.md).
 *
 * Every object is strict, so a misspelt key is an error at every level. Checks that span several
 * keys (file xor files, unique names, alerts naming a scheme) run with `when: () => true`, so they
 * are reported together with the other problems instead of only once those are fixed; they
 * therefore read their input defensively. Custom issues carry `params: {code, hint}` that
 * ./validate.ts turns into the problem's code and hint.
 */
import { z } from 'zod';
import { didYouMean } from '../core/suggest.js';
import { CANONICAL, CANONICAL_TABLES, type CanonicalTableName } from '../model/canonical.js';

/** Business objectives; each selects a focused KPI set. */
export const OBJECTIVES = ['growth', 'retention', 'profitability', 'satisfaction'] as const;
/** File formats a source may declare. */
export const SOURCE_FORMATS = ['csv', 'parquet', 'json', 'jsonl'] as const;
/** Types that `options.types` can force on a source column. */
export const SOURCE_COLUMN_TYPES = ['string', 'integer', 'double', 'boolean', 'date', 'timestamp'] as const;
/** Segmentation scheme types. */
export const SCHEME_TYPES = ['rules', 'rfm', 'kmeans', 'lifecycle', 'value_tiers', 'churn_risk', 'dimension'] as const;

/** Parameters of a custom issue, read by ./validate.ts. */
interface CheckParams {
  code: string;
  hint?: string;
}

const params = (code: string, hint?: string): { params: CheckParams } => ({
  params: hint === undefined ? { code } : { code, hint },
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Scalars

const text = z.string().min(1);

/**
 * A SQL or rule expression. YAML reads `where: true` or `revenue: 0` as a boolean or a number; both
 * are accepted and turned back into the text the user wrote.
 */
const expression = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected an expression (text)' })
  .transform((v) => String(v))
  .refine((v) => v.trim() !== '', { message: 'the expression is empty', ...params('config_empty_expression') });

/** Lower-case identifier, usable as a column name in SQL and in rule expressions. */
const identifier = z.string().refine((v) => /^[a-z][a-z0-9_]*$/.test(v), {
  message: 'must be a lower-case name (letters, digits and _ , starting with a letter)',
  ...params('config_invalid_format', 'for example `vip_share`'),
});

/** A real calendar date written YYYY-MM-DD (a JS Date, from programmatic use, is accepted too). */
const isoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z.string().refine(
    (v) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      if (!m) return false;
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return d.toISOString().slice(0, 10) === v;
    },
    { message: 'must be a date written YYYY-MM-DD', ...params('config_invalid_date', 'for example `2011-12-09`') },
  ),
);

const currency = z.string().refine((v) => /^[A-Z]{3}$/.test(v), {
  message: 'must be a three-letter ISO 4217 currency code',
  ...params('config_invalid_format', 'for example `GBP`, `EUR` or `USD` (upper case)'),
});

const positiveInt = z.int().min(1);
const share = z.number().gt(0).max(1);

// ---------------------------------------------------------------------------------------------
// Sources

const sourceOptions = z.strictObject({
  delimiter: text.optional(),
  header: z.boolean().optional(),
  quote: z.string().optional(),
  escape: z.string().optional(),
  null: z.string().optional(),
  types: z.record(z.string(), z.enum(SOURCE_COLUMN_TYPES)).optional(),
});

function sourceSchema(table: CanonicalTableName) {
  const columns = Object.fromEntries(CANONICAL[table].columns.map((c) => [c.name, expression.optional()])) as Record<
    string,
    z.ZodOptional<typeof expression>
  >;
  return z
    .strictObject({
      file: text.optional(),
      files: z.array(text).min(1).optional(),
      format: z.enum(SOURCE_FORMATS).optional(),
      options: sourceOptions.optional(),
      filter: expression.optional(),
      group_by: z.array(text).min(1).optional(),
      columns: z.strictObject(columns).optional(),
    })
    .superRefine(
      (v: unknown, ctx) => {
        if (!isRecord(v)) return;
        const hasFile = v.file !== undefined;
        const hasFiles = v.files !== undefined;
        if (hasFile && hasFiles)
          ctx.addIssue({
            code: 'custom',
            message: `source '${table}' has both 'file' and 'files'`,
            path: ['files'],
            ...params('config_conflicting_keys', 'keep one: `file: a.csv` for one file or glob, `files: [a.csv, b.csv]` for several'),
          });
        else if (!hasFile && !hasFiles)
          ctx.addIssue({
            code: 'custom',
            message: `source '${table}' names no file`,
            ...params('config_missing_key', 'add `file: data/' + table + '.csv` (a path or a glob) or `files: [a.csv, b.csv]`'),
          });
      },
      { when: () => true },
    );
}

const sources = z.strictObject(
  Object.fromEntries(CANONICAL_TABLES.map((t) => [t, sourceSchema(t).optional()])) as Record<
    CanonicalTableName,
    z.ZodOptional<ReturnType<typeof sourceSchema>>
  >,
);

// ---------------------------------------------------------------------------------------------
// Segmentation schemes

const schemeName = text.describe('the scheme name, used by `--scheme`');

/** Names in a list of objects are unique (checked defensively: the list may be partly invalid). */
function uniqueNames(what: string, key = 'name') {
  return (list: unknown, ctx: z.RefinementCtx): void => {
    if (!Array.isArray(list)) return;
    const seen = new Map<string, number>();
    list.forEach((item: unknown, i) => {
      if (!isRecord(item) || typeof item[key] !== 'string') return;
      const name = item[key];
      const first = seen.get(name);
      if (first === undefined) seen.set(name, i);
      else
        ctx.addIssue({
          code: 'custom',
          message: `${what} '${name}' is defined twice (also at item ${first + 1})`,
          path: [i, key],
          ...params('config_duplicate_name', `give each ${what} its own ${key}`),
        });
    });
  };
}

const rulesScheme = z.strictObject({
  name: schemeName,
  type: z.literal('rules'),
  rules: z
    .array(z.strictObject({ segment: text.describe('the segment name'), where: expression.describe('a rule over feature columns') }))
    .min(1)
    .describe('a list of `{segment: Name, where: "condition"}`, first match wins'),
});

const rfmScheme = z.strictObject({ name: schemeName, type: z.literal('rfm') });

const kmeansScheme = z
  .strictObject({
    name: schemeName,
    type: z.literal('kmeans'),
    features: z.array(text).min(1).describe('feature columns to cluster on, e.g. `[recency_days, orders_365d, revenue_365d]`'),
    k: z
      .union([z.literal('auto'), z.int().min(2)], { error: "expected a whole number ≥ 2 or 'auto'" })
      .describe("the number of clusters: a whole number ≥ 2, or 'auto'"),
    k_range: z
      .array(z.int().min(2))
      .length(2)
      .refine((r) => r[0]! <= r[1]!, { message: 'k_range must be [smallest, largest]', ...params('config_out_of_range', 'for example `k_range: [2, 10]`') })
      .optional(),
    seed: z.int().optional(),
  })
  .superRefine(
    (v: unknown, ctx) => {
      if (isRecord(v) && v.k_range !== undefined && v.k !== undefined && v.k !== 'auto')
        ctx.addIssue({
          code: 'custom',
          message: "k_range is only used when k is 'auto'",
          path: ['k_range'],
          ...params('config_conflicting_keys', "remove k_range, or set `k: auto`"),
        });
    },
    { when: () => true },
  );

const lifecycleScheme = z.strictObject({
  name: schemeName,
  type: z.literal('lifecycle'),
  thresholds: z
    .strictObject({
      new_days: positiveInt.optional(),
      active_days: positiveInt.optional(),
      at_risk_days: positiveInt.optional(),
      lapsed_days: positiveInt.optional(),
    })
    .superRefine(
      (v: unknown, ctx) => {
        if (!isRecord(v)) return;
        const order = ['active_days', 'at_risk_days', 'lapsed_days'] as const;
        let prev: { key: string; value: number } | undefined;
        for (const key of order) {
          const value = v[key];
          if (typeof value !== 'number') continue;
          if (prev && value <= prev.value)
            ctx.addIssue({
              code: 'custom',
              message: `${key} (${value}) must be larger than ${prev.key} (${prev.value})`,
              path: [key],
              ...params('config_out_of_range', 'days since the last order grow from active to at risk to lapsed'),
            });
          prev = { key, value };
        }
      },
      { when: () => true },
    )
    .optional(),
});

const valueTiersScheme = z.strictObject({
  name: schemeName,
  type: z.literal('value_tiers'),
  tiers: z
    .array(z.strictObject({ name: text, share }))
    .min(1)
    .superRefine(uniqueNames('tier'), { when: () => true })
    .superRefine(
      (list: unknown, ctx) => {
        if (!Array.isArray(list)) return;
        const shares = list.map((t: unknown) => (isRecord(t) ? t.share : undefined));
        if (!shares.every((s): s is number => typeof s === 'number')) return;
        const sum = shares.reduce((a, b) => a + b, 0);
        if (Math.abs(sum - 1) > 1e-9)
          ctx.addIssue({
            code: 'custom',
            message: `the tier shares add up to ${Number(sum.toFixed(6))}, not 1`,
            ...params('config_out_of_range', 'shares are fractions of customers from the most valuable tier down, e.g. 0.1, 0.4, 0.5'),
          });
      },
      { when: () => true },
    )
    .optional(),
});

const churnRiskScheme = z.strictObject({
  name: schemeName,
  type: z.literal('churn_risk'),
  bands: z
    .array(z.strictObject({ name: text, up_to: share }))
    .min(1)
    .superRefine(uniqueNames('band'), { when: () => true })
    .superRefine(
      (list: unknown, ctx) => {
        if (!Array.isArray(list)) return;
        const ups = list.map((b: unknown) => (isRecord(b) ? b.up_to : undefined));
        if (!ups.every((u): u is number => typeof u === 'number')) return;
        for (let i = 1; i < ups.length; i++)
          if (ups[i]! <= ups[i - 1]!)
            ctx.addIssue({
              code: 'custom',
              message: `band ${i + 1}'s up_to (${ups[i]}) must be larger than the previous band's (${ups[i - 1]})`,
              path: [i, 'up_to'],
              ...params('config_out_of_range', 'list bands from the lowest churn probability to the highest'),
            });
        if (ups[ups.length - 1] !== 1)
          ctx.addIssue({
            code: 'custom',
            message: "the last band's up_to must be 1",
            path: [ups.length - 1, 'up_to'],
            ...params('config_out_of_range', 'the last band takes every customer up to a churn probability of 1'),
          });
      },
      { when: () => true },
    )
    .optional(),
});

const dimensionScheme = z.strictObject({
  name: schemeName,
  type: z.literal('dimension'),
  column: text.describe('the feature column to segment by, e.g. `acquisition_channel` or `age`'),
  bins: z
    .array(z.number())
    .min(1)
    .refine((b) => b.every((x, i) => i === 0 || x > b[i - 1]!), {
      message: 'bins must be in increasing order',
      ...params('config_out_of_range', 'for example `bins: [25, 35, 50, 65]`'),
    })
    .optional(),
});

/** One segmentation scheme; the keys allowed beside `name` and `type` depend on `type`. */
export const schemeSchema = z.discriminatedUnion('type', [
  rulesScheme,
  rfmScheme,
  kmeansScheme,
  lifecycleScheme,
  valueTiersScheme,
  churnRiskScheme,
  dimensionScheme,
]);

// ---------------------------------------------------------------------------------------------
// KPIs, models, privacy, alerts

const kpis = z.strictObject({
  include: z.array(text).optional(),
  custom: z
    .array(
      z.strictObject({
        name: identifier.describe('a lower-case KPI name, e.g. `vip_share`'),
        expression: expression.describe('an aggregate over feature columns, e.g. `avg(revenue_365d)`'),
        unit: z.string().optional(),
        direction: z.enum(['higher', 'lower']).optional(),
        description: z.string().optional(),
      }),
    )
    .superRefine(uniqueNames('custom KPI'), { when: () => true })
    .optional(),
});

const models = z.strictObject({
  purchase: z.enum(['bgnbd', 'pareto_nbd']).optional(),
  spend: z.enum(['gamma_gamma']).optional(),
  time_unit: z.enum(['week', 'day']).optional(),
  horizon_months: z.number().gt(0).describe('months ahead that predicted CLV covers, e.g. 12').optional(),
  discount_rate_annual: z
    .number()
    .min(0)
    .refine((r) => r < 1, { message: 'must be a fraction per year, below 1', ...params('config_out_of_range', 'write 0.10 for 10%') })
    .optional(),
});

const privacy = z.strictObject({
  pii_columns: z.array(text).optional(),
  pii: z.enum(['hash', 'drop']).optional(),
  min_segment_size: positiveInt.describe('a whole number ≥ 1: segments with fewer customers are suppressed in outputs').optional(),
  require_consent: z.boolean().optional(),
  retain_events_days: positiveInt.describe('a whole number of days ≥ 1').optional(),
  retain_orders_days: positiveInt.describe('a whole number of days ≥ 1').optional(),
});

const alert = z.strictObject({
  name: text.describe('a name for the alert rule'),
  kpi: text.describe('the KPI to watch, e.g. `churn_rate`'),
  scheme: text.optional(),
  segment: text.optional(),
  when: expression.describe('a condition such as `change > 0.05` or `value < 100`'),
  notify: z.array(text).optional(),
});

// ---------------------------------------------------------------------------------------------
// The file

/** Cross-references between sections: alerts name existing schemes; a segment needs its scheme. */
function checkReferences(v: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(v) || !Array.isArray(v.alerts)) return;
  const schemes = Array.isArray(v.segments)
    ? v.segments.flatMap((s: unknown) => (isRecord(s) && typeof s.name === 'string' ? [s.name] : []))
    : [];
  v.alerts.forEach((a: unknown, i) => {
    if (!isRecord(a)) return;
    if (typeof a.scheme === 'string' && !schemes.includes(a.scheme))
      ctx.addIssue({
        code: 'custom',
        message: `alert refers to scheme '${a.scheme}', which is not defined under segments`,
        path: ['alerts', i, 'scheme'],
        ...params('config_unknown_scheme', schemes.length ? didYouMean(a.scheme, [...new Set(schemes)]) : 'define the scheme under `segments:`'),
      });
    if (a.segment !== undefined && a.scheme === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'alert names a segment but no scheme',
        path: ['alerts', i, 'segment'],
        ...params('config_missing_key', 'add `scheme:` with the scheme the segment belongs to'),
      });
  });
}

/** The whole `segtrack.yaml`. Parse with {@link validateConfig} (./validate.ts) for friendly problems. */
export const configSchema = z
  .strictObject({
    workspace: text.optional(),
    currency: currency.optional(),
    as_of: isoDate.optional(),
    objective: z.enum(OBJECTIVES).optional(),
    sources: sources.default({}),
    segments: z.array(schemeSchema).superRefine(uniqueNames('scheme'), { when: () => true }).default([]),
    kpis: kpis.optional(),
    models: models.optional(),
    privacy: privacy.optional(),
    alerts: z.array(alert).superRefine(uniqueNames('alert'), { when: () => true }).optional(),
  })
  .superRefine(checkReferences, { when: () => true });

/** What {@link configSchema} produces: the settings, before paths are resolved. */
export type ValidatedConfig = z.output<typeof configSchema>;

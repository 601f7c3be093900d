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
import { schemeSchema } from './scheme-schema.js';
import {
  currency,
  expression,
  identifier,
  isoDate,
  isRecord,
  params,
  positiveInt,
  sqlSnippet,
  text,
  uniqueNames,
} from './schema-parts.js';

export { SCHEME_TYPES, schemeSchema } from './scheme-schema.js';

/** Business objectives; each selects a focused KPI set. */
export const OBJECTIVES = ['growth', 'retention', 'profitability', 'satisfaction'] as const;
/** File formats a source may declare. */
export const SOURCE_FORMATS = ['csv', 'parquet', 'json', 'jsonl'] as const;
/** Types that `options.types` can force on a source column. */
export const SOURCE_COLUMN_TYPES = ['string', 'integer', 'double', 'boolean', 'date', 'timestamp'] as const;

// ---------------------------------------------------------------------------------------------
// Sources

const sourceOptions = z.strictObject({
  delimiter: text.optional(),
  header: z.boolean().optional(),
  quote: z.string().optional(),
  escape: z.string().optional(),
  null: z.string().optional(),
  encoding: z.enum(['utf-8', 'latin-1', 'utf-16']).optional(),
  types: z.record(z.string(), z.enum(SOURCE_COLUMN_TYPES)).optional(),
});

const columnExpression = sqlSnippet.describe(
  "a SQL expression over the source file's columns, e.g. `CustomerID` or `sum(Quantity * UnitPrice)`",
);

function sourceSchema(table: CanonicalTableName) {
  const columns = Object.fromEntries(
    CANONICAL[table].columns.map((c) => [c.name, columnExpression.optional()]),
  ) as Record<string, z.ZodOptional<typeof columnExpression>>;
  return z
    .strictObject({
      file: text.optional(),
      files: z.array(text).min(1).optional(),
      format: z.enum(SOURCE_FORMATS).optional(),
      options: sourceOptions.optional(),
      filter: sqlSnippet.optional(),
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
            ...params(
              'config_conflicting_keys',
              'keep one: `file: a.csv` for one file or glob, `files: [a.csv, b.csv]` for several',
            ),
          });
        else if (!hasFile && !hasFiles)
          ctx.addIssue({
            code: 'custom',
            message: `source '${table}' names no file`,
            ...params(
              'config_missing_key',
              'add `file: data/' + table + '.csv` (a path or a glob) or `files: [a.csv, b.csv]`',
            ),
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
    .refine((r) => r < 1, {
      message: 'must be a fraction per year, below 1',
      ...params('config_out_of_range', 'write 0.10 for 10%'),
    })
    .optional(),
});

const privacy = z.strictObject({
  pii_columns: z.array(text).optional(),
  pii: z.enum(['hash', 'drop']).optional(),
  min_segment_size: positiveInt
    .describe('a whole number ≥ 1: segments with fewer customers are suppressed in outputs')
    .optional(),
  require_consent: z.boolean().optional(),
  unknown_consent: z
    .enum(['exclude', 'include'])
    .describe(
      'exclude (default) or include customers whose marketing consent is unknown in activation exports',
    )
    .optional(),
  retain_events_days: positiveInt.describe('a whole number of days ≥ 1').optional(),
  retain_orders_days: positiveInt.describe('a whole number of days ≥ 1').optional(),
});

// The recommendation playbook and response assumptions (src/decisions/CONTEXT.md). The shape is
// checked here; which signals, operators and actions exist is checked by `recommendSettings`,
// which reports every mistake with its place and a did-you-mean.
const playbookCondition = z.union([
  z.string(),
  z.strictObject({ signal: text, op: text, value: z.number() }),
]);
const recommend = z.strictObject({
  new_days: positiveInt.optional(),
  min_responses: positiveInt.optional(),
  budget_steps: positiveInt.optional(),
  playbook: z
    .array(
      z.strictObject({
        action: text,
        all: z.array(playbookCondition).optional(),
        any: z.array(playbookCondition).optional(),
      }),
    )
    .min(1)
    .optional(),
  actions: z
    .record(
      identifier,
      z
        .strictObject({
          label: text,
          description: text,
          basis: z.enum(['at_risk', 'clv']),
          cost_per_customer: z.number().min(0),
          response_rate: z.number().min(0).max(1),
          uplift_per_responder: z.number().min(0),
          uplift_share: z.number().min(0).max(1),
        })
        .partial(),
    )
    .optional(),
});

// Interventions declared in the config (as the `interventions` table's rows): `segtrack compare
// --intervention NAME` reads its start, end, treated segment and control from here.
const intervention = z.strictObject({
  name: text,
  started_at: isoDate,
  ended_at: isoDate.optional(),
  treated_segment: text.describe('SCHEME/SEGMENT').optional(),
  control_segment: text.describe('SCHEME/SEGMENT, matched, or holdout:EXPORT_ID').optional(),
  cost: z.number().min(0).optional(),
  description: z.string().optional(),
});

const alert = z.strictObject({
  name: text.describe('a name for the alert rule'),
  kpi: text.describe('the KPI to watch, e.g. `churn_rate`'),
  scheme: text.optional(),
  segment: text.optional(),
  when: expression
    // Checked by the alert stage (and `segtrack alerts --check`), which runs the valid rules
    // and reports the others, so one bad rule does not stop a run.
    .describe('a condition such as `change > 0.05`, `pct_change < -0.1` or `anomaly > 3`'),
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
        ...params(
          'config_unknown_scheme',
          schemes.length
            ? didYouMean(a.scheme, [...new Set(schemes)])
            : 'define the scheme under `segments:`',
        ),
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
    segments: z
      .array(schemeSchema)
      .superRefine(uniqueNames('scheme'), { when: () => true })
      .default([]),
    kpis: kpis.optional(),
    models: models.optional(),
    privacy: privacy.optional(),
    recommend: recommend.optional(),
    interventions: z
      .array(intervention)
      .superRefine(uniqueNames('intervention'), { when: () => true })
      .optional(),
    alerts: z
      .array(alert)
      .superRefine(uniqueNames('alert'), { when: () => true })
      .optional(),
  })
  .superRefine(checkReferences, { when: () => true });

/** What {@link configSchema} produces: the settings, before paths are resolved. */
export type ValidatedConfig = z.output<typeof configSchema>;

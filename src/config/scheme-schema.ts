/**
 * The segmentation schemes of `segtrack.yaml` (`segments:`): `name` and `type`, plus the keys of
 * that type (see ./CONTEXT.md). Checks that span keys run with `when: () => true`, so they are
 * reported together with the other problems.
 */
import { z } from 'zod';
import { isRecord, params, positiveInt, share, text, expression, uniqueNames } from './schema-parts.js';

/** Segmentation scheme types. */
export const SCHEME_TYPES = [
  'rules',
  'rfm',
  'kmeans',
  'lifecycle',
  'value_tiers',
  'churn_risk',
  'dimension',
] as const;

const schemeName = text.describe('the scheme name, used by `--scheme`');

const rulesScheme = z.strictObject({
  name: schemeName,
  type: z.literal('rules'),
  rules: z
    .array(
      z.strictObject({
        segment: text.describe('the segment name'),
        where: expression.describe('a rule over feature columns'),
      }),
    )
    .min(1)
    .describe('a list of `{segment: Name, where: "condition"}`, first match wins'),
  default: text.describe('the segment of customers no rule matches (default `Other`)').optional(),
});

const rfmScheme = z.strictObject({ name: schemeName, type: z.literal('rfm') });

const kmeansScheme = z
  .strictObject({
    name: schemeName,
    type: z.literal('kmeans'),
    features: z
      .array(
        z.union([
          text,
          z.strictObject({
            name: text.describe('the feature column'),
            log1p: z
              .boolean()
              .describe('ln(1 + x) first (default: when the values are ≥ 0 and skewed)')
              .optional(),
            winsorize: z
              .union([
                z.literal(false),
                z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).refine((w) => w[0] < w[1], {
                  message: 'winsorize must be [low quantile, high quantile] with low < high',
                  ...params('config_out_of_range', 'for example `winsorize: [0.01, 0.99]`'),
                }),
              ])
              .describe('clip to these quantiles, e.g. `[0.01, 0.99]` (default: no clipping)')
              .optional(),
            standardize: z.boolean().describe('scale to mean 0, sd 1 (default true)').optional(),
          }),
        ]),
      )
      .min(1)
      .describe(
        'feature columns to cluster on, e.g. `[recency_days, orders_365d, revenue_365d]`, or `{name, log1p, winsorize, standardize}`',
      ),
    k: z
      .union([z.literal('auto'), z.int().min(2)], { error: "expected a whole number ≥ 2 or 'auto'" })
      .describe("the number of clusters: a whole number ≥ 2, or 'auto'"),
    k_range: z
      .array(z.int().min(2))
      .length(2)
      .refine((r) => r[0]! <= r[1]!, {
        message: 'k_range must be [smallest, largest]',
        ...params('config_out_of_range', 'for example `k_range: [2, 10]`'),
      })
      .optional(),
    seed: z.int().describe('seed of the k-means++ draws (default 1)').optional(),
    n_init: positiveInt.max(50).describe('k-means++ initialisations per k (default 3)').optional(),
  })
  .superRefine(
    (v: unknown, ctx) => {
      if (isRecord(v) && v.k_range !== undefined && v.k !== undefined && v.k !== 'auto')
        ctx.addIssue({
          code: 'custom',
          message: "k_range is only used when k is 'auto'",
          path: ['k_range'],
          ...params('config_conflicting_keys', 'remove k_range, or set `k: auto`'),
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
              ...params(
                'config_out_of_range',
                'days since the last order grow from active to at risk to lapsed',
              ),
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
            ...params(
              'config_out_of_range',
              'shares are fractions of customers from the most valuable tier down, e.g. 0.1, 0.4, 0.5',
            ),
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
            ...params(
              'config_out_of_range',
              'the last band takes every customer up to a churn probability of 1',
            ),
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

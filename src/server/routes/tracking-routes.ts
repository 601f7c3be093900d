/** Cohorts, migration between snapshots, before/after of a scheme, and did-it-work comparisons. */
import { z } from 'zod';
import { cohorts } from '../../analysis/cohorts.js';
import { listSnapshots, resolveSnapshot } from '../../snapshot/read.js';
import { compare } from '../../tracking/compare.js';
import type { ControlSpec, TreatedSpec } from '../../tracking/compare-groups.js';
import { compareSnapshots } from '../../tracking/compare-snapshots.js';
import { METRIC_NAMES, type CompareMetric } from '../../tracking/compare-sql.js';
import { migrationMatrix } from '../../tracking/migration.js';
import { route, type RouteSpec } from '../route.js';
import { BeforeAfter, Cohorts, Compare, Migration } from '../schemas/analysis.js';
import { day, int, kpiList, name, SchemeParams, snapshotId } from './params.js';

const SegmentRef = z.strictObject({ scheme: name, segment: name });

/** What `POST /api/v1/compare` takes: the CLI's `segtrack compare` flags, without files. */
const CompareBody = z.strictObject({
  treated: z.union([SegmentRef, z.strictObject({ export: int(1, 2 ** 31 - 1) })]).optional(),
  control: z
    .union([SegmentRef, z.literal('matched'), z.strictObject({ holdout: int(1, 2 ** 31 - 1) })])
    .optional(),
  intervention: name.optional(),
  start: day.optional(),
  pre_days: int(1, 3650).optional(),
  post_days: int(1, 3650).optional(),
  metric: z.enum(METRIC_NAMES as [CompareMetric, ...CompareMetric[]]).optional(),
  seed: int(0, 2 ** 31 - 1).optional(),
  snapshot: snapshotId.optional(),
});

export const trackingRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/cohorts',
    capability: 'aggregates',
    summary:
      'Acquisition cohorts × periods since: retention or revenue per customer (small cohorts suppressed).',
    query: z.strictObject({
      period: z.enum(['month', 'week']).optional(),
      metric: z.enum(['retention', 'revenue']).optional(),
    }),
    response: Cohorts,
    cache: true,
    handler: async ({ query, ctx }) => {
      const snap = await resolveSnapshot(ctx.engine);
      return cohorts(ctx.engine, {
        asOf: snap.as_of,
        period: query.period ?? 'month',
        metric: query.metric ?? 'retention',
        minSegmentSize: ctx.threshold,
      });
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/schemes/:scheme/migration',
    capability: 'aggregates',
    summary:
      "How customers moved between a scheme's segments from one snapshot to another, with revenue per cell (small cells suppressed).",
    params: SchemeParams,
    query: z.strictObject({ from: snapshotId.optional(), to: snapshotId.optional() }),
    response: Migration,
    cache: true,
    handler: async ({ params, query, ctx }) =>
      migrationMatrix(ctx.engine, {
        scheme: params.scheme,
        from: query.from,
        to: query.to,
        minSegmentSize: ctx.threshold,
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/schemes/:scheme/before-after',
    capability: 'aggregates',
    summary:
      "Each segment's KPIs in the snapshot as of `before` against the one as of `after` (default: the previous and the latest), with intervals and whether they overlap.",
    params: SchemeParams,
    query: z.strictObject({
      before: day.optional(),
      after: day.optional(),
      kpis: kpiList.optional(),
    }),
    response: BeforeAfter,
    cache: true,
    handler: async ({ params, query, ctx }) => {
      let before = query.before;
      if (before === undefined) {
        const withScheme = (await listSnapshots(ctx.engine)).filter((s) => s.schemes.includes(params.scheme));
        before =
          withScheme.length > 1
            ? withScheme[withScheme.length - 2]!.as_of
            : (withScheme[0]?.as_of ?? '0000-01-01');
      }
      return compareSnapshots(ctx.engine, ctx.config, {
        scheme: params.scheme,
        before,
        after: query.after,
        kpis: query.kpis,
      });
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/compare',
    capability: 'members',
    summary:
      'Did it work? Difference-in-differences of a metric between treated and control customers around a start date (analysts and admins).',
    body: CompareBody,
    response: Compare,
    handler: async ({ body, ctx }) => {
      let treated: TreatedSpec | undefined;
      let control: ControlSpec | undefined;
      if (body.treated !== undefined)
        treated =
          'export' in body.treated
            ? { kind: 'export', exportId: body.treated.export }
            : { kind: 'segment', ...body.treated };
      if (body.treated !== undefined && 'export' in body.treated && body.control === undefined)
        control = { kind: 'holdout', exportId: body.treated.export };
      if (body.control !== undefined)
        control =
          body.control === 'matched'
            ? { kind: 'matched' }
            : 'holdout' in body.control
              ? { kind: 'holdout', exportId: body.control.holdout }
              : { kind: 'segment', ...body.control };
      return compare(ctx.engine, ctx.config, {
        treated,
        control,
        intervention: body.intervention,
        start: body.start,
        preDays: body.pre_days,
        postDays: body.post_days,
        metric: body.metric,
        seed: body.seed,
        snapshotId: body.snapshot,
      });
    },
  }),
];

/** Model fits and validation, clusters, recommendations, unit economics, data quality and alerts. */
import { z } from 'zod';
import { shownAlerts } from '../../alerts/shown-alerts.js';
import { shownClusters } from '../../clusters/shown-clusters.js';
import { recommend } from '../../decisions/recommend.js';
import { unitEconomics } from '../../decisions/unit-economics.js';
import { runQuality } from '../../quality/quality.js';
import { requireScheme, resolveSnapshot } from '../../snapshot/read.js';
import { latestModelReports } from '../../views/model-reports.js';
import { allows } from '../roles.js';
import { route, type RouteSpec } from '../route.js';
import { Alerts, Clusters, Economics, Models, Quality, Recommendations } from '../schemas/analysis.js';
import { int, name, SchemeParams, snapshotId } from './params.js';

export const analysisRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/models',
    capability: 'aggregates',
    summary:
      'The latest stored fit and holdout validation of the purchase and spend models (calibration-frequency groups under the privacy threshold hidden).',
    response: Models,
    cache: true,
    handler: async ({ ctx }) => latestModelReports(ctx.engine, ctx.threshold),
  }),
  route({
    method: 'GET',
    url: '/api/v1/schemes/:scheme/clusters',
    capability: 'aggregates',
    summary:
      "A kmeans scheme's clusters: profiles, names, the scores k was chosen by, and identity across runs.",
    params: SchemeParams,
    query: z.strictObject({ snapshot: snapshotId.optional() }),
    response: Clusters,
    cache: true,
    handler: async ({ params, query, ctx }) =>
      shownClusters(
        ctx.engine,
        await resolveSnapshot(ctx.engine, query.snapshot),
        params.scheme,
        ctx.threshold,
      ),
  }),
  route({
    method: 'GET',
    url: '/api/v1/recommendations',
    capability: 'aggregates',
    summary:
      'An action per segment with its rationale and value at stake; with `budget`, the budget split by expected return.',
    query: z.strictObject({
      scheme: name.optional(),
      budget: z.coerce.number().min(0).max(1e12).optional(),
    }),
    response: Recommendations,
    cache: true,
    handler: async ({ query, ctx }) => {
      if (query.scheme !== undefined) requireScheme(await resolveSnapshot(ctx.engine), query.scheme);
      return recommend(ctx.engine, ctx.config, {
        ...(query.scheme !== undefined ? { scheme: query.scheme } : {}),
        ...(query.budget !== undefined ? { budget: query.budget } : {}),
      });
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/economics',
    capability: 'aggregates',
    summary: 'CAC, CLV, CLV:CAC and payback per acquisition channel, cohort, or segment of a scheme.',
    query: z.strictObject({
      by: z.enum(['channel', 'cohort', 'segment']).optional(),
      scheme: name.optional(),
    }),
    response: Economics,
    cache: true,
    handler: async ({ query, ctx }) =>
      unitEconomics(ctx.engine, {
        by: query.by ?? 'channel',
        ...(query.scheme !== undefined ? { scheme: query.scheme } : {}),
        minSegmentSize: ctx.threshold,
      }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/quality',
    capability: 'aggregates',
    summary:
      'The data-quality report: completeness, validity, uniqueness, consistency and freshness checks. Example rows (they hold customer-level values) only for analysts and admins.',
    response: Quality,
    cache: 'daily',
    handler: async ({ caller, ctx }) => {
      const report = await runQuality(ctx.engine);
      if (allows(caller.role, 'members')) return { ...report, examples_hidden: false };
      return { ...report, checks: report.checks.map((c) => ({ ...c, examples: [] })), examples_hidden: true };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/alerts',
    capability: 'aggregates',
    summary: 'Alerts that fired, newest first (values of suppressed segments hidden).',
    query: z.strictObject({ rule: name.optional(), limit: int(1, 1000).optional() }),
    response: Alerts,
    handler: async ({ query, ctx }) => ({
      alerts: await shownAlerts(ctx.engine, {
        ...(query.rule !== undefined ? { rule: query.rule } : {}),
        limit: query.limit ?? 100,
        threshold: ctx.threshold,
      }),
    }),
  }),
];

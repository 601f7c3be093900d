import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { shownAlerts } from '../alerts/shown-alerts.js';
import { cohorts } from '../analysis/cohorts.js';
import type { Config } from '../config/types.js';
import { recommend } from '../decisions/recommend.js';
import type { Engine } from '../engine/engine.js';
import { runQuality } from '../quality/quality.js';
import { requireScheme, resolveSnapshot, shownSegmentTable, trend } from '../snapshot/read.js';
import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { migrationMatrix } from '../tracking/migration.js';
import type { Capability } from './roles.js';

/** The capability check of the app (see app.ts). */
export type Need = (req: FastifyRequest, reply: FastifyReply, capability: Capability) => boolean;

const int = (min: number, max: number) => ({ type: 'integer', minimum: min, maximum: max }) as const;
const query = (properties: Record<string, unknown>) =>
  ({ querystring: { type: 'object', properties, additionalProperties: false } }) as const;

/**
 * The aggregate routes (viewer and up): trends, cohorts, migration, recommendations, alerts and
 * data quality — each the same function the CLI command calls, suppressed alike.
 */
export function registerAggregateRoutes(
  app: FastifyInstance,
  engine: Engine,
  config: Config | undefined,
  threshold: number,
  need: Need,
): void {
  app.get<{ Params: { scheme: string }; Querystring: { kpi: string; period?: 'month' | 'week' | 'day' } }>(
    '/api/v1/schemes/:scheme/trend',
    {
      schema: {
        ...query({ kpi: { type: 'string', maxLength: 100 }, period: { enum: ['month', 'week', 'day'] } }),
      },
    },
    async (req, reply) => {
      if (!need(req, reply, 'aggregates')) return reply;
      const series = await trend(
        engine,
        req.query.kpi ?? 'customers',
        req.params.scheme,
        req.query.period ?? 'month',
        {
          minSegmentSize: threshold,
        },
      );
      return { kpi: req.query.kpi ?? 'customers', scheme: req.params.scheme, series };
    },
  );

  app.get<{ Querystring: { period?: 'month' | 'week'; metric?: 'retention' | 'revenue' } }>(
    '/api/v1/cohorts',
    { schema: query({ period: { enum: ['month', 'week'] }, metric: { enum: ['retention', 'revenue'] } }) },
    async (req, reply) => {
      if (!need(req, reply, 'aggregates')) return reply;
      const snap = await resolveSnapshot(engine);
      return cohorts(engine, {
        asOf: snap.as_of,
        period: req.query.period ?? 'month',
        metric: req.query.metric ?? 'retention',
        minSegmentSize: threshold,
      });
    },
  );

  app.get<{ Params: { scheme: string }; Querystring: { from?: number; to?: number } }>(
    '/api/v1/schemes/:scheme/migration',
    { schema: query({ from: int(1, 2 ** 31), to: int(1, 2 ** 31) }) },
    async (req, reply) => {
      if (!need(req, reply, 'aggregates')) return reply;
      return migrationMatrix(engine, {
        scheme: req.params.scheme,
        from: req.query.from,
        to: req.query.to,
        minSegmentSize: threshold,
      });
    },
  );

  app.get<{ Querystring: { scheme?: string; budget?: number } }>(
    '/api/v1/recommendations',
    { schema: query({ scheme: { type: 'string', maxLength: 200 }, budget: { type: 'number', minimum: 0 } }) },
    async (req, reply) => {
      if (!need(req, reply, 'aggregates')) return reply;
      if (req.query.scheme !== undefined) requireScheme(await resolveSnapshot(engine), req.query.scheme);
      return recommend(engine, config, {
        ...(req.query.scheme !== undefined ? { scheme: req.query.scheme } : {}),
        ...(req.query.budget !== undefined ? { budget: req.query.budget } : {}),
      });
    },
  );

  app.get<{ Querystring: { rule?: string; limit?: number } }>(
    '/api/v1/alerts',
    { schema: query({ rule: { type: 'string', maxLength: 200 }, limit: int(1, 1000) }) },
    async (req, reply) => {
      if (!need(req, reply, 'aggregates')) return reply;
      const alerts = await shownAlerts(engine, {
        ...(req.query.rule !== undefined ? { rule: req.query.rule } : {}),
        limit: req.query.limit ?? 100,
        threshold,
      });
      return { alerts };
    },
  );

  app.get<{ Params: { scheme: string; segment: string }; Querystring: { snapshot?: number } }>(
    '/api/v1/schemes/:scheme/segments/:segment',
    { schema: query({ snapshot: int(1, 2 ** 31) }) },
    async (req, reply) => {
      if (!need(req, reply, 'aggregates')) return reply;
      const snap = await resolveSnapshot(engine, req.query.snapshot);
      requireScheme(snap, req.params.scheme);
      const t = await shownSegmentTable(engine, snap, req.params.scheme, threshold);
      const row = t.segments.find((s) => s.segment === req.params.segment);
      if (!row)
        throw userError(
          'unknown_segment',
          `scheme '${req.params.scheme}' has no segment '${req.params.segment}'`,
          {
            hint: didYouMean(
              req.params.segment,
              t.segments.map((s) => s.segment),
            ),
          },
        );
      return {
        scheme: req.params.scheme,
        snapshot_id: snap.snapshot_id,
        as_of: snap.as_of,
        segment: row,
        base: t.base,
      };
    },
  );

  // The latest model fit and holdout validation (`segtrack fit`, `segtrack validate`), as stored.
  app.get('/api/v1/models', async (req, reply) => {
    if (!need(req, reply, 'aggregates')) return reply;
    const rows = await engine.query<{ kind: string; snapshot_id: number | null; report: string }>(
      `SELECT kind, snapshot_id, report FROM snapshot_models m WHERE created_at = ` +
        `(SELECT MAX(created_at) FROM snapshot_models x WHERE x.kind = m.kind) ORDER BY kind`,
    );
    const latest = (kind: string) => {
      const r = rows.find((x) => x.kind === kind);
      return r ? { snapshot_id: r.snapshot_id, ...(JSON.parse(r.report) as Record<string, unknown>) } : null;
    };
    return { fit: latest('fit'), validate: latest('validate') };
  });

  app.get('/api/v1/quality', async (req, reply) => {
    if (!need(req, reply, 'aggregates')) return reply;
    return runQuality(engine);
  });
}

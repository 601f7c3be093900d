/** The segment × KPI table, one segment's detail and profile, its members, and KPI trends. */
import { z } from 'zod';
import { userError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { recordAudit } from '../../privacy/audit.js';
import {
  membersFrom,
  requireScheme,
  resolveSnapshot,
  shownSegmentTable,
  trend,
} from '../../snapshot/read.js';
import { schemeSummaries } from '../../views/schemes.js';
import { segmentProfile } from '../../views/segment-profile.js';
import { route, type RouteSpec } from '../route.js';
import { Members, SegmentDetail, SegmentTable, Trend } from '../schemas/segments.js';
import { int, kpiList, name, SchemeParams, SegmentParams, snapshotId } from './params.js';

export const segmentRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/schemes/:scheme/segments',
    capability: 'aggregates',
    summary:
      "A scheme's segment × KPI table with intervals and flags (small segments suppressed), and the whole base.",
    params: SchemeParams,
    query: z.strictObject({
      snapshot: snapshotId.optional(),
      kpis: kpiList.optional(),
    }),
    response: SegmentTable,
    cache: true,
    handler: async ({ params, query, ctx }) => {
      const snap = await resolveSnapshot(ctx.engine, query.snapshot);
      requireScheme(snap, params.scheme);
      const t = await shownSegmentTable(ctx.engine, snap, params.scheme, ctx.threshold, query.kpis);
      return { scheme: params.scheme, snapshot_id: snap.snapshot_id, as_of: snap.as_of, ...t };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/schemes/:scheme/segments/:segment',
    capability: 'aggregates',
    summary:
      "One segment: its KPIs next to the whole base's, its rank, and its profile (feature means and category shares) against the base.",
    params: SegmentParams,
    query: z.strictObject({ snapshot: snapshotId.optional() }),
    response: SegmentDetail,
    cache: true,
    handler: async ({ params, query, ctx }) => {
      const snap = await resolveSnapshot(ctx.engine, query.snapshot);
      requireScheme(snap, params.scheme);
      const t = await shownSegmentTable(ctx.engine, snap, params.scheme, ctx.threshold);
      const row = t.segments.find((s) => s.segment === params.segment);
      if (!row)
        throw userError('unknown_segment', `scheme '${params.scheme}' has no segment '${params.segment}'`, {
          hint: didYouMean(
            params.segment,
            t.segments.map((s) => s.segment),
          ),
        });
      const bySize = t.segments
        .filter((s) => s.customers !== null)
        .sort((a, b) => b.customers! - a.customers! || a.segment.localeCompare(b.segment));
      const scheme = (await schemeSummaries(ctx.engine, snap)).find((s) => s.name === params.scheme);
      const empty = row.customers === 0;
      const profile = empty
        ? {
            available: false,
            reason: 'the segment has no members in this snapshot',
            numeric: [],
            categorical: [],
          }
        : await segmentProfile(
            ctx.engine,
            snap.snapshot_id,
            params.scheme,
            params.segment,
            ctx.threshold,
            new Set(t.segments.filter((s) => s.suppressed).map((s) => s.segment)),
          );
      return {
        scheme: params.scheme,
        scheme_type: scheme?.type ?? 'unknown',
        snapshot_id: snap.snapshot_id,
        as_of: snap.as_of,
        segment: row,
        base: t.base,
        rank: {
          by_customers:
            row.suppressed || empty ? null : bySize.findIndex((s) => s.segment === row.segment) + 1,
          segments: t.segments.length,
        },
        profile,
        min_segment_size: t.min_segment_size,
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/schemes/:scheme/segments/:segment/members',
    capability: 'members',
    summary: "A segment's members, a page at a time, by customer id (analysts and admins; audited).",
    params: SegmentParams,
    query: z.strictObject({
      snapshot: snapshotId.optional(),
      page: int(1, 1_000_000).optional(),
      page_size: int(1, 1000).optional(),
    }),
    response: Members,
    handler: async ({ params, query, caller, ctx }) => {
      const { engine } = ctx;
      const d = engine.dialect;
      const snap = await resolveSnapshot(engine, query.snapshot);
      requireScheme(snap, params.scheme);
      const known = await engine.query<{ n: number }>(
        `SELECT count(*) AS n FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2 AND segment = $3`,
        [snap.snapshot_id, params.scheme, params.segment],
      );
      if (Number(known[0]?.n ?? 0) === 0)
        throw userError('unknown_segment', `scheme '${params.scheme}' has no segment '${params.segment}'`, {
          hint: `the scheme's segments: GET /api/v1/schemes/${encodeURIComponent(params.scheme)}/segments`,
        });
      const size = query.page_size ?? 100;
      const page = query.page ?? 1;
      const from = membersFrom(d, snap.snapshot_id, params.scheme, params.segment);
      const rows = await engine.query<{ customer_id: string }>(
        `SELECT k.customer_id ${from} ORDER BY k.customer_id LIMIT ${d.literal(size)} OFFSET ${d.literal((page - 1) * size)}`,
      );
      const [total] = await engine.query<{ n: number }>(`SELECT count(*) AS n ${from}`);
      await recordAudit(
        engine,
        'members',
        `${params.scheme}/${params.segment}`,
        { snapshot_id: snap.snapshot_id, page, page_size: size, via: 'api' },
        caller.actor,
      );
      return {
        scheme: params.scheme,
        segment: params.segment,
        snapshot_id: snap.snapshot_id,
        page,
        page_size: size,
        total: Number(total?.n ?? 0),
        members: rows.map((r) => r.customer_id),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/schemes/:scheme/trend',
    capability: 'aggregates',
    summary: 'A KPI per segment of a scheme over the snapshots (the latest snapshot of each period).',
    params: SchemeParams,
    query: z.strictObject({ kpi: name.optional(), period: z.enum(['month', 'week', 'day']).optional() }),
    response: Trend,
    cache: true,
    handler: async ({ params, query, ctx }) => {
      const kpi = query.kpi ?? 'customers';
      const period = query.period ?? 'month';
      const series = await trend(ctx.engine, kpi, params.scheme, period, { minSegmentSize: ctx.threshold });
      return { kpi, scheme: params.scheme, period, series };
    },
  }),
];

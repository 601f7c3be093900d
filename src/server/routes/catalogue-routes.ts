/** Health, the caller, the KPI catalogue, snapshots, schemes and the overview. */
import { z } from 'zod';
import { kpiDefinitions } from '../../kpis/definitions.js';
import { listSnapshots, requireScheme, resolveSnapshot } from '../../snapshot/read.js';
import { overview } from '../../views/overview.js';
import { schemeSummaries } from '../../views/schemes.js';
import { allows } from '../roles.js';
import { route, type RouteSpec } from '../route.js';
import { Health, Kpis, Overview, Schemes, Snapshots, WhoAmI } from '../schemas/segments.js';
import { name, SnapshotQuery } from './params.js';

export const catalogueRoutes: RouteSpec[] = [
  route({
    method: 'GET',
    url: '/api/v1/health',
    capability: 'open',
    summary: 'Whether the server is up (no token needed).',
    response: Health,
    handler: () => ({ ok: true as const }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/whoami',
    capability: 'aggregates',
    summary: "The caller's role and what it may see, and the server's privacy threshold.",
    response: WhoAmI,
    handler: ({ caller, ctx }) => ({
      role: caller.role,
      actor: caller.actor,
      loopback: caller.loopback,
      can: {
        aggregates: allows(caller.role, 'aggregates'),
        members: allows(caller.role, 'members'),
        admin: allows(caller.role, 'admin'),
      },
      min_segment_size: ctx.threshold,
      currency: ctx.config?.currency ?? null,
    }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/kpis',
    capability: 'aggregates',
    summary: 'The KPI catalogue and custom KPIs: unit, direction, description, formula, interval method.',
    response: Kpis,
    cache: true,
    handler: ({ ctx }) => ({ kpis: kpiDefinitions(ctx.config) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/snapshots',
    capability: 'aggregates',
    summary: 'Every stored snapshot, oldest first.',
    response: Snapshots,
    cache: true,
    handler: async ({ ctx }) => ({ snapshots: await listSnapshots(ctx.engine) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/schemes',
    capability: 'aggregates',
    summary: "A snapshot's schemes with their type and segments (default: the latest snapshot).",
    query: SnapshotQuery,
    response: Schemes,
    cache: true,
    handler: async ({ query, ctx }) => {
      const snap = await resolveSnapshot(ctx.engine, query.snapshot);
      return {
        snapshot_id: snap.snapshot_id,
        as_of: snap.as_of,
        schemes: await schemeSummaries(ctx.engine, snap),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/overview',
    capability: 'aggregates',
    summary:
      "Headline KPIs of the whole base with their change since the previous snapshot and their series; a scheme's most valuable and slipping segments.",
    query: z.strictObject({ scheme: name.optional() }),
    response: Overview,
    cache: true,
    handler: async ({ query, ctx }) => {
      if (query.scheme !== undefined) requireScheme(await resolveSnapshot(ctx.engine), query.scheme);
      return overview(ctx.engine, ctx.config, ctx.threshold, { scheme: query.scheme });
    },
  }),
];

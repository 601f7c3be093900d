import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { UserError } from '../core/errors.js';
import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { CATALOGUE } from '../kpis/catalogue.js';
import { recordAudit } from '../privacy/audit.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import {
  listSnapshots,
  membersFrom,
  requireScheme,
  resolveSnapshot,
  shownSegmentTable,
} from '../snapshot/read.js';
import { registerAggregateRoutes } from './aggregate-routes.js';
import { registerOpenApi } from './openapi.js';
import { registerDashboard } from './static.js';
import { allows, type Capability, type Role } from './roles.js';
import { hasTokens, verifyToken } from './tokens.js';

/** Settings of {@link buildServer}. */
export interface ServerOptions {
  config?: Config | undefined;
  /** Log internal errors here (default: stderr). */
  log?: (message: string) => void;
  /** The built dashboard served at `/` (default: the package's web/dist). */
  dashboardDir?: string;
}

/** Who is calling, once authenticated. */
interface Caller {
  role: Role;
  /** `token:<id>`, or `loopback` when no token is configured. */
  actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** Headers every response carries (the dashboard is served by the same origin). */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

const isLoopback = (address: string | undefined): boolean =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/** A 4xx answer: `{error: {code, message, hint?}}`. */
function fail(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  hint?: string,
): FastifyReply {
  return reply.code(status).send({ error: { code, message, ...(hint ? { hint } : {}) } });
}

/**
 * The REST API under `/api/v1/` over one open workspace. Authentication: `Authorization: Bearer
 * <token>` (`segtrack token create`), checked in constant time; without any token configured only
 * loopback clients are accepted, as an admin. Each route names the capability it needs
 * (src/server/roles.ts): a viewer reaches aggregates only. Errors: a user error is a 4xx JSON
 * answer with its code and message; anything else is a generic 500, its detail only in the log.
 * Every aggregate is suppressed as the CLI suppresses it (`privacy.min_segment_size`).
 */
export async function buildServer(engine: Engine, o: ServerOptions = {}): Promise<FastifyInstance> {
  // Path parameters up to 2,000 characters reach the routes (and their clear errors).
  const app = Fastify({ logger: false, bodyLimit: 1_000_000, routerOptions: { maxParamLength: 2000 } });
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const threshold = minSegmentSizeOf(o.config);

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS))
      if (k !== 'cache-control' || !reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });

  app.addHook('onRequest', async (req, reply) => {
    // The dashboard's files carry no data (the page asks the API, with a token when one is needed).
    if (!req.url.startsWith('/api/') || req.url === '/api/v1/health' || req.url === '/api/v1/openapi.json')
      return;
    const header = req.headers.authorization;
    if (header === undefined) {
      if (!(await hasTokens(engine)) && isLoopback(req.socket.remoteAddress)) {
        req.caller = { role: 'admin', actor: 'loopback' };
        return;
      }
      return fail(
        reply,
        401,
        'unauthenticated',
        'this request needs a token',
        'send Authorization: Bearer <token> (create one with `segtrack token create --role viewer`)',
      );
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const found = m ? await verifyToken(engine, m[1]!) : null;
    if (!found)
      return fail(reply, 401, 'invalid_token', 'the token is not valid (unknown, revoked or malformed)');
    req.caller = { role: found.role, actor: `token:${found.token_id}` };
  });

  /** The capability check every route starts with. */
  const need = (req: FastifyRequest, reply: FastifyReply, capability: Capability): boolean => {
    const caller = req.caller;
    if (caller && allows(caller.role, capability)) return true;
    void fail(
      reply,
      403,
      'forbidden',
      `a ${caller?.role ?? 'anonymous'} token cannot do this (it needs the ${capability === 'members' ? 'analyst' : 'admin'} role)`,
    );
    return false;
  };

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof UserError) {
      const p = error.problems[0];
      return fail(reply, 400, error.code, p?.message ?? error.message, p?.hint);
    }
    const validation = (error as { validation?: unknown }).validation;
    if (validation !== undefined && error instanceof Error)
      return fail(reply, 400, 'invalid_request', error.message);
    log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: 'something went wrong on the server' } });
  });
  app.setNotFoundHandler((req, reply) =>
    fail(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
  );

  registerOpenApi(app, '0.1.0');
  app.get('/api/v1/health', () => ({ ok: true }));

  app.get('/api/v1/kpis', (req, reply) => {
    if (!need(req, reply, 'aggregates')) return reply;
    return {
      kpis: CATALOGUE.map((k) => ({
        name: k.name,
        unit: k.unit,
        direction: k.direction,
        description: k.description,
        formula: k.formula,
      })),
    };
  });

  app.get('/api/v1/snapshots', async (req, reply) => {
    if (!need(req, reply, 'aggregates')) return reply;
    return { snapshots: await listSnapshots(engine) };
  });

  const snapshotQuery = {
    type: 'object',
    properties: { snapshot: { type: 'integer', minimum: 1 } },
    additionalProperties: false,
  } as const;

  app.get<{ Params: { scheme: string }; Querystring: { snapshot?: number } }>(
    '/api/v1/schemes/:scheme/segments',
    {
      schema: {
        querystring: snapshotQuery,
        params: { type: 'object', properties: { scheme: { type: 'string', maxLength: 200 } } },
      },
    },
    async (req, reply) => {
      if (!need(req, reply, 'aggregates')) return reply;
      const snap = await resolveSnapshot(engine, req.query.snapshot);
      requireScheme(snap, req.params.scheme);
      const t = await shownSegmentTable(engine, snap, req.params.scheme, threshold);
      return { scheme: req.params.scheme, snapshot_id: snap.snapshot_id, as_of: snap.as_of, ...t };
    },
  );

  app.get<{
    Params: { scheme: string; segment: string };
    Querystring: { snapshot?: number; page?: number; page_size?: number };
  }>(
    '/api/v1/schemes/:scheme/segments/:segment/members',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            snapshot: { type: 'integer', minimum: 1 },
            page: { type: 'integer', minimum: 1, maximum: 1_000_000 },
            page_size: { type: 'integer', minimum: 1, maximum: 1000 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (!need(req, reply, 'members')) return reply;
      const snap = await resolveSnapshot(engine, req.query.snapshot);
      requireScheme(snap, req.params.scheme);
      const size = req.query.page_size ?? 100;
      const page = req.query.page ?? 1;
      const d = engine.dialect;
      const rows = await engine.query<{ customer_id: string }>(
        `SELECT k.customer_id ${membersFrom(d, snap.snapshot_id, req.params.scheme, req.params.segment)} ` +
          `ORDER BY k.customer_id LIMIT ${d.literal(size)} OFFSET ${d.literal((page - 1) * size)}`,
      );
      await recordAudit(
        engine,
        'members',
        `${req.params.scheme}/${req.params.segment}`,
        { snapshot_id: snap.snapshot_id, page, page_size: size, via: 'api' },
        req.caller!.actor,
      );
      return {
        snapshot_id: snap.snapshot_id,
        page,
        page_size: size,
        members: rows.map((r) => r.customer_id),
      };
    },
  );

  registerAggregateRoutes(app, engine, o.config, threshold, need);
  registerDashboard(app, o.dashboardDir);
  return app;
}

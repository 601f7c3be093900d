import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { UserError } from '../core/errors.js';
import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import { registerOpenApi } from './openapi.js';
import { fail, registerRoute, type RouteSpec, type ServerContext } from './route.js';
import { adminRoutes } from './routes/admin-routes.js';
import { analysisRoutes } from './routes/analysis-routes.js';
import { catalogueRoutes } from './routes/catalogue-routes.js';
import { segmentRoutes } from './routes/segment-routes.js';
import { trackingRoutes } from './routes/tracking-routes.js';
import { registerDashboard } from './static.js';
import { hasTokens, verifyToken } from './tokens.js';

/** Settings of {@link buildServer}. */
export interface ServerOptions {
  config?: Config | undefined;
  /** Log internal errors here (default: stderr). */
  log?: (message: string) => void;
  /** The built dashboard served at `/` (default: the package's web/dist). */
  dashboardDir?: string;
  /**
   * Answer with a 500 when a route's answer does not match its schema (tests turn it on;
   * otherwise a mismatch is only logged). Default: `SEGTRACK_STRICT_RESPONSES=1`.
   */
  strictResponses?: boolean;
  /** Cache the answers of immutable aggregate routes (default: on, unless `SEGTRACK_API_CACHE=0`). */
  caching?: boolean;
}

/** Every route of the API, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly RouteSpec[] = [
  ...catalogueRoutes,
  ...segmentRoutes,
  ...trackingRoutes,
  ...analysisRoutes,
  ...adminRoutes,
];

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

/** Whether a Host header names this machine's loopback (with any port). */
const isLoopbackHost = (host: string | undefined): boolean => {
  const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
};

const isLoopback = (address: string | undefined): boolean =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/** Paths anyone may fetch: health, the API's description, and the dashboard's files (they hold no data). */
const isOpen = (url: string): boolean =>
  !url.startsWith('/api/') || url === '/api/v1/health' || url === '/api/v1/openapi.json';

/**
 * The REST API under `/api/v1/` and the dashboard at `/`, over one open workspace.
 *
 * Authentication: `Authorization: Bearer <token>` (`segtrack token create`), checked in constant
 * time; without any token configured only loopback clients are accepted, as an admin. Each route
 * names the capability it needs (src/server/roles.ts): a viewer reaches aggregates only.
 * Errors: a user error is a 4xx JSON answer with its code and message; anything else is a
 * generic 500, its detail only in the log. Every aggregate is suppressed as the CLI suppresses it
 * (`privacy.min_segment_size`).
 *
 * Concurrency: every request goes through the one engine, which runs one statement at a time
 * (src/engine/engine.ts), so requests never see each other's half-done work.
 */
export async function buildServer(engine: Engine, o: ServerOptions = {}): Promise<FastifyInstance> {
  // Path parameters up to 2,000 characters reach the routes (and their clear errors).
  const app = Fastify({
    logger: false,
    bodyLimit: 10_000_000,
    routerOptions: { maxParamLength: 2000 },
    // The router refuses some URLs before any route or hook sees them (a %-escape that does not
    // decode): they get the same error shape and headers too. (A path parameter over the limit
    // finds no route, a 404 from the not-found handler; the 414 branch covers a router that
    // reports it instead.)
    frameworkErrors: (error, _req, reply) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
        void fail(reply, 414, 'invalid_request', 'a path parameter is longer than 2,000 characters');
      else if (error.code === 'FST_ERR_BAD_URL')
        void fail(
          reply,
          400,
          'invalid_request',
          'the URL is not valid: it holds a %-escape that does not decode',
          'encode each path parameter with encodeURIComponent',
        );
      else {
        ctx.log(`internal error: ${error.message}`);
        void fail(reply, 500, 'internal', 'something went wrong on the server');
      }
    },
    // Requests Node's HTTP parser refuses (a URL or headers over its 16 KB limit, bytes that are
    // not HTTP) are answered on the socket before Fastify sees them: the same shape and headers.
    clientErrorHandler: (error, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, code, message] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'request_too_large', 'the URL and headers of the request are larger than 16 KB']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'request_timeout', 'the request took too long to arrive']
            : [400, 'invalid_request', 'the request is not valid HTTP'];
      const body = JSON.stringify({ error: { code, message } });
      const headers = {
        ...SECURITY_HEADERS,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
            Object.entries(headers)
              .map(([k, v]) => `${k}: ${v}\r\n`)
              .join('') +
            `\r\n${body}`,
        );
      socket.destroy(error);
    },
  });
  const ctx: ServerContext = {
    engine,
    config: o.config,
    threshold: minSegmentSizeOf(o.config),
    log: o.log ?? ((m: string) => process.stderr.write(`${m}\n`)),
    cache: new Map(),
    generation: 0,
    invalidate() {
      this.cache.clear();
      this.generation++;
    },
    caching: o.caching ?? process.env['SEGTRACK_API_CACHE'] !== '0',
    strictResponses: o.strictResponses ?? process.env['SEGTRACK_STRICT_RESPONSES'] === '1',
  };

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS))
      if (k !== 'cache-control' || !reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });

  app.addHook('onRequest', async (req, reply) => {
    if (isOpen(req.url.split('?')[0] ?? '')) return;
    const header = req.headers.authorization;
    if (header === undefined) {
      // Loopback-only mode trusts the machine, not any page its browser opens: the Host must name
      // the loopback too, so a web page re-pointing its own name at 127.0.0.1 (DNS rebinding)
      // gets no answer.
      const local = !(await hasTokens(engine)) && isLoopback(req.socket.remoteAddress);
      if (local && isLoopbackHost(req.headers.host)) {
        req.caller = { role: 'admin', actor: 'loopback', loopback: true };
        return;
      }
      return fail(
        reply,
        401,
        'unauthenticated',
        'this request needs a token',
        local
          ? 'without tokens the server answers only requests addressed to 127.0.0.1 or localhost (open the dashboard at that address), or create a token with `segtrack token create --role viewer`'
          : 'send Authorization: Bearer <token> (create one with `segtrack token create --role viewer`)',
      );
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    // Checked against the workspace on every request, so a revoked token is refused at once.
    const found = m ? await verifyToken(engine, m[1]!) : null;
    if (!found)
      return fail(
        reply,
        401,
        'invalid_token',
        'the token is not valid (unknown, revoked or malformed)',
        'tokens look like st_<12 hex digits>_<43 characters>; an admin can list them with `segtrack token list`',
      );
    req.caller = { role: found.role, actor: `token:${found.token_id}`, loopback: false };
  });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof UserError) {
      const p = error.problems[0];
      return fail(reply, 400, error.code, p?.message ?? error.message, p?.hint);
    }
    // Fastify's own refusals of a request (malformed JSON, a body too large…) are the caller's to fix.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500 && error instanceof Error)
      return fail(reply, status, 'invalid_request', error.message);
    ctx.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: 'something went wrong on the server' } });
  });
  app.setNotFoundHandler((req, reply) =>
    fail(
      reply,
      404,
      'not_found',
      `no route ${req.method} ${req.url.split('?')[0]}`,
      'the routes are listed at /api/v1/openapi.json',
    ),
  );

  registerOpenApi(app, '0.1.0', API_ROUTES);
  for (const spec of API_ROUTES) registerRoute(app, ctx, spec);
  registerDashboard(app, o.dashboardDir);
  return app;
}

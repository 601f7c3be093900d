/**
 * One declarative shape for every API route: its method and path, the capability it needs, zod
 * schemas for its path parameters, query, body and answer, and its handler. {@link registerRoute}
 * turns a spec into a Fastify route that checks the caller's role first, validates the input
 * (a 400 naming the parameter otherwise), runs the handler and checks the answer against its
 * schema; the OpenAPI document (openapi.ts) and the role tests read the same specs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config/types.js';
import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { allows, type Capability, type Role } from './roles.js';
import { Nothing } from './schemas/common.js';

/** Who is calling, once authenticated. */
export interface Caller {
  role: Role;
  /** `token:<id>`, or `loopback` when no token is configured. */
  actor: string;
  loopback: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** What every handler can reach: the one open workspace and the server's settings. */
export interface ServerContext {
  engine: Engine;
  config: Config | undefined;
  /** `privacy.min_segment_size`, applied to every answer. */
  threshold: number;
  log: (message: string) => void;
  /**
   * Answers of cacheable routes, by role and URL. While the server runs it holds the workspace
   * (no other process can write to it), so they stay true until the server itself writes:
   * {@link ServerContext.invalidate} drops them then.
   */
  cache: Map<string, string>;
  /** Forgets every cached answer (after any write) and starts a new generation. */
  invalidate: () => void;
  /**
   * Bumped by every invalidation: an answer computed while a write ran (its generation changed
   * between start and end) is not cached, so a stale answer never outlives the write.
   */
  generation: number;
  /** Whether answers are cached at all (`SEGTRACK_API_CACHE=0` turns it off, to measure the uncached path). */
  caching: boolean;
  /** Answer with a 500 when an answer does not match its schema (tests); else only log it. */
  strictResponses: boolean;
}

/** A file answer (an activation export): sent as an attachment. */
export interface FileAnswer {
  type: string;
  filename: string;
  body: Buffer | string;
  /** Further headers (e.g. the export's counts). */
  headers?: Record<string, string>;
}

/** A handler's inputs, parsed. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  ctx: ServerContext;
}

type Schema = z.ZodType;

/** A route as declared. */
export interface RouteSpec<
  P extends Schema = Schema,
  Q extends Schema = Schema,
  B extends Schema = Schema,
  R extends Schema = Schema,
> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Fastify path, `:name` for parameters. */
  url: string;
  /** The least capability a caller needs; `open` for health and the OpenAPI document. */
  capability: Capability | 'open';
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The answer's schema (for a file answer: the schema of the JSON that describes it). */
  response: R;
  /** The handler answers with a file ({@link FileAnswer}) instead of JSON. */
  file?: boolean;
  /**
   * The answer depends only on the workspace's contents: cache it until the server next writes;
   * `daily`: it also depends on today's date (freshness checks), so only for the day (UTC).
   */
  cache?: boolean | 'daily';
  /** The route changes the workspace: every cached answer is dropped after it. */
  writes?: boolean;
  handler: (
    input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>,
  ) => z.input<R> | FileAnswer | Promise<z.input<R> | FileAnswer>;
}

/**
 * Declares a route with its types inferred from its schemas (an identity function for the
 * type checker).
 */
export function route<
  R extends Schema,
  P extends Schema = typeof Nothing,
  Q extends Schema = typeof Nothing,
  B extends Schema = typeof Nothing,
>(spec: RouteSpec<P, Q, B, R>): RouteSpec {
  return spec;
}

/** A 4xx answer: `{error: {code, message, hint?}}`. */
export function fail(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  hint?: string,
): FastifyReply {
  return reply.code(status).send({ error: { code, message, ...(hint ? { hint } : {}) } });
}

/** The least role that has a capability, for messages. */
const ROLE_OF: Record<Capability, Role> = { aggregates: 'viewer', members: 'analyst', admin: 'admin' };

/** Parses one part of the request; a 400 user error names each bad field. */
function parse(schema: Schema | undefined, value: unknown, part: string): unknown {
  const s = schema ?? Nothing;
  const r = s.safeParse(value ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const at = [part, ...i.path.map(String)].join('.');
    if (i.code === 'unrecognized_keys')
      return `${part}: unknown parameter ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    return `${at}: ${i.message}`;
  });
  throw userError('invalid_request', problems.join('; '), {
    hint: 'see /api/v1/openapi.json for the parameters of each route',
  });
}

/** Registers `spec` on `app`. */
export function registerRoute(app: FastifyInstance, ctx: ServerContext, spec: RouteSpec): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const caller = req.caller;
    if (spec.capability !== 'open') {
      if (!caller || !allows(caller.role, spec.capability))
        return fail(
          reply,
          403,
          'forbidden',
          `a ${caller?.role ?? 'anonymous'} token cannot do this: ${spec.method} ${spec.url} needs the ${ROLE_OF[spec.capability]} role`,
          'ask an admin for a token with that role (`segtrack token create --role …`)',
        );
    }
    // By role too: an answer may hold more for a higher role (data-quality examples, say); by
    // day for an answer that depends on today's date.
    const day = spec.cache === 'daily' ? ` ${new Date().toISOString().slice(0, 10)}` : '';
    const key =
      ctx.caching && spec.cache && spec.method === 'GET'
        ? `${caller?.role ?? '-'} ${req.url}${day}`
        : undefined;
    const hit = key !== undefined ? ctx.cache.get(key) : undefined;
    if (hit !== undefined) return reply.type('application/json; charset=utf-8').send(hit);
    const input = {
      params: parse(spec.params, req.params, 'path'),
      query: parse(spec.query, req.query, 'query'),
      body: parse(spec.body, req.body, 'body'),
      caller: caller ?? { role: 'viewer' as const, actor: 'anonymous', loopback: false },
      ctx,
    };
    const generation = ctx.generation;
    let answer: unknown;
    try {
      answer = await spec.handler(input);
    } finally {
      if (spec.writes) ctx.invalidate();
    }
    if (spec.file) {
      const f = answer as FileAnswer;
      for (const [k, v] of Object.entries(f.headers ?? {})) reply.header(k, v);
      return reply
        .type(f.type)
        .header('content-disposition', `attachment; filename="${f.filename.replace(/[^\w.-]/g, '_')}"`)
        .send(f.body);
    }
    // What the client receives is checked: the JSON text, parsed back (NaN and ±∞ become null).
    const text = JSON.stringify(answer);
    const checked = spec.response.safeParse(JSON.parse(text));
    if (!checked.success) {
      const detail = checked.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      ctx.log(`answer of ${spec.method} ${spec.url} does not match its schema: ${detail}`);
      if (ctx.strictResponses) throw new Error(`answer does not match its schema: ${detail}`);
    }
    if (key !== undefined && generation === ctx.generation) {
      if (ctx.cache.size >= 500) ctx.cache.delete(ctx.cache.keys().next().value!);
      ctx.cache.set(key, text);
    }
    return reply.type('application/json; charset=utf-8').send(text);
  };
  app.route({ method: spec.method, url: spec.url, handler });
}

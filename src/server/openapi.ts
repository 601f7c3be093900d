import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CAPABILITIES } from './roles.js';
import type { RouteSpec } from './route.js';
import { ErrorBody } from './schemas/common.js';

type Json = Record<string, unknown>;

/**
 * A zod schema as JSON Schema for the document. Answers may carry fields beyond those listed, so
 * `additionalProperties: false` is dropped from response schemas (kept for inputs, which refuse
 * unknown parameters).
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete s['$schema'];
  if (io === 'output') {
    const open = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(open);
      if (v === null || typeof v !== 'object') return v;
      const out: Json = {};
      for (const [k, x] of Object.entries(v))
        if (!(k === 'additionalProperties' && x === false)) out[k] = open(x);
      return out;
    };
    return open(s) as Json;
  }
  return s;
}

/** The properties of an object schema (its query parameters, say). */
function properties(schema: z.ZodType | undefined): { name: string; schema: Json; required: boolean }[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((s['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => ({ name, schema: p, required: required.has(name) }));
}

/** The OpenAPI 3.1 document of the routes. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const open = r.capability === 'open';
    const parameters = [
      ...[...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => {
        const p = properties(r.params).find((x) => x.name === m[1]);
        return { name: m[1], in: 'path', required: true, schema: p?.schema ?? { type: 'string' } };
      }),
      ...properties(r.query).map((p) => ({
        name: p.name,
        in: 'query',
        required: p.required,
        schema: p.schema,
      })),
    ];
    const ok = r.file
      ? {
          description: 'A file (the header X-Segtrack-Export carries the counts as JSON)',
          content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        }
      : { description: 'OK', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      ...(open
        ? { security: [] }
        : { 'x-segtrack-role': CAPABILITIES[r.capability as keyof typeof CAPABILITIES] }),
      parameters,
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
            },
          }
        : {}),
      responses: {
        200: ok,
        ...(open
          ? {}
          : {
              400: { $ref: '#/components/responses/Error' },
              401: { $ref: '#/components/responses/Error' },
              403: { $ref: '#/components/responses/Error' },
            }),
        500: { $ref: '#/components/responses/Error' },
      },
    };
  }
  (paths['/api/v1/openapi.json'] ??= {})['get'] = {
    summary: 'This document.',
    security: [],
    parameters: [],
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'segtrack',
      version,
      description:
        'Segments, KPIs and their history over one segtrack workspace. `x-segtrack-role` is the least role a route needs: viewer < analyst < admin.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: '`segtrack token create --role viewer|analyst|admin`',
        },
      },
      responses: {
        Error: {
          description:
            'An error: 4xx for a request the caller can fix, 500 otherwise (detail only in the server log)',
          content: { 'application/json': { schema: jsonSchema(ErrorBody, 'output') } },
        },
      },
    },
  };
}

/** Serves the document at `/api/v1/openapi.json` (built once). */
export function registerOpenApi(app: FastifyInstance, version: string, routes: readonly RouteSpec[]): void {
  let doc: string | undefined;
  app.get('/api/v1/openapi.json', (_req, reply) => {
    doc ??= JSON.stringify(openApiDocument(routes, version));
    return reply.type('application/json; charset=utf-8').send(doc);
  });
}

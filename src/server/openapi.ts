import type { FastifyInstance, RouteOptions } from 'fastify';

/** What the document says of one route, collected as the routes are registered. */
interface RouteEntry {
  method: string;
  url: string;
  query: Record<string, unknown>;
}

/**
 * Collects every route as it is registered (call before registering them) and serves the OpenAPI
 * 3.1 document describing them at `/api/v1/openapi.json`: paths, methods, path and query
 * parameters with their JSON-schema types, the bearer-token security scheme and the error shape.
 */
export function registerOpenApi(app: FastifyInstance, version: string): void {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/v1/') || route.method === 'HEAD') return;
    const qs = (route.schema?.querystring ?? {}) as { properties?: Record<string, unknown> };
    for (const method of [route.method].flat())
      routes.push({ method: String(method).toLowerCase(), url: route.url, query: qs.properties ?? {} });
  });
  app.get('/api/v1/openapi.json', () => openApiDocument(routes, version));
}

function openApiDocument(routes: RouteEntry[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const pathParams = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = Object.entries(r.query).map(([name, schema]) => ({ name, in: 'query', schema }));
    const open = r.url === '/api/v1/health' || r.url === '/api/v1/openapi.json';
    (paths[path] ??= {})[r.method] = {
      parameters: [...pathParams, ...queryParams],
      ...(open ? { security: [] } : {}),
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
        ...(open
          ? {}
          : {
              400: { $ref: '#/components/responses/Error' },
              401: { $ref: '#/components/responses/Error' },
              403: { $ref: '#/components/responses/Error' },
            }),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'segtrack', version },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: '`segtrack token create --role …`' },
      },
      responses: {
        Error: {
          description: 'A request the caller can fix',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: {
                      code: { type: 'string' },
                      message: { type: 'string' },
                      hint: { type: 'string' },
                    },
                    required: ['code', 'message'],
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The built dashboard (`npm run build:web` writes it to web/dist), from the package root. */
export function dashboardDir(): string {
  // src/server/static.ts and dist/src/server/static.js both sit below the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'web', 'dist');
}

/**
 * Serves the built dashboard at `/`: files under `dir` by their path, anything else that is not
 * an API path gets `index.html` (the dashboard routes in the browser). Paths are resolved inside
 * `dir` and anything escaping it is a 404. Without a build, `/` explains how to make one.
 */
export function registerDashboard(app: FastifyInstance, dir = dashboardDir()): void {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  app.get('/*', async (req, reply) => {
    const path = decodeURIComponent(req.url.split('?')[0] ?? '/');
    if (path.startsWith('/api/'))
      return reply.code(404).send({ error: { code: 'not_found', message: `no route GET ${path}` } });
    if (!existsSync(index))
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built: run `npm run build:web` in the segtrack folder, then reload.');
    const file = resolve(root, `.${path}`);
    const inside = file === root || file.startsWith(root + sep);
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : index;
    if (target === index && extname(path) !== '' && path !== '/index.html')
      return reply.code(404).send({ error: { code: 'not_found', message: `no file ${path}` } });
    const type = TYPES[extname(target)] ?? 'application/octet-stream';
    // Built assets carry a content hash in their names: cache them; never cache the page.
    if (target !== index && path.startsWith('/assets/'))
      reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.type(type).send(readFileSync(target));
  });
}

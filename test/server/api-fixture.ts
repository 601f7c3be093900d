/**
 * A small real workspace for the API tests (roles, routes, fuzz), and a real server over it.
 *
 * 600 generated customers; an `rfm` and a `kmeans` scheme; three snapshots (two month ends and a
 * run as of the latest order), so every route has something to answer: migration and
 * before/after need two snapshots, clusters a kmeans scheme, profiles the latest run's features.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildServer } from '../../src/server/app.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { generatedWorkspace } from '../helpers/generated-workspace.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

/** The earlier as-of dates (month ends); the last run is as of the latest order (2026-06-30). */
export const BACKFILL = { from: '2026-04-30', to: '2026-05-31' } as const;
export const KMEANS_SCHEME = 'clusters';

/** A built workspace, not yet open. */
export interface ApiWorkspace {
  tmp: TempDir;
  config: string;
  workspace: string;
}

/** Generates, ingests and runs as of each date; every step through the CLI, as a user would. */
export async function buildApiWorkspace(prefix: string): Promise<ApiWorkspace> {
  const tmp = makeTempDir(prefix);
  const { config, workspace } = await generatedWorkspace(tmp, {
    customers: 600,
    seed: 9,
    models: false,
    segments: [
      { name: 'rfm', type: 'rfm' },
      {
        name: KMEANS_SCHEME,
        type: 'kmeans',
        features: ['recency_days', 'orders_365d', 'revenue_365d', 'aov'],
        k: 'auto',
        k_range: [2, 4],
      },
    ],
    runs: [BACKFILL.from, BACKFILL.to, undefined],
  });
  return { tmp, config, workspace };
}

/** A real server on 127.0.0.1 (an ephemeral port) over the workspace, answers checked against their schemas. */
export interface RunningApi {
  engine: Engine;
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** What the server logged (internal errors, schema mismatches). */
  logged: string[];
  close(): Promise<void>;
}

export async function startApi(ws: ApiWorkspace): Promise<RunningApi> {
  const engine = await openWorkspace(ws.workspace, { mustExist: true });
  const logged: string[] = [];
  const app = await buildServer(engine, {
    config: await loadConfig(ws.config),
    log: (m) => logged.push(m),
    strictResponses: true,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return {
    engine,
    app,
    base,
    logged,
    close: async () => {
      await app.close();
      await engine.close();
    },
  };
}

/** What a request got back: status, headers, the body as text and, when it is JSON, parsed. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Sends a request to the running server. */
export async function send(
  api: Pick<RunningApi, 'base'>,
  method: string,
  path: string,
  o: { token?: string | undefined; authorization?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (o.authorization !== undefined) headers['authorization'] = o.authorization;
  else if (o.token !== undefined) headers['authorization'] = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${api.base}${path}`, {
    method,
    headers,
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The error of a 4xx/5xx answer, asserting its shape `{error: {code, message, hint?}}`. */
export function errorOf(a: Answer): { code: string; message: string; hint?: string } {
  const body = a.json as { error?: { code?: unknown; message?: unknown } } | undefined;
  expect(body, `a JSON error body, got ${a.text.slice(0, 300)}`).toBeTypeOf('object');
  expect(body!.error?.code, a.text.slice(0, 300)).toBeTypeOf('string');
  expect(body!.error?.message, a.text.slice(0, 300)).toBeTypeOf('string');
  return body!.error as { code: string; message: string; hint?: string };
}

/** Rounds every number to 10 significant digits (parallel sums may differ in the last digit). */
export function rounded(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Number(x.toPrecision(10)) : x)),
  ) as unknown;
}

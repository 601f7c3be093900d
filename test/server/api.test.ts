/**
 * The REST API on a real HTTP server (127.0.0.1, an ephemeral port) over a real workspace:
 * loopback-only without tokens, 401/403 by role (a viewer never reaches members), security
 * headers, the segment table equal to the CLI's, errors as 4xx JSON, hostile parameters harmless.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildServer } from '../../src/server/app.js';
import { createToken, revokeToken } from '../../src/server/tokens.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { generatedWorkspace } from '../helpers/generated-workspace.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-api-');
let config: string;
let engine: Engine;
let app: FastifyInstance;
let base: string;

/** What the API answers (only the fields the tests read). */
interface Body {
  ok?: boolean;
  snapshots: unknown[];
  segments: { segment: string; customers: number | null; suppressed: boolean }[];
  min_segment_size: number;
  members: string[];
  error: { code: string; message: string };
}

async function get(path: string, token?: string): Promise<{ status: number; body: Body; headers: Headers }> {
  const res = await fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, body: (await res.json()) as Body, headers: res.headers };
}

beforeAll(async () => {
  const built = await generatedWorkspace(tmp, {
    customers: 500,
    seed: 9,
    models: false,
    segments: [{ name: 'rfm', type: 'rfm' }],
    runs: [undefined],
  });
  config = built.config;
  const workspace = built.workspace;
  engine = await openWorkspace(workspace);
  app = await buildServer(engine, {
    config: await loadConfig(config),
    log: () => undefined,
    strictResponses: true,
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
  tmp.remove();
});

describe('the API', () => {
  it('answers loopback clients without a token while none exists, with security headers', async () => {
    const health = await get('/api/v1/health');
    expect(health.body).toEqual({ ok: true });
    const r = await get('/api/v1/snapshots');
    expect(r.status).toBe(200);
    expect(r.body.snapshots.length).toBe(1);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('serves the segment table the CLI shows, small segments suppressed alike', async () => {
    const api = await get('/api/v1/schemes/rfm/segments');
    const cli = jsonOf<{ segments: { segment: string; customers: number | null; suppressed: boolean }[] }>(
      await runCli(['segments', '--config', config, '--scheme', 'rfm', '--json']),
    );
    expect(api.status).toBe(200);
    const pick = (rows: { segment: string; customers: number | null; suppressed: boolean }[]) =>
      rows.map((s) => [s.segment, s.customers, s.suppressed]);
    expect(pick(api.body.segments)).toEqual(pick(cli.segments));
    expect(api.body.min_segment_size).toBe(10);
  });

  it('serves trends, cohorts, migration, recommendations, alerts and quality as the CLI computes them', async () => {
    const cohortsApi = await get('/api/v1/cohorts?metric=revenue');
    expect(cohortsApi.status).toBe(200);
    const cohortsCli = jsonOf<unknown>(
      await runCli(['cohorts', '--config', config, '--metric', 'revenue', '--json']),
    );
    // Equal up to the order DuckDB's parallel sums add in (a last-digit difference).
    const rounded = (v: unknown) =>
      JSON.parse(
        JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Number(x.toPrecision(10)) : x)),
      ) as unknown;
    expect(rounded(cohortsApi.body)).toEqual(rounded(cohortsCli));
    const trendApi = await get('/api/v1/schemes/rfm/trend?kpi=revenue');
    expect(trendApi.status).toBe(200);
    expect((trendApi.body as unknown as { series: unknown[] }).series.length).toBeGreaterThan(0);
    // One snapshot: there is nothing to migrate from, and the API says so as the CLI does.
    const migration = await get('/api/v1/schemes/rfm/migration');
    expect(migration.status).toBe(400);
    expect(migration.body.error.message.length).toBeGreaterThan(0);
    const rec = await get('/api/v1/recommendations?scheme=rfm&budget=1000');
    expect(rec.status).toBe(200);
    expect((rec.body as unknown as { recommendations: unknown[] }).recommendations.length).toBeGreaterThan(0);
    expect((await get('/api/v1/alerts')).status).toBe(200);
    expect((await get('/api/v1/quality')).status).toBe(200);
    expect((await get('/api/v1/cohorts?metric=nonsense')).status).toBe(400);
    const shown = (await get('/api/v1/schemes/rfm/segments')).body.segments.find((x) => !x.suppressed)!;
    const detail = await get(`/api/v1/schemes/rfm/segments/${encodeURIComponent(shown.segment)}`);
    expect(detail.status).toBe(200);
    const one = detail.body as unknown as {
      segment: { segment: string; customers: number };
      base: { customers: number };
    };
    expect(one.segment.customers).toBe(shown.customers);
    expect(one.base.customers).toBeGreaterThanOrEqual(shown.customers!);
    const typo = await get('/api/v1/schemes/rfm/segments/Champion');
    expect(typo.status).toBe(400);
    expect(typo.body.error.code).toBe('unknown_segment');
    const models = await get('/api/v1/models');
    expect(models.status).toBe(200);
    expect(models.body as unknown).toEqual({ fit: null, validate: null, min_segment_size: 10 });
  });

  it('describes every route in its OpenAPI document', async () => {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters: { name: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/api/v1/snapshots',
      '/api/v1/schemes/{scheme}/segments',
      '/api/v1/schemes/{scheme}/segments/{segment}/members',
      '/api/v1/cohorts',
      '/api/v1/recommendations',
    ])
      expect(Object.keys(doc.paths), p).toContain(p);
    const members = doc.paths['/api/v1/schemes/{scheme}/segments/{segment}/members']!['get']!;
    expect(members.parameters.map((x) => x.name)).toEqual([
      'scheme',
      'segment',
      'snapshot',
      'page',
      'page_size',
    ]);
  });

  it('requires a token once tokens exist, and keeps viewers away from members', async () => {
    const viewer = await createToken(engine, 'viewer');
    const analyst = await createToken(engine, 'analyst');
    expect((await get('/api/v1/snapshots')).status).toBe(401);
    expect((await get('/api/v1/snapshots')).body.error.code).toBe('unauthenticated');
    expect((await get('/api/v1/snapshots', 'st_nonsense')).status).toBe(401);
    expect((await get('/api/v1/schemes/rfm/segments', viewer.token)).status).toBe(200);
    const members = '/api/v1/schemes/rfm/segments/Champions/members?page_size=5';
    const denied = await get(members, viewer.token);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/viewer token cannot/);
    expect(JSON.stringify(denied.body)).not.toMatch(/C\d{4,}/);
    const allowed = await get(members, analyst.token);
    expect(allowed.status).toBe(200);
    expect(allowed.body.members.length).toBe(5);
    const [audit] = await engine.query(
      `SELECT actor, action FROM audit_log WHERE action = 'members' ORDER BY entry_id DESC LIMIT 1`,
    );
    expect(audit).toEqual({ actor: `token:${analyst.token_id}`, action: 'members' });
    await revokeToken(engine, analyst.token_id);
    expect((await get(members, analyst.token)).status).toBe(401);
  });

  it('answers bad requests with 4xx JSON, and hostile parameters change nothing', async () => {
    const admin = await createToken(engine, 'admin');
    const unknown = await get('/api/v1/schemes/rfn/segments', admin.token);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_scheme');
    const badPage = await get('/api/v1/schemes/rfm/segments/Champions/members?page=abc', admin.token);
    expect(badPage.status).toBe(400);
    expect(badPage.body.error.code).toBe('invalid_request');
    expect((await get('/api/v1/nothing', admin.token)).status).toBe(404);
    for (const hostile of ["'; DROP TABLE snapshots; --", '../../etc/passwd', '%00', 'x'.repeat(1500)]) {
      const r = await get(`/api/v1/schemes/${encodeURIComponent(hostile)}/segments`, admin.token);
      expect([400, 404]).toContain(r.status);
      expect(r.body.error.code).toBeTruthy();
      const m = await get(`/api/v1/schemes/rfm/segments/${encodeURIComponent(hostile)}/members`, admin.token);
      // A name longer than any scheme or segment may have is refused; another is an unknown segment.
      expect(m.status).toBe(400);
      expect(m.body.error.code).toBe(hostile.length > 200 ? 'invalid_request' : 'unknown_segment');
    }
    expect((await get('/api/v1/snapshots', admin.token)).body.snapshots.length).toBe(1);
  });
});

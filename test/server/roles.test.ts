/**
 * The role matrix of the REST API, driven by `API_ROUTES` itself: every route × {no token,
 * malformed tokens, a revoked token, viewer, analyst, admin} on a real server over a real
 * workspace, with a valid request each time. Open routes answer everyone; otherwise a missing
 * token is 401 `unauthenticated`, a bad or revoked one 401 `invalid_token`, a role too low 403
 * `forbidden` naming the role needed, and an allowed role the route's answer. A denied request
 * writes nothing and its body names no customer; a viewer never gets member-level data. Before
 * any token exists, only loopback clients are served. A route added to `API_ROUTES` without a
 * sample input here fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../src/server/app.js';
import type { RouteSpec } from '../../src/server/route.js';
import { createToken, revokeToken } from '../../src/server/tokens.js';
import {
  BACKFILL,
  buildApiWorkspace,
  errorOf,
  KMEANS_SCHEME,
  send,
  startApi,
  type Answer,
  type ApiWorkspace,
  type RunningApi,
} from './api-fixture.js';

type Role = 'viewer' | 'analyst' | 'admin';
type Capability = RouteSpec['capability'];

/**
 * Who may use each capability, written out from the issue rather than read from roles.ts: a
 * viewer sees aggregates only; an analyst also members, exports and comparisons; an admin also
 * tokens and erasure.
 */
const MAY: Record<Capability, readonly Role[]> = {
  open: ['viewer', 'analyst', 'admin'],
  aggregates: ['viewer', 'analyst', 'admin'],
  members: ['analyst', 'admin'],
  admin: ['admin'],
};
/** The least role of a capability, which a 403 must name. */
const NEEDED: Record<Exclude<Capability, 'open'>, Role> = {
  aggregates: 'viewer',
  members: 'analyst',
  admin: 'admin',
};

/** What a sample request needs from the workspace. */
interface Fixture {
  /** A segment of `rfm` shown in the latest snapshot (not suppressed), the largest. */
  segment: string;
  /** Another shown `rfm` segment, for comparisons. */
  other: string;
  /** A fresh token nobody uses, safe to revoke. */
  throwaway: () => Promise<string>;
}

/** A valid request to one route. */
interface Sample {
  /** Values of the route's path parameters, by name. */
  params?: (f: Fixture) => Promise<Record<string, string>> | Record<string, string>;
  /** The query string, with its `?`. */
  query?: string;
  body?: (f: Fixture) => unknown;
}

const RFM = 'rfm';
/** An id no customer has: erasing it is harmless (`not_found: 1`). */
const NOBODY = 'NOT-A-CUSTOMER-0000';

/** One valid request per route, keyed `METHOD url` exactly as in API_ROUTES. */
const SAMPLES: Record<string, Sample> = {
  'GET /api/v1/health': {},
  'GET /api/v1/whoami': {},
  'GET /api/v1/kpis': {},
  'GET /api/v1/snapshots': {},
  'GET /api/v1/schemes': { query: '?snapshot=2' },
  'GET /api/v1/overview': { query: `?scheme=${RFM}` },
  'GET /api/v1/schemes/:scheme/segments': {
    params: () => ({ scheme: RFM }),
    query: '?kpis=customers,revenue',
  },
  'GET /api/v1/schemes/:scheme/segments/:segment': { params: (f) => ({ scheme: RFM, segment: f.segment }) },
  'GET /api/v1/schemes/:scheme/segments/:segment/members': {
    params: (f) => ({ scheme: RFM, segment: f.segment }),
    query: '?page=1&page_size=5',
  },
  'GET /api/v1/schemes/:scheme/trend': {
    params: () => ({ scheme: RFM }),
    query: '?kpi=revenue&period=month',
  },
  'GET /api/v1/cohorts': { query: '?metric=revenue&period=month' },
  'GET /api/v1/schemes/:scheme/migration': { params: () => ({ scheme: RFM }), query: '?from=1&to=3' },
  'GET /api/v1/schemes/:scheme/before-after': {
    params: () => ({ scheme: RFM }),
    query: `?before=${BACKFILL.from}`,
  },
  'POST /api/v1/compare': {
    body: (f) => ({
      treated: { scheme: RFM, segment: f.segment },
      control: { scheme: RFM, segment: f.other },
      start: BACKFILL.to,
    }),
  },
  'GET /api/v1/models': {},
  'GET /api/v1/schemes/:scheme/clusters': { params: () => ({ scheme: KMEANS_SCHEME }) },
  'GET /api/v1/recommendations': { query: `?scheme=${RFM}&budget=1000` },
  'GET /api/v1/economics': { query: `?by=segment&scheme=${RFM}` },
  'GET /api/v1/quality': {},
  'GET /api/v1/alerts': { query: '?limit=10' },
  'POST /api/v1/schemes/:scheme/segments/:segment/export': {
    params: (f) => ({ scheme: RFM, segment: f.segment }),
    body: () => ({ format: 'csv', holdout: 0.1, seed: 3 }),
  },
  'GET /api/v1/tokens': {},
  'POST /api/v1/tokens': { body: () => ({ role: 'viewer', label: 'made by the role matrix' }) },
  'DELETE /api/v1/tokens/:token_id': { params: async (f) => ({ token_id: await f.throwaway() }) },
  'POST /api/v1/forget': { body: () => ({ customers: [NOBODY] }) },
  'GET /api/v1/audit': { query: '?limit=5' },
};

const keyOf = (r: RouteSpec) => `${r.method} ${r.url}`;
const pathNames = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);

/** The path and body of a route's sample request. */
async function requestOf(route: RouteSpec, f: Fixture): Promise<{ path: string; body?: unknown }> {
  const sample = SAMPLES[keyOf(route)];
  if (sample === undefined) throw new Error(`no sample input for ${keyOf(route)}: add one to SAMPLES`);
  const params = (await sample.params?.(f)) ?? {};
  expect(Object.keys(params).sort(), `path parameters of ${keyOf(route)}`).toEqual(
    pathNames(route.url).sort(),
  );
  const path = route.url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(params[name]!));
  const body = sample.body?.(f);
  return { path: path + (sample.query ?? ''), ...(body !== undefined ? { body } : {}) };
}

const ws: { w?: ApiWorkspace; api?: RunningApi } = {};
const api = () => ws.api!;
let customerIds: string[] = [];
let fixture: Fixture;

/** The first customer id a text holds, if any. */
const customerIdIn = (text: string) => customerIds.find((id) => text.includes(id));

/** Counts of everything a request could write: a denied request must leave them all unchanged. */
async function footprint(): Promise<Record<string, number>> {
  const [row] = await api().engine.query(
    `SELECT (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM api_tokens) AS tokens,
            (SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL) AS revoked,
            (SELECT count(*) FROM exports) AS exports, (SELECT count(*) FROM snapshots) AS snapshots,
            (SELECT count(*) FROM customer_keys WHERE customer_id IS NOT NULL) AS customers`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

/** Checks an allowed answer: the route's success, JSON unless the route answers with a file. */
function expectAllowed(route: RouteSpec, who: string, a: Answer): void {
  expect(a.status, `${who} → ${keyOf(route)}: ${a.text.slice(0, 400)}`).toBe(200);
  if (route.file) {
    expect(a.headers.get('content-disposition'), keyOf(route)).toMatch(/^attachment; filename="/);
    expect(JSON.parse(a.headers.get('x-segtrack-export') ?? 'null'), keyOf(route)).toMatchObject({
      exported: expect.any(Number) as number,
    });
  } else {
    expect(a.headers.get('content-type'), keyOf(route)).toMatch(/^application\/json/);
    expect(a.json, keyOf(route)).toBeTypeOf('object');
    expect((a.json as { error?: unknown }).error, keyOf(route)).toBeUndefined();
  }
}

/** Checks a refusal: its status and code, nothing but the error in the body, no customer named. */
function expectDenied(route: RouteSpec, who: string, a: Answer, status: 401 | 403, codes: string[]) {
  const what = `${who} → ${keyOf(route)}`;
  expect(a.status, `${what}: ${a.text.slice(0, 400)}`).toBe(status);
  const e = errorOf(a);
  expect(codes, what).toContain(e.code);
  expect(e.message.length, what).toBeGreaterThan(10);
  expect(Object.keys(a.json as object), `${what}: the body holds the error only`).toEqual(['error']);
  expect(customerIdIn(a.text), `${what}: a refusal names no customer`).toBeUndefined();
  expect(a.headers.get('content-disposition'), what).toBeNull();
  expect(a.headers.get('x-segtrack-export'), what).toBeNull();
  return e;
}

beforeAll(async () => {
  ws.w = await buildApiWorkspace('segtrack-roles-');
  ws.api = await startApi(ws.w);
  customerIds = (
    await api().engine.query<{ customer_id: string }>(
      `SELECT customer_id FROM customer_keys WHERE customer_id IS NOT NULL ORDER BY customer_id`,
    )
  ).map((r) => r.customer_id);
  expect(customerIds.length).toBe(600);
  const table = await send(api(), 'GET', `/api/v1/schemes/${RFM}/segments`);
  expect(table.status).toBe(200);
  const shown = (table.json as { segments: { segment: string; customers: number | null }[] }).segments
    .filter((s) => s.customers !== null && s.customers >= 20)
    .sort((a, b) => b.customers! - a.customers!);
  expect(shown.length).toBeGreaterThanOrEqual(2);
  fixture = {
    segment: shown[0]!.segment,
    other: shown[1]!.segment,
    throwaway: async () => (await createToken(api().engine, 'viewer', 'throwaway')).token_id,
  };
});
afterAll(async () => {
  await ws.api?.close();
  ws.w?.tmp.remove();
});

describe('the sample table', () => {
  it('has a valid request for every route in API_ROUTES, and none for a route that is gone', () => {
    const routes = API_ROUTES.map(keyOf);
    expect(
      routes.filter((k) => SAMPLES[k] === undefined),
      'routes without a sample input',
    ).toEqual([]);
    expect(
      Object.keys(SAMPLES).filter((k) => !routes.includes(k)),
      'samples of no route',
    ).toEqual([]);
    expect(new Set(routes).size).toBe(routes.length);
  });
});

describe('loopback-only mode (no token exists yet)', () => {
  it('refuses every non-open route to a client that is not on loopback, and writes nothing', async () => {
    const before = await footprint();
    expect(before['tokens']).toBe(0);
    for (const route of API_ROUTES) {
      const { path, body } = await requestOf(route, {
        ...fixture,
        throwaway: () => Promise.resolve('0'.repeat(12)),
      });
      for (const remoteAddress of ['10.0.0.5', '::ffff:10.0.0.5', '192.168.1.20']) {
        const res = await api().app.inject({
          method: route.method,
          url: path,
          remoteAddress,
          ...(body !== undefined ? { payload: body as object } : {}),
        });
        const a: Answer = {
          status: res.statusCode,
          headers: new Headers(res.headers as Record<string, string>),
          text: res.body,
          json: JSON.parse(res.body) as unknown,
        };
        if (route.capability === 'open') expectAllowed(route, remoteAddress, a);
        else expectDenied(route, `${remoteAddress} without a token`, a, 401, ['unauthenticated']);
      }
    }
    expect(await footprint()).toEqual(before);
  });

  it('serves a loopback client every route as an admin', async () => {
    // IPv6 loopback forms are loopback too.
    for (const remoteAddress of ['::1', '::ffff:127.0.0.1']) {
      const res = await api().app.inject({ method: 'GET', url: '/api/v1/snapshots', remoteAddress });
      expect(res.statusCode, remoteAddress).toBe(200);
    }
    // Creating a token ends loopback-only mode, so that route goes last; a token id nobody has
    // stands in for one to revoke (the answer says so: the caller got past the role check).
    const last = (r: RouteSpec) => (keyOf(r) === 'POST /api/v1/tokens' ? 1 : 0);
    const routes = [...API_ROUTES].sort((a, b) => last(a) - last(b));
    expect(keyOf(routes[routes.length - 1]!)).toBe('POST /api/v1/tokens');
    for (const route of routes) {
      const { path, body } = await requestOf(route, {
        ...fixture,
        throwaway: () => Promise.resolve('0'.repeat(12)),
      });
      const a = await send(api(), route.method, path, { body });
      if (route.url === '/api/v1/tokens/:token_id') {
        expect(a.status, a.text).toBe(400);
        expect(errorOf(a).code).toBe('unknown_token');
      } else expectAllowed(route, 'loopback', a);
      if (route.url === '/api/v1/whoami')
        expect(a.json).toMatchObject({ role: 'admin', actor: 'loopback', loopback: true });
    }
    // The token the last route created ends the mode: loopback clients now need a token too.
    const after = await send(api(), 'GET', '/api/v1/snapshots');
    expect(after.status).toBe(401);
    expect(errorOf(after).code).toBe('unauthenticated');
    const [created] = await api().engine.query<{ token_id: string }>(`SELECT token_id FROM api_tokens`);
    await revokeToken(api().engine, created!.token_id);
  });
});

describe('the role matrix', () => {
  const tokens = {} as Record<Role | 'revoked', string>;
  const malformed: { what: string; authorization: string }[] = [];

  beforeAll(async () => {
    for (const role of ['viewer', 'analyst', 'admin'] as const)
      tokens[role] = (await createToken(api().engine, role, `matrix ${role}`)).token;
    const revoked = await createToken(api().engine, 'admin', 'revoked');
    await revokeToken(api().engine, revoked.token_id);
    tokens.revoked = revoked.token;
    const admin = tokens.admin;
    const lastChar = admin.slice(-1) === 'A' ? 'B' : 'A';
    malformed.push(
      { what: 'garbage', authorization: 'Bearer st_nonsense' },
      { what: 'an empty bearer', authorization: 'Bearer ' },
      { what: 'another scheme', authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      { what: 'a token without its scheme', authorization: admin },
      { what: 'an admin token one character off', authorization: `Bearer ${admin.slice(0, -1)}${lastChar}` },
      {
        what: 'a well-formed unknown token',
        authorization: `Bearer st_${'0'.repeat(12)}_${'A'.repeat(43)}`,
      },
      { what: 'SQL in the token', authorization: "Bearer st_'; DROP TABLE api_tokens; --" },
    );
  });

  for (const route of API_ROUTES) {
    it(`${keyOf(route)} (${route.capability})`, async () => {
      const open = route.capability === 'open';
      // One request for every caller (for DELETE /tokens: one throwaway token, revoked only by the admin).
      const req = await requestOf(route, fixture);
      const call = (o: { token?: string; authorization?: string }) =>
        send(api(), route.method, req.path, { ...o, body: req.body });
      const before = await footprint();

      // Without a token, and with tokens that are not valid: 401 unless the route is open.
      const none = await call({});
      if (open) expectAllowed(route, 'no token', none);
      else expectDenied(route, 'no token', none, 401, ['unauthenticated']);
      const invalid = [
        ...malformed,
        { what: 'a revoked admin token', authorization: `Bearer ${tokens.revoked}` },
      ];
      for (const m of invalid) {
        const a = await call({ authorization: m.authorization });
        if (open) expectAllowed(route, m.what, a);
        else expectDenied(route, m.what, a, 401, ['invalid_token']);
      }

      // Each role, least first: 403 naming the role needed until the role may; then the answer.
      const answers = {} as Record<Role, Answer>;
      let refusalsChecked = false;
      const refusalsWroteNothing = async () => {
        if (refusalsChecked) return;
        refusalsChecked = true;
        expect(await footprint(), `refused requests to ${keyOf(route)} wrote nothing`).toEqual(before);
        if (route.method === 'DELETE') {
          const id = /\/tokens\/([0-9a-f]{12})$/.exec(req.path)![1]!;
          const [row] = await api().engine.query(`SELECT revoked_at FROM api_tokens WHERE token_id = $1`, [
            id,
          ]);
          expect(row?.['revoked_at'], `token ${id} survived the refused revocations`).toBeNull();
        }
      };
      for (const role of ['viewer', 'analyst', 'admin'] as const) {
        if (MAY[route.capability].includes(role)) {
          await refusalsWroteNothing();
          answers[role] = await call({ token: tokens[role] });
          expectAllowed(route, role, answers[role]);
          continue;
        }
        answers[role] = await call({ token: tokens[role] });
        const e = expectDenied(route, role, answers[role], 403, ['forbidden']);
        const needed = NEEDED[route.capability as Exclude<Capability, 'open'>];
        expect(e.message, `the 403 of ${keyOf(route)} names the role needed`).toContain(
          `needs the ${needed} role`,
        );
        expect(e.message).toContain(`a ${role} token`);
        expect(e.hint).toMatch(/token create --role/);
      }
      await refusalsWroteNothing();

      // Whatever a viewer may reach names no customer: were a member-level route declared for
      // viewers by mistake, this fails even though the route's capability says it is allowed.
      if (MAY[route.capability].includes('viewer'))
        expect(
          customerIdIn(answers.viewer.text),
          `a viewer's answer of ${keyOf(route)} names a customer`,
        ).toBeUndefined();
      // A viewer never gets member-level data, which an analyst does get from the same request.
      if (route.capability === 'members') {
        expect(answers.viewer.status).toBe(403);
        expect(answers.viewer.json).toEqual({ error: expect.any(Object) as object });
        if (route.url.endsWith('/members') || route.file)
          expect(
            customerIdIn(answers.analyst.text),
            `the analyst's answer of ${keyOf(route)} names customers (so the check above can fail)`,
          ).toBeDefined();
      }
      // The admin's revocation took: the throwaway token is refused from now on.
      if (route.method === 'DELETE') {
        const id = /\/tokens\/([0-9a-f]{12})$/.exec(req.path)![1]!;
        const [row] = await api().engine.query(`SELECT revoked_at FROM api_tokens WHERE token_id = $1`, [id]);
        expect(row?.['revoked_at']).not.toBeNull();
      }
      expect(api().logged, 'nothing went wrong on the server').toEqual([]);
    });
  }

  it('refuses a token the moment it is revoked, on every non-open route', async () => {
    const t = await createToken(api().engine, 'admin', 'revoked mid-way');
    const whoami = await send(api(), 'GET', '/api/v1/whoami', { token: t.token });
    expect(whoami.json).toMatchObject({ role: 'admin', actor: `token:${t.token_id}`, loopback: false });
    const revoke = await send(api(), 'DELETE', `/api/v1/tokens/${t.token_id}`, { token: t.token });
    expect(revoke.status, revoke.text).toBe(200);
    for (const route of API_ROUTES.filter((r) => r.capability !== 'open')) {
      const req = await requestOf(route, fixture);
      const a = await send(api(), route.method, req.path, { token: t.token, body: req.body });
      expectDenied(route, 'a just-revoked token', a, 401, ['invalid_token']);
    }
  });
});

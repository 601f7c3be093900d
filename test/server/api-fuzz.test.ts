/**
 * Fuzzing every GET route of the API (fast-check) on a real server: random path parameters and
 * query strings — random text and numbers, unknown keys, very long values, unicode, `%00` and
 * broken %-escapes, SQL-ish text — sent with a random role's token. The server answers 200 or a
 * 4xx JSON `{error: {code, message}}` with its security headers, never a 500, keeps running, and
 * the workspace keeps its snapshots.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_ROUTES } from '../../src/server/app.js';
import type { RouteSpec } from '../../src/server/route.js';
import { createToken } from '../../src/server/tokens.js';
import {
  buildApiWorkspace,
  KMEANS_SCHEME,
  send,
  startApi,
  type Answer,
  type ApiWorkspace,
  type RunningApi,
} from './api-fixture.js';

const ROLES = ['viewer', 'analyst', 'admin'] as const;
/** Runs per route: 21 GET routes × this stays well under a minute on 2 busy cores. */
const RUNS = 25;

let ws: ApiWorkspace;
let api: RunningApi;
const tokens = {} as Record<(typeof ROLES)[number], string>;
let snapshots = 0;

const HOSTILE = [
  "'; DROP TABLE snapshots; --",
  "rfm' OR '1'='1",
  '1; DELETE FROM snapshot_members',
  '%00',
  '\u0000',
  '../../etc/passwd',
  '..\\..\\windows',
  '<script>alert(1)</script>',
  '${jndi:x}',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x1F',
  '',
  ' ',
  '\t\r\n',
  'rfm',
  KMEANS_SCHEME,
  'Champions',
  "Can't Lose Them",
  '1',
  '2',
  '3',
  '0',
  '-1',
  '2147483648',
  '99999999999999999999',
  '2026-05-31',
  '2026-04-30',
  '9999-99-99',
  '0000-00-00',
  'customers',
  'revenue',
  'segment',
  'month',
  'week',
  'revenue,customers,,nope',
  'Ω≈ç√∫˜µ≤≥÷',
  '🧪👩‍👩‍👧',
  '\u202Eevil',
] as const;

/** A value as a user might type it, or an attacker. */
const value: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.integer({ min: 150, max: 2500 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 50, max: 500 }).map((n) => 'é🧪'.repeat(n)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
    )
    .map(
      ([y, m, d]) =>
        `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    ),
);

/** Text put into a URL as it is, not %-encoded: raw escapes, some of them broken. */
const RAW = [
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%2F',
  '%2e%2e',
  '..',
  '%25',
  '%u0041',
  '+',
  '&',
  '=',
] as const;

/** A path parameter: encoded text, or raw escapes. */
const pathPart: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: value.map((v) => encodeURIComponent(v)) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW) },
  {
    weight: 1,
    arbitrary: fc.tuple(value, fc.constantFrom(...RAW)).map(([v, r]) => encodeURIComponent(v) + r),
  },
);

/** The query parameters a route declares. */
function knownKeys(route: RouteSpec): string[] {
  return route.query instanceof z.ZodObject ? Object.keys(route.query.shape) : [];
}

/** A query string: known and unknown keys with random values, sometimes raw fragments. */
function queryOf(route: RouteSpec): fc.Arbitrary<string> {
  const known = knownKeys(route);
  const key = fc.oneof(
    ...(known.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []),
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[b]', 'snapshot[]', 'x'.repeat(300)),
    },
  );
  const pair = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.tuple(key, value).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(key, fc.constantFrom(...RAW)).map(([k, r]) => `${encodeURIComponent(k)}=${r}`),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW, 'a[]=1&a[]=2', 'snapshot=1&snapshot=2', '&&', '==') },
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''));
}

/** What every answer must be: 200 JSON, or a 4xx JSON error; with the security headers. */
function expectWellFormed(a: Answer, what: string): void {
  expect(a.status, `${what}: ${a.text.slice(0, 300)}`).not.toBeGreaterThanOrEqual(500);
  expect(a.status === 200 || (a.status >= 400 && a.status < 500), `${what}: status ${a.status}`).toBe(true);
  expect(a.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(a.headers.get('x-content-type-options'), `${what}: security headers`).toBe('nosniff');
  expect(a.json, `${what}: ${a.text.slice(0, 300)}`).toBeTypeOf('object');
  if (a.status === 200) return;
  const body = a.json as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body), `${what}: ${a.text.slice(0, 300)}`).toEqual(['error']);
  expect(body.error?.code, `${what}: ${a.text.slice(0, 300)}`).toBeTypeOf('string');
  expect(body.error?.message, `${what}: ${a.text.slice(0, 300)}`).toBeTypeOf('string');
}

async function snapshotCount(): Promise<number> {
  const [r] = await api.engine.query(`SELECT count(*) AS n FROM snapshots`);
  return Number(r!['n']);
}

beforeAll(async () => {
  ws = await buildApiWorkspace('segtrack-api-fuzz-');
  api = await startApi(ws);
  for (const role of ROLES) tokens[role] = (await createToken(api.engine, role)).token;
  snapshots = await snapshotCount();
  expect(snapshots).toBe(3);
});
afterAll(async () => {
  await api?.close();
  ws?.tmp.remove();
});

const GETS = API_ROUTES.filter((r) => r.method === 'GET');

describe('fuzzing every GET route', () => {
  it('covers the GET routes of API_ROUTES', () => {
    expect(GETS.length).toBeGreaterThan(15);
  });

  GETS.forEach((route, i) => {
    it(`GET ${route.url}`, async () => {
      const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      await fc.assert(
        fc.asyncProperty(
          fc.array(pathPart, { minLength: names.length, maxLength: names.length }),
          queryOf(route),
          fc.constantFrom(...ROLES),
          async (parts, query, role) => {
            let k = 0;
            const path = route.url.replace(/:(\w+)/g, () => parts[k++]!) + query;
            const a = await send(api, 'GET', path, { token: tokens[role] });
            expectWellFormed(a, `${role} GET ${path.slice(0, 300)}`);
          },
        ),
        { numRuns: RUNS, seed: 20_261_208 + i },
      );
      expect(
        api.logged.filter((m) => m.startsWith('internal error')),
        'no internal error was logged',
      ).toEqual([]);
    });
  });

  it('is still up afterwards, with every snapshot', async () => {
    expect((await send(api, 'GET', '/api/v1/health')).json).toEqual({ ok: true });
    const table = await send(api, 'GET', '/api/v1/schemes/rfm/segments', { token: tokens.viewer });
    expect(table.status).toBe(200);
    expect(await snapshotCount()).toBe(snapshots);
    const listed = await send(api, 'GET', '/api/v1/snapshots', { token: tokens.viewer });
    expect((listed.json as { snapshots: unknown[] }).snapshots.length).toBe(snapshots);
    expect(api.logged).toEqual([]);
  });
});

/** Sends raw bytes to the server and reads what comes back until it closes the connection. */
function raw(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((done, failed) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', failed);
    socket.on('close', () => done(Buffer.concat(chunks).toString('utf8')));
  });
}

// Regression: these URLs were refused by Fastify's router or Node's HTTP parser before any route
// or hook ran, in their own shape (`{"error": "Bad Request", "statusCode": 400}`) and without the
// security headers.
describe('URLs refused before any route sees them', () => {
  it('get a 4xx JSON error in the API shape, with the security headers: broken %-escapes, oversized URLs', async () => {
    const cases: [string, number][] = [
      ['/api/v1/schemes/%zz/segments', 400],
      ['/api/v1/schemes/%/segments', 400],
      ['/api/v1/schemes/rfm/segments/%E0%A4%A', 400],
      ['/api/v1/schemes/rfm/segments/%u0041/members', 400],
      ['/api/v1/schemes/%C0%AF/trend', 400],
      [`/api/v1/schemes/${'x'.repeat(2500)}/segments`, 404],
      [`/api/v1/schemes?snapshot=${'x'.repeat(20_000)}`, 431],
      [`/api/v1/health?${'x'.repeat(20_000)}`, 431],
    ];
    for (const [path, status] of cases) {
      const a = await send(api, 'GET', path, { token: tokens.admin });
      expect(a.status, path.slice(0, 80)).toBe(status);
      expectWellFormed(a, path.slice(0, 80));
      expect(a.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('answers bytes that are not HTTP in the API shape, and keeps serving', async () => {
    const answer = await raw(api.base, 'NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.toLowerCase()).toContain('x-content-type-options: nosniff');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(body).toEqual({ error: { code: 'invalid_request', message: expect.any(String) as string } });
    expect((await send(api, 'GET', '/api/v1/snapshots', { token: tokens.viewer })).status).toBe(200);
  });
});

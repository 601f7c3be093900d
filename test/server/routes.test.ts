/**
 * The newer API routes against independent computations, on a real server over a real DuckDB
 * workspace: the overview against the segment tables of each snapshot; a segment's profile
 * against SQL averages over the feature table; before/after, clusters and compare against the
 * CLI's JSON; member pages against the segment's membership; the export download against its
 * header and the recorded holdout; tokens created, listed and revoked through the API; erasure
 * reaching the member lists and dropping cached answers; the audit log listing all of it.
 *
 * The CLI's answers are taken before the server opens the workspace: a second DuckDB instance on
 * the same file in one process must not run while the first one writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachCsvRecord } from '../helpers/csv.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import {
  BACKFILL,
  buildApiWorkspace,
  errorOf,
  KMEANS_SCHEME,
  rounded,
  send,
  startApi,
  type Answer,
  type ApiWorkspace,
  type RunningApi,
} from './api-fixture.js';

const RFM = 'rfm';
const THRESHOLD = 10;

interface KpiCell {
  value: number | null;
}
interface SegmentTable {
  snapshot_id: number;
  segments: { segment: string; customers: number | null; suppressed: boolean }[];
  base: { customers: number; kpis: Record<string, KpiCell> };
}
interface CompareGroupJson {
  pre: number | null;
  post: number | null;
  change: number | null;
  customers: number | null;
}
interface CompareJson {
  treated: CompareGroupJson;
  control: CompareGroupJson;
  effect: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
}

let ws: ApiWorkspace;
let api: RunningApi;
/** The CLI's answers, taken before the server opened the workspace. */
const cli = {} as {
  segments: SegmentTable;
  beforeAfterFirst: unknown;
  beforeAfterPrevious: unknown;
  clusters: unknown;
  compare: CompareJson;
};
/** Two shown rfm segments of the latest snapshot, the largest first. */
let segment: string;
let other: string;
const tokens = {} as Record<'admin' | 'analyst' | 'viewer', { token: string; token_id: string }>;

const q = (s: string) => encodeURIComponent(s);
const as = <T>(a: Answer, what: string): T => {
  expect(a.status, `${what}: ${a.text.slice(0, 500)}`).toBe(200);
  return a.json as T;
};
const get = async <T>(path: string, token = tokens.admin.token): Promise<T> =>
  as<T>(await send(api, 'GET', path, { token }), path);

/** |a − b| within a relative tolerance (absolute near 0); nulls must match. */
function expectClose(actual: number | null | undefined, expected: number | null | undefined, what: string) {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(actual, what).toBeTypeOf('number');
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

beforeAll(async () => {
  ws = await buildApiWorkspace('segtrack-routes-');
  const c = ['--config', ws.config, '--json'];
  cli.segments = jsonOf<SegmentTable>(await runCli(['segments', ...c, '--scheme', RFM]));
  const shown = cli.segments.segments
    .filter((s) => !s.suppressed && s.customers !== null && s.customers >= 30)
    .sort((a, b) => b.customers! - a.customers!);
  expect(shown.length).toBeGreaterThanOrEqual(2);
  segment = shown[0]!.segment;
  other = shown[1]!.segment;
  cli.beforeAfterFirst = jsonOf(
    await runCli(['compare', ...c, '--before-after', BACKFILL.from, '--scheme', RFM]),
  );
  cli.beforeAfterPrevious = jsonOf(
    await runCli(['compare', ...c, '--before-after', BACKFILL.to, '--scheme', RFM]),
  );
  cli.clusters = jsonOf(await runCli(['clusters', ...c, '--scheme', KMEANS_SCHEME]));
  cli.compare = jsonOf<CompareJson>(
    await runCli([
      'compare',
      ...c,
      '--treated-segment',
      `${RFM}/${segment}`,
      '--control-segment',
      `${RFM}/${other}`,
      '--start',
      BACKFILL.to,
    ]),
  );

  api = await startApi(ws);
  // The first token is made through the API by a loopback client (no token exists yet), as an
  // admin; that admin makes the others.
  const first = await send(api, 'POST', '/api/v1/tokens', { body: { role: 'admin', label: 'first' } });
  tokens.admin = as(first, 'POST /tokens from loopback');
  for (const role of ['analyst', 'viewer'] as const)
    tokens[role] = as(
      await send(api, 'POST', '/api/v1/tokens', { token: tokens.admin.token, body: { role } }),
      `POST /tokens ${role}`,
    );
  expect((await send(api, 'GET', '/api/v1/snapshots')).status).toBe(401);
});
afterAll(async () => {
  await api?.close();
  ws?.tmp.remove();
});

describe('GET /overview', () => {
  it('opens with the base row of the segment tables, its change since the previous snapshot, and its series', async () => {
    const o = await get<{
      snapshot: { snapshot_id: number };
      previous: { snapshot_id: number } | null;
      snapshots: number;
      customers: number;
      headline: {
        kpi: string;
        value: number | null;
        previous: number | null;
        change: number | null;
        series: { snapshot_id: number; value: number | null }[];
      }[];
      highlights: { scheme: string } | null;
    }>(`/api/v1/overview?scheme=${RFM}`, tokens.viewer.token);
    const snapshots = (await get<{ snapshots: { snapshot_id: number }[] }>('/api/v1/snapshots')).snapshots;
    expect(snapshots.length).toBe(3);
    expect(o.snapshots).toBe(snapshots.length);
    expect(o.snapshot.snapshot_id).toBe(snapshots[2]!.snapshot_id);
    expect(o.previous?.snapshot_id).toBe(snapshots[1]!.snapshot_id);
    const tables = new Map<number, SegmentTable>();
    for (const s of snapshots)
      tables.set(
        s.snapshot_id,
        await get<SegmentTable>(`/api/v1/schemes/${RFM}/segments?snapshot=${s.snapshot_id}`),
      );
    const latest = tables.get(o.snapshot.snapshot_id)!;
    const previous = tables.get(o.previous!.snapshot_id)!;
    expect(o.customers).toBe(latest.base.customers);
    expect(o.headline.length).toBeGreaterThan(3);
    expect(o.headline.map((h) => h.kpi)).not.toContain('share');
    for (const h of o.headline) {
      expect(Object.keys(latest.base.kpis), h.kpi).toContain(h.kpi);
      expectClose(h.value, latest.base.kpis[h.kpi]!.value, `${h.kpi} now`);
      const was = previous.base.kpis[h.kpi]?.value ?? null;
      expectClose(h.previous, was, `${h.kpi} at the previous snapshot`);
      expectClose(h.change, h.value !== null && was !== null ? h.value - was : null, `${h.kpi} change`);
      expect(h.series.length, `${h.kpi} series`).toBe(snapshots.length);
      h.series.forEach((p, i) => {
        expect(p.snapshot_id).toBe(snapshots[i]!.snapshot_id);
        expectClose(
          p.value,
          tables.get(p.snapshot_id)!.base.kpis[h.kpi]?.value ?? null,
          `${h.kpi} series ${i}`,
        );
      });
    }
    expect(o.highlights?.scheme).toBe(RFM);
  });
});

describe('GET /schemes/{s}/segments/{g}', () => {
  it("profiles the segment as SQL over the latest run's features computes it, hiding small categories", async () => {
    const d = await get<{
      snapshot_id: number;
      segment: { customers: number };
      profile: {
        available: boolean;
        numeric: { feature: string; mean: number | null; n: number; base_mean: number | null }[];
        categorical: {
          feature: string;
          categories: { category: string; share: number | null; suppressed: boolean }[];
        }[];
      };
    }>(`/api/v1/schemes/${RFM}/segments/${q(segment)}`, tokens.viewer.token);
    const latest = (await get<{ snapshots: { snapshot_id: number }[] }>('/api/v1/snapshots')).snapshots.at(
      -1,
    )!;
    expect(d.snapshot_id).toBe(latest.snapshot_id);
    expect(d.profile.available).toBe(true);
    expect(d.profile.numeric.length).toBeGreaterThan(3);
    expect(d.profile.categorical.length).toBeGreaterThan(0);
    const { engine } = api;
    const id = (name: string) => engine.dialect.ident(name);
    const members =
      `FROM snapshot_members m JOIN customer_keys k ON k.customer_key = m.customer_key ` +
      `JOIN features f ON f.customer_id = k.customer_id ` +
      `WHERE m.snapshot_id = $1 AND m.scheme = $2 AND m.segment = $3`;
    const args = [d.snapshot_id, RFM, segment];
    const [size] = await engine.query<{ n: number }>(`SELECT count(*) AS n ${members}`, args);
    expect(Number(size!.n)).toBe(d.segment.customers);

    for (const p of d.profile.numeric) {
      const v = `CAST(f.${id(p.feature)} AS DOUBLE)`;
      const [r] = await engine.query<{ n: number; mean: number | null }>(
        `SELECT count(${v}) AS n, avg(${v}) AS mean ${members}`,
        args,
      );
      const [b] = await engine.query<{ mean: number | null }>(`SELECT avg(${v}) AS mean FROM features f`);
      expect(p.n, p.feature).toBe(Number(r!.n));
      expectClose(p.mean, p.n >= THRESHOLD ? r!.mean : null, `mean of ${p.feature}`);
      expectClose(p.base_mean, b!.mean, `base mean of ${p.feature}`);
    }

    for (const c of d.profile.categorical) {
      const shown = c.categories.filter((x) => x.share !== null);
      const total = shown.reduce((s, x) => s + x.share!, 0);
      expect(total, `${c.feature}: shares sum to at most 1`).toBeLessThanOrEqual(1 + 1e-12);
      const rows = await engine.query<{ category: string; n: number }>(
        `SELECT coalesce(CAST(f.${id(c.feature)} AS VARCHAR), '(unknown)') AS category, count(*) AS n ` +
          `${members} GROUP BY 1`,
        args,
      );
      const counts = new Map(rows.map((r) => [r.category, Number(r.n)]));
      for (const x of c.categories) {
        expect(x.suppressed, `${c.feature}/${x.category}: hidden ⇔ null`).toBe(x.share === null);
        if (x.category === '(other)') continue;
        const n = counts.get(x.category) ?? 0;
        if (n > 0 && n < THRESHOLD)
          expect(x.share, `${c.feature}/${x.category} holds ${n} members: hidden`).toBeNull();
        if (x.share !== null)
          expectClose(x.share, n / d.segment.customers, `share of ${c.feature}/${x.category}`);
      }
    }
  });
});

describe('GET /schemes/{s}/before-after and /schemes/{s}/clusters', () => {
  it('equal `segtrack compare --before-after DATE --scheme S --json`', async () => {
    const first = await get<unknown>(`/api/v1/schemes/${RFM}/before-after?before=${BACKFILL.from}`);
    expect(rounded(first)).toEqual(rounded(cli.beforeAfterFirst));
    // Without `before`: the previous snapshot against the latest.
    const byDefault = await get<unknown>(`/api/v1/schemes/${RFM}/before-after`, tokens.viewer.token);
    expect(rounded(byDefault)).toEqual(rounded(cli.beforeAfterPrevious));
    expect(first).not.toEqual(byDefault);
  });

  it('equal `segtrack clusters --scheme S --json`', async () => {
    const clusters = await get<{ clusters: unknown[] }>(`/api/v1/schemes/${KMEANS_SCHEME}/clusters`);
    expect(clusters.clusters.length).toBeGreaterThanOrEqual(2);
    expect(rounded(clusters)).toEqual(rounded(cli.clusters));
  });
});

describe('GET /schemes/{s}/segments/{g}/members', () => {
  it('pages through the whole segment, with its total, each page audited with the token', async () => {
    const expected = (
      await api.engine.query<{ customer_id: string }>(
        `SELECT k.customer_id FROM snapshot_members m JOIN customer_keys k ON k.customer_key = m.customer_key
          WHERE m.snapshot_id = (SELECT max(snapshot_id) FROM snapshots) AND m.scheme = $1 AND m.segment = $2`,
        [RFM, segment],
      )
    )
      .map((r) => r.customer_id)
      .sort();
    expect(expected.length).toBeGreaterThan(30);
    const size = 7;
    const pages = Math.ceil(expected.length / size);
    const auditBefore = await auditCount('members');
    const seen: string[] = [];
    for (let page = 1; page <= pages + 1; page++) {
      const p = await get<{ total: number; page: number; page_size: number; members: string[] }>(
        `/api/v1/schemes/${RFM}/segments/${q(segment)}/members?page=${page}&page_size=${size}`,
        tokens.analyst.token,
      );
      expect(p.total).toBe(expected.length);
      expect([p.page, p.page_size]).toEqual([page, size]);
      expect(p.members.length).toBe(
        page < pages ? size : page === pages ? expected.length - size * (pages - 1) : 0,
      );
      seen.push(...p.members);
    }
    expect(seen).toEqual(expected);
    const entries = await api.engine.query<{ actor: string; target: string; detail: string }>(
      `SELECT actor, target, detail FROM audit_log WHERE action = 'members' ORDER BY entry_id DESC LIMIT ${pages + 1}`,
    );
    expect(await auditCount('members')).toBe(auditBefore + pages + 1);
    for (const e of entries) {
      expect(e.actor).toBe(`token:${tokens.analyst.token_id}`);
      expect(e.target).toBe(`${RFM}/${segment}`);
      expect(JSON.parse(e.detail)).toMatchObject({ page_size: size, via: 'api' });
    }
  });
});

async function auditCount(action: string): Promise<number> {
  const [r] = await api.engine.query(`SELECT count(*) AS n FROM audit_log WHERE action = $1`, [action]);
  return Number(r!['n']);
}

describe('POST /schemes/{s}/segments/{g}/export', () => {
  it('downloads the consenting members less a recorded holdout, counted in its header, audited with the token', async () => {
    const a = await send(api, 'POST', `/api/v1/schemes/${RFM}/segments/${q(segment)}/export`, {
      token: tokens.analyst.token,
      body: { format: 'csv', holdout: 0.2, seed: 5 },
    });
    expect(a.status, a.text.slice(0, 300)).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(a.headers.get('content-disposition')).toBe(
      `attachment; filename="${RFM}-${segment.replace(/[^\w.-]/g, '_')}.csv"`,
    );
    const counts = JSON.parse(a.headers.get('x-segtrack-export')!) as {
      exported: number;
      holdout: number;
      excluded_no_consent: number;
      not_current: number;
      members: number;
      export_id: number;
      snapshot_id: number;
    };
    const records: string[][] = [];
    eachCsvRecord(a.text, (fields) => records.push(fields));
    const [header, ...rows] = records;
    expect(header!.slice(0, 3)).toEqual(['customer_id', 'segment', 'recommended_action']);
    expect(rows.length).toBe(counts.exported);
    expect(counts.exported).toBeGreaterThan(0);
    expect(counts.exported + counts.excluded_no_consent + counts.holdout + counts.not_current).toBe(
      counts.members,
    );

    const { engine } = api;
    const [record] = await engine.query(
      `SELECT actor, holdout, holdout_fraction, seed, exported, snapshot_id FROM exports WHERE export_id = $1`,
      [counts.export_id],
    );
    expect(record).toMatchObject({ actor: `token:${tokens.analyst.token_id}`, holdout_fraction: 0.2 });
    expect([Number(record!['holdout']), Number(record!['seed']), Number(record!['exported'])]).toEqual([
      counts.holdout,
      5,
      counts.exported,
    ]);
    const held = (
      await engine.query<{ customer_id: string }>(
        `SELECT k.customer_id FROM export_members x JOIN customer_keys k ON k.customer_key = x.customer_key
          WHERE x.export_id = $1 AND x.holdout`,
        [counts.export_id],
      )
    ).map((r) => r.customer_id);
    expect(held.length).toBe(counts.holdout);
    expect(counts.holdout).toBe(Math.round((counts.exported + counts.holdout) * 0.2));
    const members = new Set(
      (
        await engine.query<{ customer_id: string }>(
          `SELECT k.customer_id FROM snapshot_members m JOIN customer_keys k ON k.customer_key = m.customer_key
            WHERE m.snapshot_id = $1 AND m.scheme = $2 AND m.segment = $3`,
          [counts.snapshot_id, RFM, segment],
        )
      ).map((r) => r.customer_id),
    );
    const exported = rows.map((r) => r[0]!);
    expect(exported.filter((id) => !members.has(id))).toEqual([]);
    expect(
      exported.filter((id) => held.includes(id)),
      'no held-out customer is exported',
    ).toEqual([]);
    expect(rows.every((r) => r[1] === segment)).toBe(true);

    const [audit] = await engine.query<{ actor: string; target: string; detail: string }>(
      `SELECT actor, target, detail FROM audit_log WHERE action = 'export' ORDER BY entry_id DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({ actor: `token:${tokens.analyst.token_id}`, target: `${RFM}/${segment}` });
    expect(JSON.parse(audit!.detail)).toMatchObject({ export_id: counts.export_id, holdout: counts.holdout });
  });
});

describe('POST /compare', () => {
  it('with segments, gives the effect `segtrack compare --treated-segment … --control-segment …` gives', async () => {
    const r = await send(api, 'POST', '/api/v1/compare', {
      token: tokens.analyst.token,
      body: {
        treated: { scheme: RFM, segment },
        control: { scheme: RFM, segment: other },
        start: BACKFILL.to,
      },
    });
    const a = as<CompareJson>(r, 'POST /compare');
    for (const g of ['treated', 'control'] as const)
      for (const k of ['pre', 'post', 'change', 'customers'] as const)
        expectClose(a[g][k], cli.compare[g][k], `${g}.${k}`);
    for (const k of ['effect', 'ci_low', 'ci_high', 'p_value'] as const) expectClose(a[k], cli.compare[k], k);
    expect(a.effect).not.toBeNull();
    expect(a.treated.customers).toBeGreaterThan(0);
  });
});

describe('tokens through the API', () => {
  it('creates, lists without secrets, and revokes; a revoked token is refused at once', async () => {
    const made = as<{ token: string; token_id: string; role: string }>(
      await send(api, 'POST', '/api/v1/tokens', {
        token: tokens.admin.token,
        body: { role: 'analyst', label: 'to revoke' },
      }),
      'POST /tokens',
    );
    expect(made.role).toBe('analyst');
    expect(made.token).toMatch(/^st_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(made.token).toContain(made.token_id);
    const listed = await send(api, 'GET', '/api/v1/tokens', { token: tokens.admin.token });
    const list = as<{
      tokens: { token_id: string; role: string; label: string | null; revoked_at: string | null }[];
    }>(listed, 'GET /tokens');
    expect(list.tokens.map((t) => t.token_id).sort()).toEqual(
      [tokens.admin.token_id, tokens.analyst.token_id, tokens.viewer.token_id, made.token_id].sort(),
    );
    expect(list.tokens.find((t) => t.token_id === made.token_id)).toMatchObject({
      role: 'analyst',
      label: 'to revoke',
      revoked_at: null,
    });
    for (const t of [made, ...Object.values(tokens)]) expect(listed.text).not.toContain(t.token.slice(16));
    expect((await send(api, 'GET', '/api/v1/whoami', { token: made.token })).status).toBe(200);

    const revoked = await send(api, 'DELETE', `/api/v1/tokens/${made.token_id}`, {
      token: tokens.admin.token,
    });
    expect(as(revoked, 'DELETE /tokens/{id}')).toEqual({ token_id: made.token_id, revoked: true });
    const refused = await send(api, 'GET', '/api/v1/whoami', { token: made.token });
    expect(refused.status).toBe(401);
    expect(errorOf(refused).code).toBe('invalid_token');
    const after = as<{ tokens: { token_id: string; revoked_at: string | null }[] }>(
      await send(api, 'GET', '/api/v1/tokens', { token: tokens.admin.token }),
      'GET /tokens',
    );
    expect(after.tokens.find((t) => t.token_id === made.token_id)?.revoked_at).not.toBeNull();

    const unknown = await send(api, 'DELETE', `/api/v1/tokens/${'0'.repeat(12)}`, {
      token: tokens.admin.token,
    });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown).code).toBe('unknown_token');
    const malformed = await send(api, 'DELETE', '/api/v1/tokens/not-an-id', { token: tokens.admin.token });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).code).toBe('invalid_request');
  });
});

describe('POST /forget', () => {
  it('erases a customer: gone from the member lists, and cached answers are recomputed', async () => {
    const path = `/api/v1/schemes/${RFM}/segments/${q(segment)}/members?page_size=1000`;
    const before = await get<{ total: number; members: string[] }>(path, tokens.analyst.token);
    const victim = before.members[3]!;
    // The data-quality report is cached until the server next writes; it counts customers.
    const customersIn = (quality: { checks: { id: string; table: string; count: number }[] }) =>
      quality.checks.find((c) => c.id === 'profile.rows' && c.table === 'customers')!.count;
    type Quality = { checks: { id: string; table: string; count: number }[] };
    expect(customersIn(await get<Quality>('/api/v1/quality', tokens.viewer.token))).toBe(600);
    expect(customersIn(await get<Quality>('/api/v1/quality', tokens.viewer.token))).toBe(600);

    const r = await send(api, 'POST', '/api/v1/forget', {
      token: tokens.admin.token,
      body: { customers: [victim, 'NOT-A-CUSTOMER-0000'] },
    });
    const forgot = as<{
      erased: number;
      not_found: number;
      verified: boolean;
      rows_deleted: Record<string, number>;
    }>(r, 'POST /forget');
    expect(forgot).toMatchObject({ erased: 1, not_found: 1, verified: true });
    expect(forgot.rows_deleted['customers']).toBe(1);
    expect(r.text).not.toContain(victim);

    const after = await get<{ total: number; members: string[] }>(path, tokens.analyst.token);
    expect(after.members).not.toContain(victim);
    expect(after.total).toBe(before.total - 1);
    expect(after.members).toEqual(before.members.filter((m) => m !== victim));
    expect(customersIn(await get<Quality>('/api/v1/quality', tokens.viewer.token))).toBe(599);
    const [left] = await api.engine.query(`SELECT count(*) AS n FROM customer_keys WHERE customer_id = $1`, [
      victim,
    ]);
    expect(Number(left!['n'])).toBe(0);

    // Once more: nothing left to erase.
    const again = as<{ erased: number; not_found: number }>(
      await send(api, 'POST', '/api/v1/forget', { token: tokens.admin.token, body: { customers: [victim] } }),
      'POST /forget again',
    );
    expect(again).toMatchObject({ erased: 0, not_found: 1 });
  });
});

describe('GET /audit', () => {
  it('lists the member listings, the export, the token changes and the erasures, with who did them', async () => {
    const { entries } = await get<{
      entries: { entry_id: number; actor: string; action: string; target: string | null; detail: object }[];
    }>('/api/v1/audit?limit=1000');
    const by = (action: string) => entries.filter((e) => e.action === action);
    const analyst = `token:${tokens.analyst.token_id}`;
    const admin = `token:${tokens.admin.token_id}`;
    expect(by('members').length).toBeGreaterThan(1);
    expect(by('members').every((e) => e.actor === analyst)).toBe(true);
    expect(by('export').map((e) => e.actor)).toEqual([analyst]);
    expect(by('token_create').map((e) => e.actor)).toEqual([admin, admin, admin, 'loopback']);
    expect(by('token_revoke').map((e) => e.actor)).toEqual([admin]);
    expect(by('forget').map((e) => e.actor)).toEqual([admin, admin]);
    expect(by('forget')[1]!.target).toMatch(/^key:\d+$/);
    expect(entries.map((e) => e.entry_id)).toEqual([...entries.map((e) => e.entry_id)].sort((a, b) => b - a));

    const only = await get<{ entries: { action: string }[] }>('/api/v1/audit?action=forget&limit=1');
    expect(only.entries).toEqual([expect.objectContaining({ action: 'forget' })]);
    const refused = await send(api, 'GET', '/api/v1/audit', { token: tokens.analyst.token });
    expect(refused.status).toBe(403);
  });
});

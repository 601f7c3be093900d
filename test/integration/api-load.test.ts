/**
 * The API load generator against a real server (127.0.0.1, an ephemeral port) over a small
 * generated workspace: every request is accounted for per path, percentiles are ordered, a
 * missing route and a bad token are reported as errors (never dropped), and `segtrack bench
 * --api`'s whole path — build, token, `segtrack serve` as a process, load, stop — runs end to end
 * and reuses its workspace the second time. No timing thresholds: the figures depend on the machine.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApiBench } from '../../src/bench/api-bench.js';
import { runLoad, type PathLoad } from '../../src/bench/api-load.js';
import { loadConfig } from '../../src/config/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildServer } from '../../src/server/app.js';
import { createToken } from '../../src/server/tokens.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

import { generatedWorkspace } from '../helpers/generated-workspace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-api-load-');
let engine: Engine;
let app: FastifyInstance;
let base: string;
let token: string;

beforeAll(async () => {
  const { config, workspace } = await generatedWorkspace(tmp, {
    customers: 400,
    seed: 5,
    models: false,
    segments: [{ name: 'rfm', type: 'rfm' }],
    runs: [undefined],
  });
  engine = await openWorkspace(workspace);
  token = (await createToken(engine, 'viewer')).token;
  app = await buildServer(engine, { config: await loadConfig(config), log: () => undefined });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
  tmp.remove();
});

/** The invariants every path's figures keep, whatever the machine. */
function expectConsistent(p: PathLoad): void {
  expect(p.requests, p.path).toBeGreaterThan(0);
  expect(p.errors, `${p.path}: ${p.first_error}`).toBe(0);
  expect(p.error_kinds).toEqual({});
  expect(p.throughput_rps).toBeGreaterThan(0);
  expect(p.min_ms!).toBeGreaterThan(0);
  expect(p.min_ms!).toBeLessThanOrEqual(p.p50_ms!);
  expect(p.p50_ms!).toBeLessThanOrEqual(p.p90_ms!);
  expect(p.p90_ms!).toBeLessThanOrEqual(p.p95_ms!);
  expect(p.p95_ms!).toBeLessThanOrEqual(p.p99_ms!);
  expect(p.p99_ms!).toBeLessThanOrEqual(p.max_ms!);
  expect(p.mean_bytes!).toBeGreaterThan(0);
}

describe('the API load generator', () => {
  it('sends exactly the requests asked for, over the clients, and accounts for each per path', async () => {
    const paths = [
      '/api/v1/schemes/rfm/segments',
      '/api/v1/snapshots',
      '/api/v1/schemes/rfm/trend?kpi=revenue',
    ];
    const r = await runLoad({
      baseUrl: base,
      paths,
      token,
      concurrency: 4,
      budget: { requests: 90 },
      warmup: { requests: 6 },
    });
    expect(r.concurrency).toBe(4);
    expect(r.warmup_requests).toBe(6);
    expect(r.paths.map((p) => p.path)).toEqual(paths);
    // Four clients taking the three paths in turn from different starts: an even mix, 90 in all.
    expect(r.paths.reduce((a, p) => a + p.requests, 0)).toBe(90);
    expect(r.total.requests).toBe(90);
    for (const p of r.paths) {
      expectConsistent(p);
      expect(p.requests).toBeGreaterThanOrEqual(28);
    }
    expectConsistent(r.total);
    expect(r.total.max_ms).toBe(Math.max(...r.paths.map((p) => p.max_ms!)));
    expect(r.total.min_ms).toBe(Math.min(...r.paths.map((p) => p.min_ms!)));
  });

  it('runs for a duration with 8 clients by default, the warm-up not counted', async () => {
    // A segment whose name needs encoding (a space), as the dashboard would ask for it.
    const table = (await (
      await fetch(`${base}/api/v1/schemes/rfm/segments`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { segments: { segment: string }[] };
    const segment = table.segments.map((s) => s.segment).find((s) => s.includes(' '))!;
    const path = `/api/v1/schemes/rfm/segments/${encodeURIComponent(segment)}`;
    expect(path).toContain('%20');
    const r = await runLoad({ baseUrl: base, paths: [path], token, budget: { durationMs: 400 } });
    expect(r.concurrency).toBe(8);
    expect(r.warmup_requests).toBeGreaterThan(0);
    expect(r.duration_ms).toBeGreaterThanOrEqual(400);
    expectConsistent(r.paths[0]!);
    // duration_ms is rounded to the millisecond: within 1 %.
    const rps = r.paths[0]!.requests / (r.duration_ms / 1000);
    expect(Math.abs(r.paths[0]!.throughput_rps - rps) / rps).toBeLessThan(0.01);
  });

  it('reports a missing route and a bad token as errors, with their kind, and no latency', async () => {
    const r = await runLoad({
      baseUrl: base,
      paths: ['/api/v1/snapshots', '/api/v1/no-such-route', '/api/v1/schemes/nope/segments'],
      token,
      concurrency: 3,
      budget: { requests: 30 },
      warmup: { requests: 0 },
    });
    const [good, missing, unknownScheme] = r.paths as [PathLoad, PathLoad, PathLoad];
    expectConsistent(good);
    expect(missing.requests).toBe(10);
    expect(missing.errors).toBe(10);
    expect(missing.error_kinds).toEqual({ status_404: 10 });
    expect(missing.first_error).toContain('404');
    expect(missing.first_error).toContain('not_found');
    expect(missing.p50_ms).toBeNull();
    expect(missing.max_ms).toBeNull();
    expect(unknownScheme.errors).toBe(10);
    expect(Object.keys(unknownScheme.error_kinds)).toEqual(['status_400']);
    expect(r.total.errors).toBe(20);
    expect(r.total.requests).toBe(30);

    const unauthorised = await runLoad({
      baseUrl: base,
      paths: ['/api/v1/snapshots'],
      token: 'not-a-token',
      concurrency: 2,
      budget: { requests: 4 },
      warmup: { requests: 0 },
    });
    expect(unauthorised.total.errors).toBe(4);
    expect(unauthorised.total.error_kinds).toEqual({ status_401: 4 });
  });

  it('reports a server that is not there as network errors instead of failing', async () => {
    const closed = await buildServer(engine, { log: () => undefined });
    const address = await closed.listen({ host: '127.0.0.1', port: 0 });
    await closed.close();
    const r = await runLoad({
      baseUrl: address,
      paths: ['/api/v1/snapshots'],
      concurrency: 2,
      budget: { requests: 4 },
      warmup: { requests: 0 },
    });
    expect(r.total.requests).toBe(4);
    expect(r.total.errors).toBe(4);
    expect(r.total.error_kinds).toEqual({ ECONNREFUSED: 4 });
    await expect(runLoad({ baseUrl: 'https://127.0.0.1:1', paths: ['/'] })).rejects.toThrow(/only http/);
    await expect(runLoad({ baseUrl: address, paths: [] })).rejects.toThrow(/at least one path/);
  });
});

describe('segtrack bench --api', () => {
  it('builds a workspace, serves it as its own process, loads every route with a viewer token, and reuses the build', async () => {
    const dir = tmp.path('bench');
    const options = {
      customers: 300,
      ordersPerCustomer: 5,
      seed: 3,
      dir,
      concurrency: 2,
      durationS: 0.3,
      warmupS: 0.1,
    };
    const first = await runApiBench(options);
    expect(first.reused_workspace).toBe(false);
    expect(first.customers).toBe(300);
    expect(first.orders).toBeGreaterThan(0);
    expect(first.snapshots).toBe(3);
    expect(first.token_role).toBe('viewer');
    expect(first.runs.map((r) => r.name)).toEqual(['segments', 'segment', 'snapshots', 'trend', 'mixed']);
    for (const run of first.runs) {
      for (const p of run.load.paths) expectConsistent(p);
      expect(run.load.total.requests).toBe(run.load.paths.reduce((a, p) => a + p.requests, 0));
    }
    expect(first.runs[4]!.load.paths).toHaveLength(4);
    expect(first.runs[1]!.load.paths[0]!.path).toBe('/api/v1/schemes/rfm/segments/Champions');
    expect(first.target.results.map((t) => t.run)).toEqual(['segments', 'segment']);
    // Two clients are not the target's eight, whatever the latencies.
    expect(first.target.met).toBe(false);

    const again = await runApiBench({ ...options, durationS: 0.2 });
    expect(again.reused_workspace).toBe(true);
    expect(again.snapshots).toBe(3);
    expect(again.build_ms).toBe(first.build_ms);
    for (const run of again.runs) expect(run.load.total.errors).toBe(0);
  }, 180_000);
});

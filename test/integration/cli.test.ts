import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { demoConfigText } from '../../src/demo/demo-config.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const execFileAsync = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'segtrack.mjs');

describe('segtrack command line', () => {
  const tmp = makeTempDir('segtrack-cli-');
  afterAll(() => tmp.remove());

  it('reports a missing config as a user error with a hint, not a stack trace (exit 2)', async () => {
    const r = await runCli(['ingest', '--config', join(tmp.dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml/);
    expect(r.stderr).toMatch(/segtrack init/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('rejects an unknown command and a bad flag value with exit code 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const r = await runCli(['generate', '--out', tmp.dir, '--customers', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--customers must be a whole number/);
  });

  it('status on a missing workspace says how to create one', async () => {
    const r = await runCli(['status', '--workspace', join(tmp.dir, 'none.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/segtrack ingest/);
    expect(existsSync(join(tmp.dir, 'none.duckdb'))).toBe(false);
  });

  it('init writes a config that loads, guessing sources from data files, and refuses to overwrite', async () => {
    writeFileSync(join(tmp.dir, 'orders_2024.csv'), 'order_id,customer_id,ordered_at,revenue\n');
    const first = jsonOf<{ config: string; sources: Record<string, string> }>(
      await runCli(['init', '--dir', tmp.dir, '--objective', 'growth', '--json']),
    );
    expect(first.sources).toEqual({ orders: 'orders_2024.csv' });
    const text = readFileSync(first.config, 'utf8');
    const config = parseConfig(text, first.config, tmp.dir);
    expect(config.objective).toBe('growth');
    expect(config.sources.orders?.files).toEqual([join(tmp.dir, 'orders_2024.csv')]);
    const again = await runCli(['init', '--dir', tmp.dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--force/);
    const typo = await runCli(['init', '--dir', tmp.dir, '--force', '--objective', 'retension']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean 'retention'/);
  });

  it('demo --no-serve generates, ingests, checks and summarises, with one JSON document on stdout', async () => {
    const dir = join(tmp.dir, 'demo');
    const r = await runCli(['demo', '--no-serve', '--dir', dir, '--customers', '1500', '--json']);
    const out = jsonOf<{
      workspace: string;
      report: string;
      summary: { customers: number; orders: number; revenue: number };
      ingest: {
        tables: Record<string, { source_rows: number; accepted: number; rejected: number; excluded: number }>;
      };
      quality: { error: number };
    }>(r);
    expect(out.summary.customers).toBe(1500);
    expect(out.summary.orders).toBeGreaterThan(1500);
    expect(out.summary.revenue).toBeGreaterThan(0);
    expect(out.quality.error).toBe(0);
    for (const c of Object.values(out.ingest.tables)) expect(c.rejected).toBe(0);
    expect(existsSync(join(dir, 'segtrack.yaml'))).toBe(true);
    // The HTML report, written after the models (test/integration/report.test.ts checks its contents).
    expect(out.report).toBe(join(dir, 'report.html'));
    expect(existsSync(out.report)).toBe(true);
    // The workspace the demo wrote answers `status` through the config it wrote.
    const status = jsonOf<{ tables: Record<string, { rows: number }> }>(
      await runCli(['status', '--config', join(dir, 'segtrack.yaml'), '--json']),
    );
    expect(status.tables['customers']?.rows).toBe(1500);
    expect(status.tables['orders']?.rows).toBe(out.ingest.tables['orders']?.accepted);
  });

  it('quality --fail-on exits 3 when the gate fails and 0 when it passes', async () => {
    const dir = join(tmp.dir, 'gate');
    await runCli(['demo', '--no-serve', '--dir', dir, '--customers', '300']);
    const cfg = join(dir, 'segtrack.yaml');
    expect((await runCli(['quality', '--config', cfg, '--fail-on', 'error'])).code).toBe(0);
    // Data a year and a half old is stale: freshness becomes an error against a later reference date.
    const stale = await runCli(['quality', '--config', cfg, '--fail-on', 'error', '--as-of', '2099-01-01']);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(/quality gate failed/);
  });

  it('bench times every stage and reports throughput and memory in the contract shape', async () => {
    const r = jsonOf<{
      customers: number;
      orders: number;
      stages_ms: Record<string, number>;
      total_ms: number;
      peak_rss_mb: number;
      ingest_rows_per_s: { csv: number; parquet: number };
      pipeline_ms: number;
      models_ms: number;
      kmeans: { customers: number; features: string[]; auto_chosen_k: number };
    }>(await runCli(['bench', '--customers', '2000', '--orders-per-customer', '5', '--json']));
    expect(r.customers).toBe(2000);
    expect(r.orders / r.customers).toBeGreaterThan(3);
    expect(Object.keys(r.stages_ms)).toEqual(
      expect.arrayContaining(['generate', 'ingest', 'ingest_parquet']),
    );
    // CONTRACT.md's stage names for the pipeline, the models and clustering.
    for (const s of [
      'features',
      'segments',
      'kpis',
      'snapshot',
      'fit_purchase',
      'fit_spend',
      'score',
      'kmeans_k8',
      'kmeans_auto',
    ])
      expect(r.stages_ms[s], s).toBeGreaterThanOrEqual(0);
    const st = r.stages_ms;
    expect(r.pipeline_ms).toBe(st['features']! + st['segments']! + st['kpis']! + st['snapshot']!);
    expect(r.models_ms).toBe(
      st['features_with_models']! + st['fit_purchase']! + st['fit_spend']! + st['score']!,
    );
    expect(r.kmeans.features).toHaveLength(6);
    expect(r.kmeans.customers).toBeGreaterThan(1900);
    expect(r.kmeans.auto_chosen_k).toBeGreaterThanOrEqual(2);
    expect(r.total_ms).toBeGreaterThanOrEqual(r.stages_ms['ingest']!);
    expect(r.peak_rss_mb).toBeGreaterThan(0);
    expect(r.ingest_rows_per_s.csv).toBeGreaterThan(0);
  });

  it('the committed demo example is the config the demo writes', () => {
    const committed = readFileSync(
      join(import.meta.dirname, '..', '..', 'examples', 'demo', 'segtrack.yaml'),
      'utf8',
    );
    expect(committed).toBe(demoConfigText('csv'));
  });

  it('the installed command runs as a real process and exits 2 on a user error', async () => {
    const ok = await execFileAsync(process.execPath, [bin, '--help']);
    expect(ok.stdout).toMatch(/ingest/);
    const failed = await execFileAsync(process.execPath, [
      bin,
      'ingest',
      '--config',
      join(tmp.dir, 'missing.yaml'),
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/config_missing/);
  });
});

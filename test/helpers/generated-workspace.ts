/**
 * A workspace built from generated data for the tests (decisions, API): `generate()` → optional extra
 * marketing-spend rows → `segtrack ingest` → one `segtrack run` per as-of date, with the purchase
 * and spend models so that P(alive) and predicted CLV exist.
 */
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { generate } from '../../src/generate/generate.js';
import { CANONICAL_TABLES } from '../../src/model/canonical.js';
import { runCli } from './ingest.js';
import type { TempDir } from './temp-dir.js';

/** What {@link generatedWorkspace} built. */
export interface GeneratedWorkspace {
  workspace: string;
  /** Path of the config file. */
  config: string;
  /** The config document as written. */
  document: Record<string, unknown>;
  /** Canonical table → generated file. */
  files: Record<string, string>;
}

/** Settings of {@link generatedWorkspace}. */
export interface WorkspaceOptions {
  customers: number;
  seed: number;
  start?: string;
  segments: Record<string, unknown>[];
  /** Lines appended to marketing_spend.csv before ingestion. */
  extraSpend?: string[];
  /** As-of dates of the runs, in order; undefined: the latest order date. */
  runs: (string | undefined)[];
  /** Fit the purchase and spend models in each run (default true). */
  models?: boolean;
  /** More top-level config settings (e.g. objective). */
  extra?: Record<string, unknown>;
}

/** Generates, ingests and runs; every CLI step must succeed. */
export async function generatedWorkspace(tmp: TempDir, o: WorkspaceOptions): Promise<GeneratedWorkspace> {
  const generated = await generate({
    out: tmp.path('data'),
    customers: o.customers,
    seed: o.seed,
    ...(o.start ? { start: o.start } : {}),
  });
  if (o.extraSpend?.length)
    appendFileSync(generated.files['marketing_spend']!, `${o.extraSpend.join('\n')}\n`);
  const workspace = tmp.path('ws.duckdb');
  const sources = Object.fromEntries(
    CANONICAL_TABLES.filter((t) => generated.files[t] !== undefined).map((t) => [
      t,
      { file: generated.files[t]! },
    ]),
  );
  const document: Record<string, unknown> = {
    workspace,
    currency: 'GBP',
    sources,
    segments: o.segments,
    ...(o.models === false ? {} : { models: { purchase: 'bgnbd', spend: 'gamma_gamma' } }),
    privacy: { min_segment_size: 10 },
    ...o.extra,
  };
  const config = tmp.write('segtrack.yaml', stringify(document));
  const ingest = await runCli(['ingest', '--config', config]);
  expect(ingest.code, ingest.stderr).toBe(0);
  for (const asOf of o.runs) {
    const run = await runCli(['run', '--config', config, ...(asOf ? ['--as-of', asOf] : [])]);
    expect(run.code, run.stderr).toBe(0);
  }
  return { workspace, config, document, files: generated.files };
}

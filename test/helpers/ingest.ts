import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../src/cli/main.js';
import type { Config } from '../../src/config/types.js';
import type { Engine, Row } from '../../src/engine/engine.js';
import type { IngestResult } from '../../src/ingest/ingest.js';
import { CANONICAL_TABLES } from '../../src/model/canonical.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

/** The per-table counts of an ingest result, as the library or `segtrack ingest --json` gives them. */
type Tables = Pick<IngestResult, 'tables'>['tables'];

/**
 * Asserts CONTRACT.md's accounting identity, `source_rows = excluded + rejected + accepted`, for
 * every table of an ingest result, and that no count is negative.
 */
export function expectAccounting(result: { tables: Tables }): void {
  expect(Object.keys(result.tables).length, 'the result lists at least one table').toBeGreaterThan(0);
  for (const [table, c] of Object.entries(result.tables)) {
    expect(
      c.excluded + c.rejected + c.accepted,
      `${table}: source_rows = excluded + rejected + accepted in ${JSON.stringify(c)}`,
    ).toBe(c.source_rows);
    for (const k of ['source_rows', 'excluded', 'rejected', 'accepted', 'loaded'] as const)
      expect(c[k], `${table}.${k}`).toBeGreaterThanOrEqual(0);
  }
}

/** Every row of a table (or query), in a stable order, without the columns named in `except`. */
export async function tableRows(engine: Engine, table: string, except: string[] = []): Promise<Row[]> {
  const exclude =
    except.length > 0 ? ` EXCLUDE (${except.map((c) => engine.dialect.ident(c)).join(', ')})` : '';
  return engine.query(`SELECT *${exclude} FROM ${engine.dialect.ident(table)} ORDER BY ALL`);
}

/**
 * The contents of every table ingestion writes: the canonical tables, rejected_rows and the
 * bookkeeping (ingest_runs, loaded_files). With `ignoreLoadIds`, the load-id columns (which only
 * say which run wrote a row) and the bookkeeping are left out, to compare two runs' data.
 */
export async function workspaceContents(
  engine: Engine,
  ignoreLoadIds = false,
): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const t of CANONICAL_TABLES) out[t] = await tableRows(engine, t, ignoreLoadIds ? ['_load_id'] : []);
  out['rejected_rows'] = await tableRows(engine, 'rejected_rows', ignoreLoadIds ? ['load_id'] : []);
  if (!ignoreLoadIds) {
    out['ingest_runs'] = await tableRows(engine, 'ingest_runs');
    out['loaded_files'] = await tableRows(engine, 'loaded_files');
  }
  return out;
}

/** {@link workspaceContents} of a workspace file, opened and closed again. */
export async function workspaceFileContents(
  path: string,
  ignoreLoadIds = false,
): Promise<Record<string, Row[]>> {
  const engine = await openWorkspace(path);
  try {
    return await workspaceContents(engine, ignoreLoadIds);
  } finally {
    await engine.close();
  }
}

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Runs `segtrack <argv>` in-process and captures its exit code and output. */
export async function runCli(argv: string[]): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await run(argv, { stdout, stderr });
  stdout.end();
  stderr.end();
  return { code, stdout: out(), stderr: err() };
}

/** The JSON document `segtrack … --json` printed, asserting the run succeeded. */
export function jsonOf<T = IngestResult>(r: CliRun): T {
  expect(r.code, `exit code (stderr: ${r.stderr})`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** Writes a config object as YAML; returns the file's path. */
export function yamlText(config: Record<string, unknown>): string {
  return stringify(config);
}

/**
 * A Config built directly (not through the YAML loader), for library-level tests: only sources.
 * @example configOf({ orders: { files: [tmp.write('o.csv', text)] } })
 */
export function configOf(sources: Config['sources'], baseDir = process.cwd()): Config {
  return { path: '', baseDir, sources, segments: [], raw: {} };
}

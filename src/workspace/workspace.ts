import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { DuckDBEngine, type DuckDBEngineOptions } from '../engine/duckdb/duckdb-engine.js';
import { ensureSchema } from './schema.js';

/** Options for {@link openWorkspace}. */
export interface OpenOptions extends DuckDBEngineOptions {
  /** Fail instead of creating a new workspace file. */
  mustExist?: boolean;
}

/**
 * Opens the workspace (one DuckDB file; `:memory:` for a throwaway one) and makes sure its
 * tables exist. The caller closes the returned engine.
 */
export async function openWorkspace(path: string, options: OpenOptions = {}): Promise<Engine> {
  const memory = path === ':memory:';
  const full = memory ? path : resolve(path);
  if (!memory) {
    if (options.mustExist && !existsSync(full))
      throw userError('workspace_missing', `no workspace at ${full}`, {
        hint: 'run `segtrack ingest` first (or pass --workspace PATH)',
      });
    mkdirSync(dirname(full), { recursive: true });
  }
  let engine: Engine;
  try {
    engine = await DuckDBEngine.open(full, options);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(msg))
      throw userError('workspace_locked', `the workspace ${full} is in use by another segtrack process`, {
        hint: 'wait for it to finish, or stop `segtrack serve`/`watch` on this workspace',
      });
    throw e;
  }
  if (!options.readOnly) await ensureSchema(engine);
  return engine;
}

/**
 * A fingerprint of the settings that shape results, stored with every snapshot so a change of
 * configuration between two snapshots can be seen.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import type { Config, SourceConfig } from './types.js';

/** JSON with object keys sorted at every level and `undefined` members left out. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : stableJson(x))).join(',')}]`;
  const entries = Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
}

/** A path as written relative to the config's directory, with `/`, so checkouts elsewhere hash alike. */
function portable(p: string, baseDir: string): string {
  if (!isAbsolute(p) || baseDir === '') return p;
  return relative(baseDir, p).split(sep).join('/');
}

/**
 * sha256 (hex) of the validated settings. Leaves out where the config was read from (`path`,
 * `baseDir`, `positions`, `raw`), and hashes file paths relative to the config's directory, so the
 * same project checked out in two places has the same hash.
 *
 * @example configHash(await loadConfig('segtrack.yaml')) // '3f1c…' (64 hex digits)
 */
export function configHash(config: Config): string {
  const { path: _path, baseDir, raw: _raw, positions: _positions, sources, workspace, ...rest } = config;
  const portableSources: Record<string, Omit<SourceConfig, 'positions'>> = {};
  for (const [table, src] of Object.entries(sources)) {
    if (!src) continue;
    const { positions: _p, files, ...settings } = src;
    portableSources[table] = { ...settings, files: files.map((f) => portable(f, baseDir)) };
  }
  const settings = {
    ...rest,
    sources: portableSources,
    workspace: workspace === undefined ? undefined : portable(workspace, baseDir),
  };
  return createHash('sha256').update(stableJson(settings)).digest('hex');
}

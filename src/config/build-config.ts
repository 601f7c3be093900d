/**
 * Turns validated settings into the {@link Config} every stage reads: paths resolved against the
 * config file's directory, `file`/`files` normalised to `files`, positions attached.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { CanonicalTableName } from '../model/canonical.js';
import type { ValidatedConfig } from './schema.js';
import { setOwn } from './schema-parts.js';
import type {
  AlertConfig,
  Config,
  KpiConfig,
  ModelsConfig,
  PrivacyConfig,
  SchemeConfig,
  SourceConfig,
  SourceOptions,
} from './types.js';
import type { LinePosition } from './yaml-source.js';

/** Where the settings came from. */
export interface BuildContext {
  /** Absolute path of the config file, '' when built in memory. */
  path: string;
  /** Absolute directory relative paths are resolved against. */
  baseDir: string;
  raw: Record<string, unknown>;
  /** Positions by dotted path (see YamlSource.positions), when read from a file. */
  positions?: Record<string, LinePosition>;
}

/** `s3://…`, `https://…`: read by the engine as given. */
const isUrl = (p: string): boolean => /^[a-z][a-z0-9+.-]+:\/\//i.test(p);

/**
 * Resolves a path from the config file against `baseDir`. URLs and `:memory:` stay as written;
 * a leading `~/` means the home directory. Glob characters are kept.
 */
export function resolveConfigPath(p: string, baseDir: string): string {
  if (p === ':memory:' || isUrl(p)) return p;
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** A copy without `undefined` members, so the result fits `exactOptionalPropertyTypes`. */
function compact<T>(v: T): T {
  if (Array.isArray(v)) return v.map(compact) as T;
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (val !== undefined) setOwn(out, k, compact(val));
  return out as T;
}

type ValidatedSource = NonNullable<ValidatedConfig['sources'][CanonicalTableName]>;

function buildSource(table: CanonicalTableName, src: ValidatedSource, ctx: BuildContext): SourceConfig {
  const files = src.files ?? (src.file !== undefined ? [src.file] : []);
  const out: SourceConfig = { files: files.map((f) => resolveConfigPath(f, ctx.baseDir)) };
  if (src.format !== undefined) out.format = src.format;
  if (src.options !== undefined) out.options = compact(src.options) as SourceOptions;
  if (src.filter !== undefined) out.filter = src.filter;
  if (src.group_by !== undefined) out.group_by = src.group_by;
  if (src.columns !== undefined) {
    const columns: Record<string, string> = {};
    for (const [name, expr] of Object.entries(src.columns)) if (expr !== undefined) columns[name] = expr;
    out.columns = columns;
  }
  if (ctx.positions) {
    const prefix = `sources.${table}`;
    const positions: Record<string, LinePosition> = {};
    const own = ctx.positions[prefix];
    if (own) positions.source = own;
    for (const [key, at] of Object.entries(ctx.positions))
      if (key.startsWith(`${prefix}.`)) positions[key.slice(prefix.length + 1)] = at;
    out.positions = positions;
  }
  return out;
}

/** Builds the {@link Config} from settings that passed validation. */
export function buildConfig(value: ValidatedConfig, ctx: BuildContext): Config {
  const config: Config = {
    path: ctx.path,
    baseDir: ctx.baseDir,
    sources: {},
    segments: value.segments.map((s) => compact(s) as SchemeConfig),
    raw: ctx.raw,
  };
  if (value.workspace !== undefined) config.workspace = resolveConfigPath(value.workspace, ctx.baseDir);
  if (value.currency !== undefined) config.currency = value.currency;
  if (value.as_of !== undefined) config.as_of = value.as_of;
  if (value.objective !== undefined) config.objective = value.objective;
  for (const [table, src] of Object.entries(value.sources) as [
    CanonicalTableName,
    ValidatedSource | undefined,
  ][])
    if (src) config.sources[table] = buildSource(table, src, ctx);
  if (value.kpis !== undefined) config.kpis = compact(value.kpis) as KpiConfig;
  if (value.models !== undefined) config.models = compact(value.models) as ModelsConfig;
  if (value.privacy !== undefined) config.privacy = compact(value.privacy) as PrivacyConfig;
  if (value.alerts !== undefined) config.alerts = compact(value.alerts) as AlertConfig[];
  if (ctx.positions) config.positions = ctx.positions;
  return config;
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { userError } from '../core/errors.js';
import type { SourceFormat } from '../config/types.js';

/** A data file to read, with what identifies its version for `--append`. */
export interface SourceFile {
  path: string;
  format: SourceFormat;
  size: number;
  modifiedAt: Date;
}

const FORMAT_BY_EXTENSION: [RegExp, SourceFormat][] = [
  [/\.(csv|tsv|txt)(\.(gz|zst))?$/i, 'csv'],
  [/\.parquet$/i, 'parquet'],
  [/\.(jsonl|ndjson)(\.(gz|zst))?$/i, 'jsonl'],
  [/\.json(\.(gz|zst))?$/i, 'json'],
];

/** The format implied by a file name, or undefined. */
export function formatFromName(path: string): SourceFormat | undefined {
  return FORMAT_BY_EXTENSION.find(([re]) => re.test(path))?.[1];
}

function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Converts one glob path segment (`*`, `?`, `[abc]`) to a regular expression. */
function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${segment.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands a glob (`*`, `?`, `[…]` per segment, `**` for any depth) to the files it matches, sorted. */
export function expandGlob(pattern: string): string[] {
  const abs = resolve(pattern);
  const parts = abs.split(sep);
  const firstGlob = parts.findIndex(hasGlob);
  if (firstGlob < 0) return existsSync(abs) ? [abs] : [];
  const root = parts.slice(0, firstGlob).join(sep) || sep;
  const rest = parts.slice(firstGlob);
  const out: string[] = [];
  const walk = (dir: string, idx: number): void => {
    if (idx >= rest.length) return;
    const seg = rest[idx]!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (seg === '**') {
      walk(dir, idx + 1);
      for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name), idx);
      return;
    }
    const re = segmentRegex(seg);
    const last = idx === rest.length - 1;
    for (const e of entries) {
      if (!re.test(e.name)) continue;
      const p = join(dir, e.name);
      if (last && e.isFile()) out.push(p);
      else if (!last && e.isDirectory()) walk(p, idx + 1);
    }
  };
  walk(root, 0);
  return [...new Set(out)].sort();
}

/**
 * Resolves a source's `files` (paths or globs, relative to `baseDir`) to existing files with
 * their format. Reports every missing file or unmatched glob at once.
 */
export function resolveSourceFiles(
  table: string,
  patterns: string[],
  baseDir: string,
  format: SourceFormat | undefined,
): SourceFile[] {
  const problems: string[] = [];
  const paths: string[] = [];
  for (const p of patterns) {
    const full = isAbsolute(p) ? p : resolve(baseDir, p);
    const matched = hasGlob(full) ? expandGlob(full) : existsSync(full) ? [full] : [];
    if (matched.length === 0) problems.push(full);
    for (const m of matched) if (!paths.includes(m)) paths.push(m);
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    const dir = dirname(first);
    let hint = `check the path in sources.${table} (relative paths are resolved against the config file's folder)`;
    if (existsSync(dir)) {
      const names = readdirSync(dir).slice(0, 8);
      if (names.length > 0) hint += `; ${basename(dir)}/ holds: ${names.join(', ')}`;
    }
    throw userError('file_missing', `no file found for sources.${table}: ${problems.join(', ')}`, { hint });
  }
  return paths.map((path) => {
    const st = statSync(path);
    if (!st.isFile()) throw userError('file_missing', `${path} is not a file`, { at: { file: path } });
    const f = format ?? formatFromName(path);
    if (f === undefined)
      throw userError('unknown_format', `cannot tell the format of ${basename(path)} from its name`, {
        at: { file: path },
        hint: `set format: csv | parquet | json | jsonl under sources.${table}`,
      });
    return { path, format: f, size: st.size, modifiedAt: st.mtime };
  });
}

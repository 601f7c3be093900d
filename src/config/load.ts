/**
 * Reading `segtrack.yaml`: parse (keeping positions), validate, and report every problem at once as
 * one {@link UserError} whose problems point at the line and column to fix.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError, userError, type Problem } from '../core/errors.js';
import { buildConfig } from './build-config.js';
import type { Config } from './types.js';
import { validateConfig, type ConfigIssue } from './validate.js';
import { YamlSource } from './yaml-source.js';

export { configHash } from './config-hash.js';

const INIT_HINT = 'run `segtrack init` to write a commented segtrack.yaml (or pass --config PATH)';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function byPosition(a: Problem, b: Problem): number {
  return (
    (a.at?.line ?? Infinity) - (b.at?.line ?? Infinity) ||
    (a.at?.column ?? Infinity) - (b.at?.column ?? Infinity)
  );
}

function toProblem(issue: ConfigIssue, file: string | undefined, source: YamlSource | undefined): Problem {
  const p: Problem = { code: issue.code, message: issue.message };
  if (issue.hint !== undefined) p.hint = issue.hint;
  if (file !== undefined) {
    const at = source?.locate(issue.path, issue.target);
    p.at = at ? { file, line: at.line, column: at.column } : { file };
  }
  return p;
}

/**
 * Parses and validates the text of a config file. `file` is used in error locations (as given, so
 * messages show the path the user typed) and, resolved, as `Config.path`; relative paths in the
 * config are resolved against `baseDir`.
 *
 * @throws {UserError} with every problem found: YAML syntax errors (code `config_yaml_syntax`), or
 *   else every schema problem (`config_unknown_key`, `config_invalid_choice`, … see CONTEXT.md),
 *   each with `at: {file, line, column}` and a hint.
 */
export function parseConfig(text: string, file: string, baseDir: string): Config {
  const source = YamlSource.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const syntax = source.syntaxProblems;
  if (syntax.length > 0)
    throw new UserError(
      syntax.map((s) => ({
        code: 'config_yaml_syntax',
        message: `YAML syntax error: ${s.message}`,
        at: { file, ...s.at },
        hint: s.hint,
      })),
    );
  const raw = source.toPlain();
  if (raw === null)
    throw userError('config_empty', `the configuration file ${file} is empty`, {
      at: { file, line: 1, column: 1 },
      hint: INIT_HINT,
    });
  const result = validateConfig(raw);
  if (!result.ok) throw new UserError(result.issues.map((i) => toProblem(i, file, source)).sort(byPosition));
  return buildConfig(result.value, {
    path: file === '' ? '' : resolve(file),
    baseDir: resolve(baseDir),
    raw: isRecord(raw) ? raw : {},
    positions: source.positions(),
  });
}

/**
 * Reads and validates the config file at `path`; relative paths in it are resolved against the
 * file's directory.
 *
 * @throws {UserError} `config_missing` when there is no such file (hint: `segtrack init`),
 *   `config_unreadable` when it cannot be read, or the problems of {@link parseConfig}.
 * @example const config = await loadConfig(options.config ?? 'segtrack.yaml');
 */
export async function loadConfig(path: string): Promise<Config> {
  const full = resolve(path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw userError('config_missing', `no configuration file at ${path}`, {
        at: { file: path },
        hint: INIT_HINT,
      });
    if (code === 'EISDIR')
      throw userError('config_unreadable', `${path} is a directory, not a configuration file`, {
        at: { file: path },
        hint: `pass the file itself, e.g. --config ${join(path, 'segtrack.yaml')}`,
      });
    throw userError(
      'config_unreadable',
      `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`,
      {
        at: { file: path },
        hint: 'check that the file exists and that you may read it',
      },
    );
  }
  return parseConfig(text, path, dirname(full));
}

/**
 * Validates a configuration given as a plain object (tests, programmatic use, `segtrack demo`).
 * Relative paths are resolved against `baseDir`; `Config.path` is ''.
 *
 * @throws {UserError} with every problem; messages name the place by path (`segments[2].type`),
 *   since there are no line numbers.
 * @example configFromObject({ sources: { orders: { file: 'orders.csv' } } }, process.cwd())
 */
export function configFromObject(obj: unknown, baseDir: string): Config {
  const result = validateConfig(obj);
  if (!result.ok) throw new UserError(result.issues.map((i) => toProblem(i, undefined, undefined)));
  return buildConfig(result.value, { path: '', baseDir: resolve(baseDir), raw: isRecord(obj) ? obj : {} });
}

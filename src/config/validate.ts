/**
 * Validates a parsed configuration against {@link configSchema} and words every zod issue as a
 * problem a user can act on: a stable code, a message that names the place, and a hint (a
 * did-you-mean for typos, the valid values for a wrong choice, the expected shape for a wrong type).
 * Positions are added by the caller (./load.ts), which knows the YAML nodes; this module only knows
 * paths, so it also serves {@link configFromObject}.
 */
import type { z } from 'zod';
import { didYouMean, nearest } from '../core/suggest.js';
import { CANONICAL_TABLES, columnNames, type CanonicalTableName } from '../model/canonical.js';
import { configSchema, SCHEME_TYPES, type ValidatedConfig } from './schema.js';
import { isRecord, setOwn } from './schema-parts.js';
import { correctKeyTypos, descriptionAt, keysAt, originalPath } from './schema-walk.js';

/** A path into the configuration document: mapping keys and list indexes. */
export type ConfigPath = readonly (string | number)[];

/** One problem with the configuration, located by path. */
export interface ConfigIssue {
  code: string;
  message: string;
  hint?: string;
  path: ConfigPath;
  /** Whether the problem is the key at `path` (unknown keys) or its value. */
  target: 'key' | 'value';
}

/** The outcome of {@link validateConfig}. */
export type ValidationResult = { ok: true; value: ValidatedConfig } | { ok: false; issues: ConfigIssue[] };

/**
 * Renders a path the way a user would point at it: `sources.orders.columns.revenue`,
 * `segments[2].type`.
 */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out || '(top level)';
}

/**
 * Mapping entries whose value is empty (`key:` with nothing after it) count as absent, so a section
 * whose examples are all commented out is simply not set. A source or a column mapping left empty
 * (`orders:`, `revenue:`) is kept: it is reported, since the user meant to configure it.
 */
function dropEmpty(v: unknown, path: readonly string[] = []): unknown {
  if (Array.isArray(v)) return v.map((x) => dropEmpty(x, [...path, '[]']));
  if (!isRecord(v)) return v;
  const keepNull =
    (path.length === 1 && path[0] === 'sources') ||
    (path.length === 3 && path[0] === 'sources' && path[2] === 'columns');
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v))
    if (val !== undefined && (val !== null || keepNull)) setOwn(out, k, dropEmpty(val, [...path, k]));
  return out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let d = data;
  for (const seg of path) {
    if (!(isRecord(d) || Array.isArray(d))) return undefined;
    d = (d as Record<PropertyKey, unknown>)[seg];
  }
  return d;
}

function hasKey(data: unknown, path: readonly PropertyKey[]): boolean {
  const parent = valueAt(data, path.slice(0, -1));
  const last = path[path.length - 1];
  return last !== undefined && (isRecord(parent) || Array.isArray(parent)) && Object.hasOwn(parent, last);
}

const quote = (s: string): string => `'${s}'`;

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return quote(v.length > 40 ? `${v.slice(0, 37)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function typeHint(expected: string, value: unknown, description: string | undefined): string {
  const also = description ? ` (${description})` : '';
  if (expected === 'array' && isRecord(value)) return `write a list: one '- item' per line${also}`;
  if (expected === 'array' && (typeof value === 'string' || typeof value === 'number'))
    return `write a list: [${String(value)}] or one '- item' per line${also}`;
  if ((expected === 'object' || expected === 'record') && !isRecord(value))
    return `write the settings as 'key: value' lines indented under this key${also}`;
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
    return `put the value in quotes: "${String(value)}"`;
  if (expected === 'boolean' && typeof value === 'string')
    return /^(yes|no|on|off|y|n)$/i.test(value)
      ? `write true or false (YAML 1.2 reads ${quote(value)} as text)`
      : 'write true or false';
  if (
    (expected === 'number' || expected === 'int') &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    !Number.isNaN(Number(value))
  )
    return 'remove the quotes around the number';
  return `expected ${EXPECTED[expected] ?? expected}${also}`;
}

function choiceHint(value: unknown, choices: readonly string[]): string {
  const list = choices.map(quote).join(', ');
  const near = typeof value === 'string' ? nearest(value, choices) : undefined;
  return near !== undefined
    ? `did you mean ${quote(near)}? (valid values: ${list})`
    : `valid values: ${list}`;
}

/** Which scheme types accept a key, for "`k` is a setting of kmeans schemes". */
function schemeTypesWithKey(key: string): string[] {
  return SCHEME_TYPES.filter((type) =>
    keysAt(configSchema, ['segments', 0], { segments: [{ type }] }).includes(key),
  );
}

/** What the wording of an issue needs: the data as validated, and how to show a path. */
interface IssueContext {
  /** The corrected data that was validated (empty entries dropped). */
  data: unknown;
  /** The corrected data before empty entries were dropped. */
  withEmpty: unknown;
  /** A path as the user wrote it (typos kept). */
  show: (path: readonly PropertyKey[]) => string;
}

function unknownKey(issuePath: ConfigPath, key: string, ctx: IssueContext, suggestion?: string): ConfigIssue {
  const { data, show } = ctx;
  const path = [...issuePath, key];
  const base = { path, target: 'key' as const };
  if (issuePath.length === 1 && issuePath[0] === 'sources')
    return {
      ...base,
      code: 'config_unknown_table',
      message: `sources: ${quote(key)} is not a canonical table`,
      hint: didYouMean(key, CANONICAL_TABLES),
    };
  if (issuePath.length === 3 && issuePath[0] === 'sources' && issuePath[2] === 'columns') {
    const table = issuePath[1] as CanonicalTableName;
    return {
      ...base,
      code: 'config_unknown_column',
      message: `${show(issuePath)}: ${quote(key)} is not a column of the canonical table ${quote(table)}`,
      hint: didYouMean(key, columnNames(table)),
    };
  }
  const valid = keysAt(configSchema, issuePath, data);
  let hint =
    suggestion !== undefined
      ? `did you mean ${quote(suggestion)}?`
      : valid.length > 0
        ? didYouMean(key, valid)
        : 'remove it';
  if (
    issuePath.length === 2 &&
    issuePath[0] === 'segments' &&
    suggestion === undefined &&
    nearest(key, valid) === undefined
  ) {
    const owners = schemeTypesWithKey(key);
    const type = valueAt(data, [...issuePath, 'type']);
    if (owners.length > 0)
      hint = `${quote(key)} is a setting of ${owners.join(', ')} schemes; a ${String(type)} scheme takes ${valid.map(quote).join(', ')}`;
  }
  return {
    ...base,
    code: 'config_unknown_key',
    message:
      issuePath.length === 0
        ? `unknown top-level key ${quote(key)}`
        : `unknown key ${quote(key)} in ${show(issuePath)}`,
    hint,
  };
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): {
  message: string;
  hint: string;
} {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'array') {
    const n = `${bound} item${bound === 1 ? '' : 's'}`;
    if (issue.exact) return { message: `must have exactly ${n}`, hint: 'write a list such as [2, 10]' };
    return small
      ? { message: `must have at least ${n}`, hint: 'add an item, or remove the key' }
      : { message: `must have at most ${n}`, hint: 'remove items' };
  }
  if (issue.origin === 'string')
    return { message: 'must not be empty', hint: 'write a value, or remove the key' };
  const word = small
    ? issue.inclusive
      ? 'at least'
      : 'greater than'
    : issue.inclusive
      ? 'at most'
      : 'less than';
  return { message: `must be ${word} ${bound}`, hint: 'change the value' };
}

function toConfigIssues(issue: z.core.$ZodIssue, ctx: IssueContext): ConfigIssue[] {
  const { data, show } = ctx;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = show(path);
  const value = valueAt(data, path);
  const description = descriptionAt(configSchema, path, data);
  const withHint = (i: Omit<ConfigIssue, 'hint'>, hint: string | undefined): ConfigIssue =>
    hint === undefined ? i : { ...i, hint };
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => unknownKey(path, k, ctx));
    case 'invalid_union': {
      if ('note' in issue && issue.note === 'No matching discriminator') {
        const options = ('options' in issue ? (issue.options as unknown[]) : []).map(String);
        if (value === undefined)
          return [
            {
              code: 'config_missing_key',
              message: `${show(path.slice(0, -1))}: missing required key 'type'`,
              hint: `add \`type:\` with one of ${options.map(quote).join(', ')}`,
              path,
              target: 'value',
            },
          ];
        return [
          {
            code: 'config_invalid_choice',
            message: `${at}: ${describeValue(value)} is not a scheme type`,
            hint: choiceHint(value, options),
            path,
            target: 'value',
          },
        ];
      }
      if (value === null)
        return [
          {
            code: 'config_missing_value',
            message: `${at}: no value given`,
            hint: description ?? 'write a value, or remove the key',
            path,
            target: 'key',
          },
        ];
      return [
        withHint(
          {
            code: 'config_invalid_type',
            message: `${at}: ${issue.message}, got ${describeValue(value)}`,
            path,
            target: 'value',
          },
          description,
        ),
      ];
    }
    case 'invalid_value': {
      const choices = issue.values.map(String);
      const field = path[path.length - 1];
      const what =
        path[path.length - 2] === 'types'
          ? ' for a column type'
          : typeof field === 'string'
            ? ` for ${field}`
            : '';
      return [
        {
          code: 'config_invalid_choice',
          message: `${at}: ${describeValue(value)} is not a valid value${what}`,
          hint: choiceHint(value, choices),
          path,
          target: 'value',
        },
      ];
    }
    case 'invalid_type': {
      if (path.length === 0)
        return [
          {
            code: 'config_not_mapping',
            message: 'the configuration must be a mapping of sections (workspace, sources, segments, …)',
            hint: 'run `segtrack init` for a commented example',
            path,
            target: 'value',
          },
        ];
      const key = path[path.length - 1];
      if ((value === undefined || value === null) && typeof key === 'string') {
        const present = hasKey(ctx.withEmpty, path);
        return [
          {
            code: present ? 'config_missing_value' : 'config_missing_key',
            message: present
              ? `${at}: no value given`
              : `${show(path.slice(0, -1))}: missing required key ${quote(key)}`,
            hint: present
              ? typeHint(issue.expected, undefined, description)
              : `add \`${key}:\`${description ? ` (${description})` : ''}`,
            path,
            target: present ? 'key' : 'value',
          },
        ];
      }
      return [
        {
          code: 'config_invalid_type',
          message: `${at}: expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}`,
          hint: typeHint(issue.expected, value, description),
          path,
          target: 'value',
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const { message, hint } = sizeMessage(issue);
      return [
        {
          code: 'config_out_of_range',
          message: `${at} ${message}`,
          hint: description ?? `${hint}; got ${describeValue(value)}`,
          path,
          target: 'value',
        },
      ];
    }
    case 'custom': {
      const p = (issue.params ?? {}) as { code?: string; hint?: string };
      return [
        withHint(
          { code: p.code ?? 'config_invalid', message: `${at}: ${issue.message}`, path, target: 'value' },
          p.hint ?? description,
        ),
      ];
    }
    default:
      return [
        withHint(
          { code: 'config_invalid', message: `${at}: ${issue.message}`, path, target: 'value' },
          description,
        ),
      ];
  }
}

/**
 * Validates a parsed configuration document. Empty entries (`key:` with no value) count as absent.
 * Returns the validated settings, or every problem found.
 *
 * @example
 * const r = validateConfig({ sourcse: {} });
 * // r.ok === false; r.issues[0].hint === "did you mean 'sources'?"
 */
export function validateConfig(raw: unknown): ValidationResult {
  // A misspelt key is reported, and what is under it is checked as if it were spelt right.
  const { data: withEmpty, renames } = correctKeyTypos(configSchema, raw);
  const data = dropEmpty(withEmpty);
  const result = configSchema.safeParse(data);
  if (result.success && renames.length === 0) return { ok: true, value: result.data };
  const ctx: IssueContext = {
    data,
    withEmpty,
    show: (p) =>
      pathText(
        originalPath(
          p.filter((s) => typeof s !== 'symbol'),
          renames,
        ),
      ),
  };
  const found = renames.map((r) => unknownKey(r.parent, r.from, ctx, r.to));
  for (const zi of result.error?.issues ?? []) found.push(...toConfigIssues(zi, ctx));
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const issue of found) {
    const id = `${issue.code}\u0000${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push({ ...issue, path: originalPath(issue.path, renames) });
  }
  return { ok: false, issues };
}

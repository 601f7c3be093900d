/**
 * The three kinds of error at segtrack's boundaries (STYLE.md, "Errors people can act on").
 *
 * - {@link UserError}: the user can fix it (bad config, bad flag, bad input file). The CLI exits 2
 *   and prints every {@link Problem} with its place and hint; the API answers 4xx.
 * - {@link EngineError}: the database refused a statement. Carries the SQL and the engine name.
 * - anything else is internal: a generic message to the user, the detail in the log.
 */

/** Where a problem is: a file with a line/column, or a file with a data row. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  row?: number;
}

/** One thing that is wrong, with a stable code, the place and what to do about it. */
export interface Problem {
  code: string;
  message: string;
  at?: Location;
  hint?: string;
}

/** Renders a location as `file:line:column` or `file, row N`. */
export function formatLocation(at: Location | undefined): string {
  if (!at) return '';
  const parts: string[] = [];
  if (at.file !== undefined) parts.push(at.file);
  if (at.line !== undefined) parts.push(at.column !== undefined ? `${at.line}:${at.column}` : `${at.line}`);
  let text = parts.join(':');
  if (at.row !== undefined) text += `${text ? ', ' : ''}row ${at.row}`;
  return text;
}

/** Renders one problem on a line (plus an indented hint line). */
export function formatProblem(p: Problem): string {
  const where = formatLocation(p.at);
  const head = `${where ? `${where}: ` : ''}${p.message} [${p.code}]`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/** A mistake the user can fix. Holds every problem found, not just the first. */
export class UserError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem | Problem[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'UserError';
    this.problems = list;
  }
  /** The first problem's code, handy in tests and API responses. */
  get code(): string {
    return this.problems[0]?.code ?? 'user_error';
  }
}

/** The engine rejected a statement. */
export class EngineError extends Error {
  readonly sql: string;
  readonly engine: string;
  constructor(engine: string, sql: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${engine} error: ${detail}`);
    this.name = 'EngineError';
    this.sql = sql;
    this.engine = engine;
    this.cause = cause;
  }
  /** The engine's own message, without our prefix. */
  get detail(): string {
    return this.cause instanceof Error ? this.cause.message : String(this.cause);
  }
}

/** A data-quality gate (`quality --fail-on`) failed: exit code 3. */
export class QualityGateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QualityGateError';
  }
}

/** A shorthand for throwing a single-problem user error. */
export function userError(
  code: string,
  message: string,
  extra: { at?: Location; hint?: string } = {},
): UserError {
  const p: Problem = { code, message };
  if (extra.at) p.at = extra.at;
  if (extra.hint) p.hint = extra.hint;
  return new UserError(p);
}

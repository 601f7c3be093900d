import { userError } from '../core/errors.js';
import type { CommandContext } from './context.js';

/** The output formats of the table-like commands. */
export type Format = 'table' | 'json' | 'csv';

/** The output format: --format, or json with the global --json. */
export function formatOf(ctx: CommandContext, f: { format?: string }): Format {
  const v = f.format ?? (ctx.json ? 'json' : 'table');
  if (v !== 'table' && v !== 'json' && v !== 'csv')
    throw userError('bad_flag', `--format must be table, json or csv, not '${v}'`);
  return v;
}

/** Prints a result in the chosen format. */
export function print(
  ctx: CommandContext,
  format: Format,
  json: unknown,
  csv: () => string,
  human: () => string,
): void {
  if (format === 'json') ctx.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else if (format === 'csv') ctx.io.stdout.write(csv());
  else ctx.io.stdout.write(`${human()}\n`);
}

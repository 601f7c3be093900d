import { Command, CommanderError } from 'commander';
import { EngineError, QualityGateError, UserError, formatProblem } from '../core/errors.js';
import { CommandContext, type Io } from './context.js';
import { registerIngest } from './commands/ingest.js';
import { registerStatus } from './commands/status.js';
import { registerCommands } from './commands/index.js';

/** Exit codes (CONTRACT.md). */
export const EXIT = { ok: 0, internal: 1, user: 2, quality: 3 } as const;

/** Builds the command-line program. */
export function buildProgram(io: Io): Command {
  const program = new Command('segtrack');
  program
    .description('Customer segmentation and KPI tracking for business analysts')
    .option('--config <path>', 'config file', undefined)
    .option('--workspace <path>', 'workspace file (default: the config’s, else ./segtrack.duckdb)')
    .option('--json', 'print exactly one JSON document on stdout')
    .option(
      '--memory-limit <size>',
      'cap the engine’s memory, e.g. 2GB (default: DuckDB’s, 80 % of RAM); beyond it work spills to disk',
    )
    .showHelpAfterError('(run `segtrack --help` for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  const context = (cmd: Command) => new CommandContext(io, cmd);
  registerIngest(program, context);
  registerStatus(program, context);
  registerCommands(program, context);
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Errors are
 * reported here, once: user errors with their places and hints (2), failed quality gates (3),
 * anything else as an internal error (1) with the detail only when SEGTRACK_DEBUG is set.
 */
export async function run(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version')
      return EXIT.ok;
    return EXIT.user; // commander already printed the message
  }
  if (e instanceof UserError) {
    io.stderr.write(
      `error: ${e.problems.length > 1 ? `${e.problems.length} problems\n` : ''}${e.problems.map(formatProblem).join('\n')}\n`,
    );
    return EXIT.user;
  }
  if (e instanceof QualityGateError) {
    io.stderr.write(`quality gate failed: ${e.message}\n`);
    return EXIT.quality;
  }
  const debug = process.env['SEGTRACK_DEBUG'] === '1';
  if (e instanceof EngineError) {
    io.stderr.write(`error: the ${e.engine} engine failed: ${e.detail.split('\n')[0]}\n`);
    if (debug) io.stderr.write(`SQL: ${e.sql}\n`);
  } else {
    io.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  if (debug && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  else io.stderr.write('(set SEGTRACK_DEBUG=1 for details)\n');
  return EXIT.internal;
}

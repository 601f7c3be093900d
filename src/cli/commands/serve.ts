import type { Command } from 'commander';
import type { Config } from '../../config/types.js';
import { userError } from '../../core/errors.js';
import { buildServer } from '../../server/app.js';
import { hasTokens } from '../../server/tokens.js';
import type { CommandContext } from '../context.js';
import { intFlag } from '../options.js';

/** Checks `--port`. */
export function portFlag(v: string | undefined): number {
  const port = intFlag('--port', v, 0);
  if (port === undefined || port > 65535) throw userError('bad_flag', `--port must be 0–65535, not '${v}'`);
  return port;
}

/**
 * Serves the API and the dashboard on the workspace of `config` until Ctrl-C or SIGTERM, then
 * closes the server and the workspace. Prints the dashboard's address when listening.
 */
export async function serveWorkspace(
  ctx: CommandContext,
  config: Config | undefined,
  host: string,
  port: number,
): Promise<void> {
  const engine = await ctx.open(config, { mustExist: true });
  try {
    const app = await buildServer(engine, { config, log: (m) => ctx.note(m) });
    const address = await app.listen({ host, port });
    ctx.note(`segtrack serving ${ctx.workspacePath(config)}`);
    ctx.note(`  dashboard: ${address}/`);
    ctx.note(`  API:       ${address}/api/v1/ (OpenAPI: ${address}/api/v1/openapi.json)`);
    if (!(await hasTokens(engine)))
      ctx.note(
        `No API tokens exist: only clients on this machine (loopback, addressed to 127.0.0.1 or localhost) are accepted. ` +
          `While serving, create one with: curl -X POST -H 'content-type: application/json' -d '{"role":"viewer"}' ${address}/api/v1/tokens ` +
          '(or stop the server and run `segtrack token create --role viewer`).',
      );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    ctx.note('stopping');
    await app.close();
  } finally {
    await engine.close();
  }
}

/**
 * `segtrack serve`: the REST API and the dashboard on one open workspace, until stopped with
 * Ctrl-C or SIGTERM.
 */
export function registerServe(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('serve')
    .description('serve the dashboard at / and the REST API under /api/v1/ (127.0.0.1:4173 by default)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', '4173')
    .action(async (f: { host: string; port: string }, cmd: Command) => {
      const ctx = context(cmd);
      const port = portFlag(f.port);
      await serveWorkspace(ctx, await ctx.optionalConfig(), f.host, port);
    });
}

import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { buildServer } from '../../server/app.js';
import { hasTokens } from '../../server/tokens.js';
import type { CommandContext } from '../context.js';
import { intFlag } from '../options.js';

/**
 * `segtrack serve`: the REST API (and, later, the dashboard) on one open workspace, until
 * stopped with Ctrl-C or SIGTERM.
 */
export function registerServe(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('serve')
    .description('serve the REST API under /api/v1/ (127.0.0.1:4173 by default)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', '4173')
    .action(async (f: { host: string; port: string }, cmd: Command) => {
      const ctx = context(cmd);
      const port = intFlag('--port', f.port, 0);
      if (port === undefined || port > 65535)
        throw userError('bad_flag', `--port must be 0–65535, not '${f.port}'`);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      const app = await buildServer(engine, { config, log: (m) => ctx.note(m) });
      const address = await app.listen({ host: f.host, port });
      ctx.note(`segtrack serving ${ctx.workspacePath(config)} at ${address}/api/v1/`);
      if (!(await hasTokens(engine)))
        ctx.note(
          'No API tokens exist: only clients on this machine (loopback) are accepted. Create one with `segtrack token create --role viewer`.',
        );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      ctx.note('stopping');
      await app.close();
      await engine.close();
    });
}

import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { createToken, listTokens, revokeToken } from '../../server/tokens.js';
import type { CommandContext } from '../context.js';
import { table } from '../format.js';

/** `segtrack token create|list|revoke`: API tokens for `segtrack serve`. */
export function registerToken(program: Command, context: (cmd: Command) => CommandContext): void {
  const token = program.command('token').description('API tokens for segtrack serve (stored hashed)');
  token
    .command('create')
    .description('create a token; it is shown once')
    .requiredOption('--role <role>', 'viewer | analyst | admin')
    .option('--label <text>', 'what the token is for')
    .action(async (f: { role: string; label?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config);
      try {
        const r = await createToken(engine, f.role, f.label);
        ctx.emit(
          { token: r.token, role: r.role, token_id: r.token_id },
          () =>
            `${r.token}\n\nA ${r.role} token (id ${r.token_id}). Keep it now: only its hash is stored. ` +
            'Clients send it as `Authorization: Bearer <token>`.',
        );
      } finally {
        await engine.close();
      }
    });
  token
    .command('list')
    .description('list tokens (ids, roles, labels; never secrets)')
    .action(async (_f: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const tokens = await listTokens(engine);
        ctx.emit({ tokens }, () =>
          tokens.length === 0
            ? 'No tokens: the server accepts only clients on this machine (loopback).'
            : table(
                ['id', 'role', 'label', 'created', 'revoked'],
                tokens.map((t) => [t.token_id, t.role, t.label ?? '', t.created_at, t.revoked_at ?? '']),
              ),
        );
      } finally {
        await engine.close();
      }
    });
  token
    .command('revoke <id>')
    .description('revoke a token by id')
    .action(async (id: string, _f: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        if (!(await revokeToken(engine, id)))
          throw userError('unknown_token', `there is no token with id '${id}'`, {
            hint: 'see `segtrack token list`',
          });
        ctx.emit({ revoked: id }, () => `Revoked token ${id}.`);
      } finally {
        await engine.close();
      }
    });
}

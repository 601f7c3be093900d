/**
 * API tokens: created with a role, shown once, stored only as a hash; verified in constant time;
 * revoked; every change audited.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { allows } from '../../src/server/roles.js';
import { createToken, hasTokens, listTokens, revokeToken, verifyToken } from '../../src/server/tokens.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-tokens-');
afterAll(() => tmp.remove());

describe('roles', () => {
  it('orders viewer < analyst < admin', () => {
    expect(allows('viewer', 'aggregates')).toBe(true);
    expect(allows('viewer', 'members')).toBe(false);
    expect(allows('analyst', 'members')).toBe(true);
    expect(allows('analyst', 'admin')).toBe(false);
    expect(allows('admin', 'admin')).toBe(true);
  });
});

describe('tokens', () => {
  it('verifies a created token and nothing else, until it is revoked', async () => {
    const engine = await openWorkspace(':memory:');
    try {
      expect(await hasTokens(engine)).toBe(false);
      const t = await createToken(engine, 'analyst', 'dashboard');
      expect(t.token).toMatch(/^st_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      // The secret is everything after `st_<id>_` (it may itself contain '_').
      expect(t.token.slice(16)).toHaveLength(43);
      expect(await verifyToken(engine, t.token)).toEqual({ token_id: t.token_id, role: 'analyst' });
      expect(await hasTokens(engine)).toBe(true);
      // One character off, another id, garbage: refused.
      const last = t.token.slice(-1) === 'A' ? 'B' : 'A';
      expect(await verifyToken(engine, t.token.slice(0, -1) + last)).toBeNull();
      expect(await verifyToken(engine, t.token.replace(t.token_id, '0'.repeat(12)))).toBeNull();
      expect(await verifyToken(engine, "st_'; DROP TABLE api_tokens; --")).toBeNull();
      expect(await verifyToken(engine, '')).toBeNull();
      // Only the hash is stored.
      const [row] = await engine.query(`SELECT * FROM api_tokens`);
      expect(JSON.stringify(row)).not.toContain(t.token.slice(16));
      expect(await revokeToken(engine, t.token_id)).toBe(true);
      expect(await verifyToken(engine, t.token)).toBeNull();
      // Revoking the last token does not reopen the server to unauthenticated loopback clients.
      expect(await hasTokens(engine)).toBe(true);
      expect(await revokeToken(engine, 'nope')).toBe(false);
      expect((await listTokens(engine))[0]).toMatchObject({
        token_id: t.token_id,
        role: 'analyst',
        label: 'dashboard',
      });
      const audit = await engine.query(`SELECT action FROM audit_log ORDER BY entry_id`);
      expect(audit.map((a) => a['action'])).toEqual(['token_create', 'token_revoke']);
      await expect(createToken(engine, 'superuser')).rejects.toThrow(/viewer, analyst, admin/);
    } finally {
      await engine.close();
    }
  });

  it('works through the CLI and never writes the secret to the workspace file', async () => {
    const ws = tmp.path('ws.duckdb');
    const created = jsonOf<{ token: string; role: string; token_id: string }>(
      await runCli(['token', 'create', '--role', 'viewer', '--workspace', ws, '--json']),
    );
    expect(created.role).toBe('viewer');
    const listed = jsonOf<{ tokens: { token_id: string }[] }>(
      await runCli(['token', 'list', '--workspace', ws, '--json']),
    );
    expect(listed.tokens.map((t) => t.token_id)).toEqual([created.token_id]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(readFileSync(ws).includes(Buffer.from(created.token.slice(16)))).toBe(false);
    const bad = await runCli(['token', 'revoke', 'nope', '--workspace', ws]);
    expect(bad.code).toBe(2);
    expect((await runCli(['token', 'revoke', created.token_id, '--workspace', ws])).code).toBe(0);
  });
});

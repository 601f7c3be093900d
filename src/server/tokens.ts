import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { recordAudit } from '../privacy/audit.js';
import { isRole, ROLES, type Role } from './roles.js';

/**
 * API tokens. A token reads `st_<id>_<secret>`: the id finds the stored row, the secret (32 random
 * bytes) is checked against its SHA-256, compared in constant time. Only the hash is stored, so
 * the workspace file never holds a usable token; a token is shown once, when created. (A fast
 * hash suffices for a 256-bit random secret: there is nothing to guess.)
 */
export const TOKENS_DDL = `CREATE TABLE IF NOT EXISTS api_tokens (token_id VARCHAR, role VARCHAR, secret_sha256 VARCHAR,
  label VARCHAR, created_at TIMESTAMP, created_by VARCHAR, revoked_at TIMESTAMP)`;

/** A stored token, without its secret. */
export interface TokenInfo {
  token_id: string;
  role: Role;
  label: string | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Creates a token with a role; returns the token text, which is not stored and cannot be shown again. */
export async function createToken(
  engine: Engine,
  role: string,
  label?: string,
  actor?: string,
): Promise<{ token: string; token_id: string; role: Role }> {
  if (!isRole(role))
    throw userError('bad_flag', `--role must be one of ${ROLES.join(', ')}, not '${role}'`, {
      hint: 'viewer: aggregates only; analyst: also members, exports, comparisons; admin: also tokens and erasure',
    });
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await engine.transaction(async (tx) => {
    await tx.exec(`INSERT INTO api_tokens VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP, $5, NULL)`, [
      id,
      role,
      sha256(secret).toString('hex'),
      label ?? null,
      actor ?? process.env['SEGTRACK_ACTOR'] ?? null,
    ]);
    await recordAudit(tx, 'token_create', `token:${id}`, { role, label: label ?? null }, actor);
  });
  return { token: `st_${id}_${secret}`, token_id: id, role };
}

/**
 * The role of a presented token, or null when it is malformed, unknown or revoked. The secret's
 * hash is compared with `timingSafeEqual`, so the time taken does not reveal how much matched.
 */
export async function verifyToken(
  engine: Engine,
  presented: string,
): Promise<{ token_id: string; role: Role } | null> {
  const m = /^st_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(presented.trim());
  if (!m) return null;
  const [, id, secret] = m as unknown as [string, string, string];
  const [row] = await engine.query<{ role: string; secret_sha256: string; revoked_at: string | null }>(
    `SELECT role, secret_sha256, CAST(revoked_at AS VARCHAR) AS revoked_at FROM api_tokens WHERE token_id = $1`,
    [id],
  );
  const given = sha256(secret);
  // Compare even when there is no such token, against a fixed value, to keep the timing alike.
  const stored = row ? Buffer.from(row.secret_sha256, 'hex') : sha256('no such token');
  const same = stored.length === given.length && timingSafeEqual(stored, given);
  if (!row || !same || row.revoked_at !== null || !isRole(row.role)) return null;
  return { token_id: id, role: row.role };
}

/** Every token, newest first, without secrets. */
export async function listTokens(engine: Engine): Promise<TokenInfo[]> {
  const rows = await engine.query<Record<string, string | null>>(
    `SELECT token_id, role, label, CAST(created_at AS VARCHAR) AS created_at, created_by, ` +
      `CAST(revoked_at AS VARCHAR) AS revoked_at FROM api_tokens ORDER BY created_at DESC, token_id`,
  );
  return rows.map((r) => ({
    token_id: r['token_id']!,
    role: r['role'] as Role,
    label: r['label'] ?? null,
    created_at: r['created_at']!,
    created_by: r['created_by'] ?? 'local',
    revoked_at: r['revoked_at'] ?? null,
  }));
}

/** Revokes a token by id (idempotent); false when there is no such token. */
export async function revokeToken(engine: Engine, id: string, actor?: string): Promise<boolean> {
  return engine.transaction(async (tx) => {
    const [row] = await tx.query(`SELECT COUNT(*) AS n FROM api_tokens WHERE token_id = $1`, [id]);
    if (Number(row?.['n'] ?? 0) === 0) return false;
    await tx.exec(
      `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP) WHERE token_id = $1`,
      [id],
    );
    await recordAudit(tx, 'token_revoke', `token:${id}`, {}, actor);
    return true;
  });
}

/**
 * Whether any token was ever created, revoked ones included. Until then the server only accepts
 * loopback clients; after that it always asks for a token, so revoking the last one locks the
 * server rather than quietly reopening it (create a new one with `segtrack token create`).
 */
export async function hasTokens(engine: Engine): Promise<boolean> {
  const [row] = await engine.query(`SELECT COUNT(*) AS n FROM api_tokens`);
  return Number(row?.['n'] ?? 0) > 0;
}

import { userInfo } from 'node:os';
import type { Engine } from '../engine/engine.js';

/**
 * The audit log: who did what, and when, for the actions that touch personal data or access —
 * member listings, exports, erasures, retention purges, configuration changes, token changes.
 * An entry never holds raw personal data: customers are named by their workspace key, and
 * details are counts, scheme and segment names, file names.
 */
export const AUDIT_DDL =
  'CREATE TABLE IF NOT EXISTS audit_log (entry_id BIGINT, logged_at TIMESTAMP, actor VARCHAR, action VARCHAR, target VARCHAR, detail VARCHAR)';

/** The actions the log records. */
export type AuditAction =
  'members' | 'export' | 'forget' | 'retention_purge' | 'config_change' | 'token_create' | 'token_revoke';

/** One entry as listed (`segtrack audit`). */
export interface AuditEntry {
  entry_id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

/**
 * Who is acting: `SEGTRACK_ACTOR` when a caller (the server, with a token's id) sets it, else
 * the local user (`local:<name>`).
 */
export function currentActor(env: NodeJS.ProcessEnv = process.env): string {
  const given = env['SEGTRACK_ACTOR'];
  if (given !== undefined && given !== '') return given;
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:unknown';
  }
}

/** Appends an entry (inside the caller's transaction when given one). */
export async function recordAudit(
  engine: Engine,
  action: AuditAction,
  target: string | null,
  detail: Record<string, unknown> = {},
  actor: string = currentActor(),
): Promise<void> {
  await engine.exec(
    `INSERT INTO audit_log SELECT COALESCE(MAX(entry_id), 0) + 1, CURRENT_TIMESTAMP, $1, $2, $3, $4 FROM audit_log`,
    [actor, action, target, JSON.stringify(detail)],
  );
}

/** The entries, newest first, optionally of one action, at most `limit`. */
export async function listAudit(
  engine: Engine,
  o: { action?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const where = o.action !== undefined ? 'WHERE action = $1' : '';
  const rows = await engine.query<{
    entry_id: number;
    at: string;
    actor: string;
    action: string;
    target: string | null;
    detail: string;
  }>(
    `SELECT entry_id, CAST(logged_at AS VARCHAR) AS at, actor, action, target, detail FROM audit_log ${where} ` +
      `ORDER BY entry_id DESC LIMIT ${Math.max(1, Math.floor(o.limit ?? 100))}`,
    o.action !== undefined ? [o.action] : [],
  );
  return rows.map((r) => ({
    entry_id: Number(r.entry_id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}

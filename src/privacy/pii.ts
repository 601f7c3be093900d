import { createHash, createHmac, randomBytes } from 'node:crypto';
import { userError } from '../core/errors.js';
import type { Config } from '../config/types.js';
import type { Dialect } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';
import { CANONICAL, CANONICAL_TABLES, type CanonicalTableName } from '../model/canonical.js';

/** What happens to a personal-data column at ingestion. */
export type PiiTreatment = 'hash' | 'drop';

/** The environment variable holding the pseudonymisation key. */
export const PII_KEY_VARIABLE = 'SEGTRACK_PII_KEY';
/** Shortest key accepted: a short key would let anyone holding the data guess it. */
export const MIN_PII_KEY_LENGTH = 16;
/** What rejected-row records show instead of a personal-data value. */
export const WITHHELD = '[personal data withheld]';
/**
 * Temporary table holding the key's HMAC pads for one session. The key reaches the engine only
 * as statement parameters, never in SQL text (which errors and traces may print), and a
 * temporary table is never written to the workspace file.
 */
const KEY_TABLE = '_segtrack_pii_key';

/**
 * The personal-data columns of a canonical table and their treatment: the columns the canonical
 * model marks as personal data (customers' email, name, phone) and any column named in
 * `privacy.pii_columns` (which may name, say, `customer_id` when ids are e-mail addresses: it is
 * then hashed in every table, consistently, so joins still work). The treatment is
 * `privacy.pii` (default `hash`).
 */
export function piiColumns(config: Config, table: CanonicalTableName): Map<string, PiiTreatment> {
  const treatment = config.privacy?.pii ?? 'hash';
  const named = new Set((config.privacy?.pii_columns ?? []).map((c) => c.trim().toLowerCase()));
  const out = new Map<string, PiiTreatment>();
  for (const c of CANONICAL[table].columns)
    if (c.pii === true || named.has(c.name)) {
      if (c.type !== 'string')
        throw userError(
          'pii_column_not_text',
          `privacy.pii_columns names ${table}.${c.name}, which is not text`,
          {
            at: { file: config.path },
            hint: 'only text columns can be pseudonymised; leave it out of pii_columns (or do not map it)',
          },
        );
      if (treatment === 'drop' && c.required)
        throw userError(
          'pii_required_column',
          `privacy.pii: drop cannot drop ${table}.${c.name}, which segtrack needs`,
          {
            at: { file: config.path },
            hint: `use privacy.pii: hash to pseudonymise ${c.name} (the same value always gets the same pseudonym, so joins keep working)`,
          },
        );
      out.set(c.name, treatment);
    }
  return out;
}

/** Names in `privacy.pii_columns` that are no column segtrack stores (nothing to do for them). */
export function unstoredPiiColumns(config: Config): string[] {
  const stored = new Set(CANONICAL_TABLES.flatMap((t) => CANONICAL[t].columns.map((c) => c.name)));
  return (config.privacy?.pii_columns ?? []).filter((c) => !stored.has(c.trim().toLowerCase()));
}

/** HMAC-SHA-256 (RFC 2104) of a UTF-8 value as lower-case hex: what ingestion stores. */
export function pseudonym(key: string, value: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(value, 'utf8').digest('hex');
}

/** The key from the environment, checked; throws a user error when hashing needs one and it is unusable. */
export function piiKey(env: NodeJS.ProcessEnv = process.env): string {
  const key = env[PII_KEY_VARIABLE];
  if (key === undefined || key === '')
    throw userError(
      'pii_key_missing',
      `personal data must be pseudonymised, and ${PII_KEY_VARIABLE} is not set`,
      {
        hint:
          `set ${PII_KEY_VARIABLE} to a secret of at least ${MIN_PII_KEY_LENGTH} characters (keep it: the same key gives ` +
          'the same pseudonyms on every load), or set privacy.pii: drop to leave personal data out',
      },
    );
  if (key.length < MIN_PII_KEY_LENGTH)
    throw userError(
      'pii_key_too_short',
      `${PII_KEY_VARIABLE} is shorter than ${MIN_PII_KEY_LENGTH} characters`,
      {
        hint: 'use a long random secret, e.g. the output of `openssl rand -hex 32`',
      },
    );
  return key;
}

const prepared = new WeakSet<Engine>();

/**
 * Makes the key's HMAC pads available to the engine's SQL for this session (see
 * {@link piiValueSql}); a no-op when already done. The pads are derived here, in the process,
 * and bound as parameters.
 */
export async function preparePiiKey(engine: Engine, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (prepared.has(engine)) return;
  const key = Buffer.from(piiKey(env), 'utf8');
  // RFC 2104: a key longer than the block (64 bytes for SHA-256) is hashed first; then padded.
  const block = Buffer.alloc(64);
  (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
  const pad = (x: number) => Buffer.from(block.map((b) => b ^ x)).toString('hex');
  const d = engine.dialect;
  await engine.exec(`DROP TABLE IF EXISTS ${d.ident(KEY_TABLE)}`);
  await engine.exec(
    `CREATE TEMP TABLE ${d.ident(KEY_TABLE)} (ipad ${d.type('string')}, opad ${d.type('string')})`,
  );
  await engine.exec(`INSERT INTO ${d.ident(KEY_TABLE)} VALUES ($1, $2)`, [pad(0x36), pad(0x5c)]);
  prepared.add(engine);
}

/** SQL for a personal-data text value as stored: its keyed hash, or NULL when dropped. */
export function piiValueSql(d: Dialect, text: string, treatment: PiiTreatment): string {
  if (treatment === 'drop') return `CAST(NULL AS ${d.type('string')})`;
  return d.hmacSha256Hex(text, d.ident(KEY_TABLE));
}

/**
 * The environment for ingesting generated (synthetic) data: the user's key when set, else a
 * one-off random key, so the demo and the benchmark pseudonymise the generated e-mail addresses
 * as real data would be, without asking for a key. Pseudonyms then differ between runs.
 */
export function syntheticDataEnv(env: NodeJS.ProcessEnv = process.env): {
  env: NodeJS.ProcessEnv;
  oneOff: boolean;
} {
  const own = env[PII_KEY_VARIABLE];
  if (own !== undefined && own.length >= MIN_PII_KEY_LENGTH) return { env, oneOff: false };
  return { env: { ...env, [PII_KEY_VARIABLE]: randomBytes(32).toString('hex') }, oneOff: true };
}

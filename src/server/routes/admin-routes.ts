/** Member-level exports (analysts), and tokens, erasure and the audit log (admins). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { exportSegment } from '../../activation/export.js';
import { listAudit } from '../../privacy/audit.js';
import { forgetCustomers, storedIds } from '../../privacy/forget.js';
import { userError } from '../../core/errors.js';
import { ROLES } from '../roles.js';
import { route, type RouteSpec } from '../route.js';
import { Audit, CreatedToken, Forget, Revoked, Tokens } from '../schemas/admin.js';
import { obj, num, str } from '../schemas/common.js';
import { createToken, listTokens, revokeToken } from '../tokens.js';
import { int, name, SegmentParams, snapshotId } from './params.js';

const TYPES = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export const adminRoutes: RouteSpec[] = [
  route({
    method: 'POST',
    url: '/api/v1/schemes/:scheme/segments/:segment/export',
    capability: 'members',
    summary:
      "Activation export of a segment: its consenting members with their scores, less a recorded random holdout, as a file download (analysts and admins; audited). The export's counts are in the X-Segtrack-Export header.",
    params: SegmentParams,
    body: z.strictObject({
      format: z.enum(['csv', 'json', 'parquet']).optional(),
      holdout: z.number().min(0).max(0.99).optional(),
      snapshot: snapshotId.optional(),
      seed: int(0, 2 ** 31 - 1).optional(),
    }),
    response: obj({ exported: num, holdout: num, export_id: num, out: str }),
    file: true,
    writes: true,
    handler: async ({ params, body, caller, ctx }) => {
      const format = body.format ?? 'csv';
      const dir = mkdtempSync(join(tmpdir(), 'segtrack-export-'));
      try {
        const filename = `${params.scheme}-${params.segment}.${format}`;
        const out = join(dir, 'export.' + format);
        const result = await exportSegment(ctx.engine, ctx.config, {
          scheme: params.scheme,
          segment: params.segment,
          out,
          format,
          ...(body.holdout !== undefined ? { holdout: body.holdout } : {}),
          ...(body.snapshot !== undefined ? { snapshotId: body.snapshot } : {}),
          ...(body.seed !== undefined ? { seed: body.seed } : {}),
          actor: caller.actor,
          // The file is sent and deleted: the records name the download, not a temporary path.
          recordedAs: `api-download:${filename}`,
        });
        const { out: _file, ...counts } = result;
        return {
          type: TYPES[format],
          filename,
          body: readFileSync(out),
          headers: { 'x-segtrack-export': JSON.stringify(counts) },
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/tokens',
    capability: 'admin',
    summary: 'Every API token, newest first, without secrets (admins).',
    response: Tokens,
    handler: async ({ ctx }) => ({ tokens: await listTokens(ctx.engine) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/tokens',
    capability: 'admin',
    summary: 'Creates a token; its secret is in this answer only (admins; audited).',
    body: z.strictObject({ role: z.enum(ROLES), label: z.string().max(200).optional() }),
    response: CreatedToken,
    writes: true,
    handler: async ({ body, caller, ctx }) => createToken(ctx.engine, body.role, body.label, caller.actor),
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/tokens/:token_id',
    capability: 'admin',
    summary: 'Revokes a token at once (admins; audited).',
    params: z.strictObject({
      token_id: z.string().regex(/^[0-9a-f]{12}$/, 'a token id is 12 hexadecimal digits'),
    }),
    response: Revoked,
    writes: true,
    handler: async ({ params, caller, ctx }) => {
      if (!(await revokeToken(ctx.engine, params.token_id, caller.actor)))
        throw userError('unknown_token', `there is no token ${params.token_id}`, {
          hint: 'GET /api/v1/tokens lists them',
        });
      return { token_id: params.token_id, revoked: true as const };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/forget',
    capability: 'admin',
    summary:
      'Erases customers (by the ids the business knows) from every table in one verified transaction (admins; audited).',
    body: z.strictObject({ customers: z.array(z.string().min(1).max(500)).min(1).max(100_000) }),
    response: Forget,
    writes: true,
    handler: async ({ body, caller, ctx }) =>
      forgetCustomers(ctx.engine, storedIds(ctx.config, body.customers), caller.actor),
  }),
  route({
    method: 'GET',
    url: '/api/v1/audit',
    capability: 'admin',
    summary:
      'The audit log, newest first: member listings, exports, erasures, purges, config and token changes (admins).',
    query: z.strictObject({ action: name.optional(), limit: int(1, 1000).optional() }),
    response: Audit,
    handler: async ({ query, ctx }) => ({
      entries: await listAudit(ctx.engine, {
        ...(query.action !== undefined ? { action: query.action } : {}),
        limit: query.limit ?? 100,
      }),
    }),
  }),
];

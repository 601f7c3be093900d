/** Response schemas of the token, erasure, audit and export routes. */
import { z } from 'zod';
import { nullableStr, num, obj, str } from './common.js';

const Role = z.enum(['viewer', 'analyst', 'admin']);

export const Token = obj({
  token_id: str,
  role: Role,
  label: nullableStr,
  created_at: str,
  created_by: str,
  revoked_at: nullableStr,
});
export const Tokens = obj({ tokens: z.array(Token) });
/** A new token: the only time its secret is shown. */
export const CreatedToken = obj({ token: str, token_id: str, role: Role });
export const Revoked = obj({ token_id: str, revoked: z.literal(true) });

export const Forget = obj({
  erased: num,
  rows_deleted: z.record(z.string(), num),
  not_found: num,
  verified: z.boolean(),
});

export const Audit = obj({
  entries: z.array(
    obj({
      entry_id: num,
      at: str,
      actor: str,
      action: str,
      target: nullableStr,
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
});
